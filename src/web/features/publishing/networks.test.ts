import { describe, expect, it } from "vitest";
import { checkFor, networkHasThreads } from "./networks";

describe("composer checks and threads", () => {
  const long = "Les coulisses de l'équipe 🥐 ".repeat(14).trim(); // ~390 graphemes

  it("blocks a text over Bluesky's 300 graphemes unless a thread is asked for", () => {
    const plain = checkFor("bluesky", long, []);
    expect(plain?.ok).toBe(false);
    const thread = checkFor("bluesky", long, [], { thread: true });
    expect(thread?.ok).toBe(true);
    expect(thread?.issues.map((i) => i.code)).toContain("text_thread");
  });

  it("offers threads only where the network has them", () => {
    expect(networkHasThreads("bluesky")).toBe(true);
    expect(networkHasThreads("mastodon")).toBe(true);
    expect(networkHasThreads("instagram")).toBe(false);
    expect(networkHasThreads("inconnu")).toBe(false);
    // Asking for a thread on Instagram changes nothing: its limit still blocks.
    expect(checkFor("instagram", "x".repeat(2300), [], { thread: true })?.ok).toBe(false);
  });

  it("follows a Mastodon account's own limits: its counter's maximum and its errors", () => {
    const text = `${"é".repeat(560)} Les coulisses 🥐`; // 576 characters
    expect(checkFor("mastodon", text, [])).toMatchObject({ ok: false, max: 500 });
    const glitch = checkFor("mastodon", text, [], { limits: { maxCharacters: 1000, maxMediaAttachments: null } });
    expect(glitch).toMatchObject({ ok: true, length: 576, max: 1000 });
    const small = checkFor("mastodon", "é".repeat(301), [], { limits: { maxCharacters: 300 } });
    expect(small?.issues[0]).toMatchObject({ code: "text_too_long", params: { max: 300, over: 1 } });
    expect(checkFor("mastodon", text, [], { limits: null })?.max).toBe(500);
  });
});
