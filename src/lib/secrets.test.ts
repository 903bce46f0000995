import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { SecretBox } from "./secrets.js";

describe("SecretBox", () => {
  const box = SecretBox.fromHex("a".repeat(64));

  it("round-trips text with accents and emoji, with a fresh IV each time", () => {
    const s = "jeton: é€🎉 \u0000";
    const a = box.encrypt(s, "account:1");
    expect(a).not.toContain("jeton");
    expect(a).not.toBe(box.encrypt(s, "account:1"));
    expect(box.decrypt(a, "account:1")).toBe(s);
  });

  it("refuses tampering, another key and other associated data", () => {
    const sealed = box.encrypt("secret", "account:1");
    const flipped = `${sealed.slice(0, -2)}${sealed.endsWith("A") ? "B" : "A"}${sealed.slice(-1)}`;
    expect(() => box.decrypt(flipped, "account:1")).toThrow();
    expect(() => SecretBox.fromHex("b".repeat(64)).decrypt(sealed, "account:1")).toThrow();
    expect(() => box.decrypt(sealed, "account:2")).toThrow();
  });

  it("generates the key file once, with 0600 permissions, and reuses it", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "relais-key-"));
    const one = SecretBox.load({ dataDir: dir });
    const sealed = one.encrypt("x");
    const file = path.join(dir, "secret.key");
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(SecretBox.load({ dataDir: dir }).decrypt(sealed)).toBe("x");
    fs.rmSync(dir, { recursive: true });
  });

  it("refuses a key of the wrong size", () => {
    expect(() => SecretBox.fromHex("abcd")).toThrow(/32 bytes/);
  });
});
