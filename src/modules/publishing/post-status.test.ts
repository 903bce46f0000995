import { describe, expect, it } from "vitest";
import { deliveryStatus } from "./post-status.js";

describe("deliveryStatus", () => {
  it.each([
    [["scheduled", "scheduled"], "scheduled"],
    [["published", "publishing"], "publishing"],
    [["published", "unconfirmed"], "unconfirmed"],
    [["published", "published", "cancelled"], "published"],
    [["published", "failed"], "partially_published"],
    [["published", "missed"], "partially_published"],
    [["failed", "missed"], "failed"],
    [["missed", "missed"], "missed"],
    [["published", "scheduled"], "scheduled"],
    [["cancelled"], "cancelled"],
  ] as const)("%j → %s", (targets, status) => expect(deliveryStatus(targets)).toBe(status));
});
