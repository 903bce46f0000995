import { describe, expect, it } from "vitest";
import { isIanaTimezone } from "./timezone.js";

describe("isIanaTimezone", () => {
  it.each([
    "Europe/Paris",
    "America/Argentina/Buenos_Aires",
    "UTC",
    "Pacific/Chatham",
    "America/Port-au-Prince",
    "Etc/GMT+2",
  ])("accepts %s", (tz) => expect(isIanaTimezone(tz)).toBe(true));
  it.each([
    "Europe/Lyon",
    "+01:00",
    "GMT+1",
    "",
    "Paris",
    "Europe/Paris; drop table",
    "../../etc/passwd",
    "a".repeat(80),
  ])("refuses %s", (tz) => expect(isIanaTimezone(tz)).toBe(false));
});
