import { describe, expect, it } from "vitest";
import { Mutex } from "./mutex.js";

describe("Mutex", () => {
  it("runs holders one at a time, in order, and survives a failing holder", async () => {
    const m = new Mutex();
    const log: string[] = [];
    const task = (name: string, ms: number, fail = false) =>
      m.run(async () => {
        log.push(`${name}+`);
        await new Promise((r) => setTimeout(r, ms));
        log.push(`${name}-`);
        if (fail) throw new Error(name);
      });
    const results = await Promise.allSettled([task("a", 20), task("b", 1, true), task("c", 5)]);
    expect(log).toEqual(["a+", "a-", "b+", "b-", "c+", "c-"]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
  });
});
