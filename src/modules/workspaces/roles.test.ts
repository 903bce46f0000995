import { describe, expect, it } from "vitest";
import { atLeast, canAssign, permissions } from "./roles.js";

describe("roles", () => {
  it("orders roles", () => {
    expect(atLeast("owner", "manager")).toBe(true);
    expect(atLeast("reviewer", "editor")).toBe(false);
    expect(atLeast("viewer", permissions["workspace.read"])).toBe(true);
    expect(atLeast("editor", permissions["members.manage"])).toBe(false);
  });
  it("only owners grant or touch the owner role", () => {
    expect(canAssign("owner", "viewer", "owner")).toBe(true);
    expect(canAssign("manager", "viewer", "owner")).toBe(false);
    expect(canAssign("manager", "owner", "viewer")).toBe(false);
    expect(canAssign("manager", "editor", "manager")).toBe(true);
    expect(canAssign("editor", "viewer", "reviewer")).toBe(false);
  });
});
