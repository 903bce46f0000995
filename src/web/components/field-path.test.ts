import { describe, expect, it } from "vitest";
import { ApiError } from "../api/errors";
import { displayedField } from "./field-path";

const values = {
  name: "Opéra",
  website: "",
  values: ["Curiosité", "Partage"],
  handles: [{ network: "bluesky", handle: "" }],
};

describe("server field paths → form fields", () => {
  it("maps body.x to the field x", () => {
    expect(displayedField(values, "body.website")).toBe("website");
  });

  it("keeps nested paths into arrays of objects", () => {
    expect(displayedField(values, "body.handles.0.handle")).toBe("handles.0.handle");
  });

  it("points an item of a plain array at the array (a tags input)", () => {
    expect(displayedField(values, "body.values.1")).toBe("values");
  });

  it("gives null for fields the form does not have, or no path", () => {
    expect(displayedField(values, "body.timezone")).toBeNull();
    expect(displayedField(values, "")).toBeNull();
    expect(displayedField(values, "body")).toBeNull();
  });
});

describe("ApiError.fromBody", () => {
  it("keeps the server's message and well-formed details only", () => {
    const e = ApiError.fromBody(
      400,
      {
        error: {
          code: "validation_failed",
          message: "Certaines valeurs sont invalides",
          details: [{ path: "body.website", code: "format", message: "URL invalide" }, "junk"],
        },
      },
      "fallback",
    );
    expect(e.code).toBe("validation_failed");
    expect(e.message).toBe("Certaines valeurs sont invalides");
    expect(e.details).toEqual([{ path: "body.website", code: "format", message: "URL invalide" }]);
  });

  it("falls back when the body is not the error format", () => {
    const e = ApiError.fromBody(502, "Bad gateway", "Erreur inattendue");
    expect(e.code).toBe("http_502");
    expect(e.message).toBe("Erreur inattendue");
    expect(e.details).toEqual([]);
  });
});
