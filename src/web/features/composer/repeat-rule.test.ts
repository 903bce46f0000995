import { describe, expect, it } from "vitest";
import { buildRule, emptyRepeat, parseRule } from "./repeat-rule";

describe("repeat picker ↔ RRULE", () => {
  it("builds nothing for 'does not repeat'", () => {
    expect(buildRule(emptyRepeat)).toBeNull();
  });

  it("builds weekly rules with weekdays in ISO order and an inclusive end day", () => {
    expect(
      buildRule({ ...emptyRepeat, freq: "weekly", weekdays: ["TH", "MO"], end: "until", until: "2026-12-31" }),
    ).toBe("FREQ=WEEKLY;BYDAY=MO,TH;UNTIL=20261231T235959Z");
    expect(buildRule({ ...emptyRepeat, freq: "monthly", end: "count", count: 6 })).toBe("FREQ=MONTHLY;COUNT=6");
    // An unfinished end (no date, no valid count) is no end rather than a broken rule.
    expect(buildRule({ ...emptyRepeat, freq: "daily", end: "until", until: "" })).toBe("FREQ=DAILY");
    expect(buildRule({ ...emptyRepeat, freq: "daily", end: "count", count: 0 })).toBe("FREQ=DAILY");
  });

  it("reads back what it builds and keeps rules it cannot show as custom", () => {
    const spec = {
      ...emptyRepeat,
      freq: "weekly" as const,
      weekdays: ["MO" as const, "FR" as const],
      end: "count" as const,
      count: 4,
    };
    expect(parseRule(buildRule(spec))).toEqual(spec);
    expect(parseRule("RRULE:FREQ=DAILY;UNTIL=20270115T000000Z")).toMatchObject({
      freq: "daily",
      end: "until",
      until: "2027-01-15",
    });
    expect(parseRule("FREQ=WEEKLY;INTERVAL=2").custom).toBe("FREQ=WEEKLY;INTERVAL=2");
    expect(parseRule("FREQ=YEARLY").custom).toBe("FREQ=YEARLY");
    expect(parseRule("FREQ=MONTHLY;BYDAY=1MO").custom).toBe("FREQ=MONTHLY;BYDAY=1MO");
    expect(parseRule(null).freq).toBe("none");
  });
});
