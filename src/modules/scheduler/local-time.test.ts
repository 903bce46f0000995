import { describe, expect, it } from "vitest";
import { instantToLocal, localToInstant, offsetMinutes, parseLocal } from "./local-time.js";

const at = (local: string, tz: string) => {
  const r = localToInstant(local, tz);
  return { iso: r.instant.toISOString(), adjusted: r.adjusted };
};

describe("localToInstant / instantToLocal", () => {
  it("Europe/Paris, last Sunday of March 2026 (spring forward at 02:00 → 03:00)", () => {
    expect(at("2026-03-29T09:00", "Europe/Paris")).toEqual({ iso: "2026-03-29T07:00:00.000Z", adjusted: "none" });
    expect(at("2026-03-29T01:59", "Europe/Paris")).toEqual({ iso: "2026-03-29T00:59:00.000Z", adjusted: "none" });
    expect(at("2026-03-29T03:00", "Europe/Paris")).toEqual({ iso: "2026-03-29T01:00:00.000Z", adjusted: "none" });
    // 02:00–02:59 does not exist: same offset as before the gap, i.e. one hour later on the clock.
    expect(at("2026-03-29T02:30", "Europe/Paris")).toEqual({ iso: "2026-03-29T01:30:00.000Z", adjusted: "gap" });
    expect(at("2026-03-29T02:00", "Europe/Paris")).toEqual({ iso: "2026-03-29T01:00:00.000Z", adjusted: "gap" });
    expect(instantToLocal(new Date("2026-03-29T01:30:00Z"), "Europe/Paris")).toBe("2026-03-29T03:30");
    // The day before and after: plain CET and CEST.
    expect(at("2026-03-28T09:00", "Europe/Paris").iso).toBe("2026-03-28T08:00:00.000Z");
    expect(at("2026-03-30T09:00", "Europe/Paris").iso).toBe("2026-03-30T07:00:00.000Z");
  });

  it("Europe/Paris, last Sunday of October 2026 (fall back at 03:00 → 02:00)", () => {
    expect(at("2026-10-25T09:00", "Europe/Paris")).toEqual({ iso: "2026-10-25T08:00:00.000Z", adjusted: "none" });
    // 02:30 happens twice: the first one (CEST, +02:00) is taken.
    expect(at("2026-10-25T02:30", "Europe/Paris")).toEqual({ iso: "2026-10-25T00:30:00.000Z", adjusted: "overlap" });
    expect(at("2026-10-25T02:00", "Europe/Paris")).toEqual({ iso: "2026-10-25T00:00:00.000Z", adjusted: "overlap" });
    expect(at("2026-10-25T01:59", "Europe/Paris")).toEqual({ iso: "2026-10-24T23:59:00.000Z", adjusted: "none" });
    expect(at("2026-10-25T03:00", "Europe/Paris")).toEqual({ iso: "2026-10-25T02:00:00.000Z", adjusted: "none" });
    // Both occurrences read back as the same wall-clock time.
    expect(instantToLocal(new Date("2026-10-25T00:30:00Z"), "Europe/Paris")).toBe("2026-10-25T02:30");
    expect(instantToLocal(new Date("2026-10-25T01:30:00Z"), "Europe/Paris")).toBe("2026-10-25T02:30");
  });

  it("America/New_York (2026-03-08 and 2026-11-01)", () => {
    expect(at("2026-03-08T02:30", "America/New_York")).toEqual({ iso: "2026-03-08T07:30:00.000Z", adjusted: "gap" });
    expect(instantToLocal(new Date("2026-03-08T07:30:00Z"), "America/New_York")).toBe("2026-03-08T03:30");
    expect(at("2026-03-08T09:00", "America/New_York").iso).toBe("2026-03-08T13:00:00.000Z");
    expect(at("2026-11-01T01:30", "America/New_York")).toEqual({
      iso: "2026-11-01T05:30:00.000Z",
      adjusted: "overlap",
    });
    expect(at("2026-11-01T09:00", "America/New_York").iso).toBe("2026-11-01T14:00:00.000Z");
  });

  it("Australia/Lord_Howe: a 30-minute daylight-saving shift", () => {
    // Ends 2026-04-05 at 02:00 (+11:00) → 01:30 (+10:30): 01:30–01:59 twice.
    expect(at("2026-04-05T01:45", "Australia/Lord_Howe")).toEqual({
      iso: "2026-04-04T14:45:00.000Z",
      adjusted: "overlap",
    });
    expect(at("2026-04-05T09:00", "Australia/Lord_Howe").iso).toBe("2026-04-04T22:30:00.000Z");
    // Starts 2026-10-04 at 02:00 (+10:30) → 02:30 (+11:00): 02:00–02:29 does not exist.
    expect(at("2026-10-04T02:15", "Australia/Lord_Howe")).toEqual({
      iso: "2026-10-03T15:45:00.000Z",
      adjusted: "gap",
    });
    expect(instantToLocal(new Date("2026-10-03T15:45:00Z"), "Australia/Lord_Howe")).toBe("2026-10-04T02:45");
    expect(offsetMinutes(new Date("2026-07-01T00:00:00Z"), "Australia/Lord_Howe")).toBe(630);
    expect(offsetMinutes(new Date("2026-12-01T00:00:00Z"), "Australia/Lord_Howe")).toBe(660);
  });

  it("Pacific/Apia: no DST in 2026, and the calendar day skipped in 2011", () => {
    expect(at("2026-03-29T09:00", "Pacific/Apia")).toEqual({ iso: "2026-03-28T20:00:00.000Z", adjusted: "none" });
    expect(at("2026-10-25T09:00", "Pacific/Apia").iso).toBe("2026-10-24T20:00:00.000Z");
    // 2011-12-30 never happened in Samoa (−10:00 → +14:00): noon lands on the 31st at noon.
    const skipped = localToInstant("2011-12-30T12:00", "Pacific/Apia");
    expect(skipped.adjusted).toBe("gap");
    expect(instantToLocal(skipped.instant, "Pacific/Apia")).toBe("2011-12-31T12:00");
  });

  it("UTC never adjusts", () => {
    expect(at("2026-03-29T02:30", "UTC")).toEqual({ iso: "2026-03-29T02:30:00.000Z", adjusted: "none" });
    expect(at("2026-10-25T02:30", "UTC")).toEqual({ iso: "2026-10-25T02:30:00.000Z", adjusted: "none" });
    expect(instantToLocal(new Date("2026-12-31T23:59:59.999Z"), "UTC")).toBe("2026-12-31T23:59");
  });

  it("round-trips every quarter hour of both Paris change days", () => {
    for (const day of ["2026-03-29", "2026-10-25"]) {
      for (let m = 0; m < 24 * 60; m += 15) {
        const local = `${day}T${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
        const r = localToInstant(local, "Europe/Paris");
        if (r.adjusted !== "gap") expect(instantToLocal(r.instant, "Europe/Paris")).toBe(local);
      }
    }
  });

  it("refuses malformed times and unknown zones", () => {
    for (const bad of ["2026-02-30T10:00", "2026-13-01T10:00", "2026-03-29T24:00", "2026-03-29 09:00", "09:00", ""]) {
      expect(parseLocal(bad)).toBeNull();
      expect(() => localToInstant(bad, "Europe/Paris")).toThrow(RangeError);
    }
    expect(parseLocal("2028-02-29T23:59")).not.toBeNull();
    expect(() => localToInstant("2026-03-29T09:00", "Europe/Nowhere")).toThrow(RangeError);
  });
});
