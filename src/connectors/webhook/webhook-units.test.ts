import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { PublishRequest } from "../types.js";
import { detectFlavour, discordBody, publishBody, resolveFlavour, slackBody } from "./payload.js";
import { generateSigningSecret, signPayload, verifySignature } from "./signature.js";

const request = (over: Partial<PublishRequest> = {}): PublishRequest => ({
  idempotencyKey: "tgt_123",
  postId: "post-1",
  targetId: "target-1",
  workspaceId: "ws-1",
  text: "Soirée jazz <ce soir> & demain 🎷👍🏾",
  linkUrl: "https://musee.example/agenda?x=1&y=2",
  media: [],
  options: {},
  scheduledAt: new Date("2026-03-29T08:30:00Z"),
  ...over,
});

const media = (kind: "image" | "video", n: number) => ({
  id: `m${n}`,
  kind,
  mimeType: kind === "image" ? "image/jpeg" : "video/mp4",
  sizeBytes: 1000,
  width: 1080,
  height: 1350,
  altText: kind === "image" ? `Affiche n°${n}` : "",
  url: `https://relais.example/m/${n}`,
  read: async () => Buffer.alloc(0),
});

describe("signature", () => {
  it("is HMAC-SHA256 over timestamp.body, hex, prefixed sha256=", () => {
    const body = '{"text":"Crème brûlée 🍮"}';
    const expected = createHmac("sha256", "whsec_test").update(`1700000000.${body}`).digest("hex");
    expect(signPayload("whsec_test", 1_700_000_000, body)).toBe(`sha256=${expected}`);
  });

  it("verifies, and refuses another secret, a changed body, a changed timestamp or an old one", () => {
    const secret = generateSigningSecret();
    const now = new Date("2026-11-22T10:00:00Z");
    const ts = Math.floor(now.getTime() / 1000);
    const body = '{"a":"é"}';
    const signature = signPayload(secret, ts, body);
    const ok = { signature, timestamp: String(ts) };
    expect(verifySignature(secret, ok, body, { now })).toBe(true);
    expect(verifySignature(generateSigningSecret(), ok, body, { now })).toBe(false);
    expect(verifySignature(secret, ok, '{"a":"e"}', { now })).toBe(false);
    expect(verifySignature(secret, { signature, timestamp: String(ts + 1) }, body, { now })).toBe(false);
    expect(verifySignature(secret, ok, body, { now: new Date(now.getTime() + 301_000) })).toBe(false);
    expect(verifySignature(secret, { signature: undefined, timestamp: String(ts) }, body, { now })).toBe(false);
    expect(verifySignature(secret, { signature: "sha256=00", timestamp: String(ts) }, body, { now })).toBe(false);
  });

  it("generates distinct 32-byte secrets", () => {
    const a = generateSigningSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(generateSigningSecret()).not.toBe(a);
  });
});

describe("flavour detection", () => {
  it.each([
    ["https://hooks.slack.com/services/T0/B0/XYZ", "slack"],
    ["https://discord.com/api/webhooks/123/abc", "discord"],
    ["https://discordapp.com/api/webhooks/123/abc", "discord"],
    ["https://canary.discord.com/api/v10/webhooks/123/abc", "discord"],
    ["https://chat.agence.fr/hooks/xj3fq8wz1bdp7y6kq5n4m3r2t1", "slack"],
    ["https://discord.com/channels/123", "relais"],
    ["https://evil.example/hooks.slack.com/services/x", "relais"],
    ["https://hooks.slack.com.evil.example/services/x", "relais"],
    ["https://n8n.agence.fr/webhook/relais", "relais"],
    ["https://hooks.zapier.com/hooks/catch/123/abc/", "relais"],
    ["https://hook.eu1.make.com/abcdef", "relais"],
    ["not a url", "relais"],
  ])("%s → %s", (url, flavour) => {
    expect(detectFlavour(url)).toBe(flavour);
  });

  it("lets the user force a format", () => {
    expect(resolveFlavour("https://n8n.agence.fr/webhook", "slack")).toBe("slack");
    expect(resolveFlavour("https://hooks.slack.com/services/x", "relais")).toBe("relais");
    expect(resolveFlavour("https://hooks.slack.com/services/x", "auto")).toBe("slack");
  });
});

describe("bodies", () => {
  it("Slack: escaped mrkdwn text, the link, image blocks with alt text", () => {
    const body = slackBody(request({ media: [media("image", 1), media("video", 2)] }));
    expect(body.text).toBe("Soirée jazz &lt;ce soir&gt; &amp; demain 🎷👍🏾\n\n<https://musee.example/agenda?x=1&y=2>");
    expect(body.blocks).toEqual([
      { type: "section", text: { type: "mrkdwn", text: body.text } },
      { type: "image", image_url: "https://relais.example/m/1", alt_text: "Affiche n°1" },
      { type: "section", text: { type: "mrkdwn", text: "<https://relais.example/m/2|🎬 video>" } },
    ]);
  });

  it("Slack: a long post is split over sections without losing a character", () => {
    const text = "é".repeat(7000);
    const body = slackBody(request({ text, linkUrl: null }));
    const sections = (body.blocks as Array<{ text: { text: string } }>).map((b) => b.text.text);
    expect(sections.map((s) => s.length)).toEqual([3000, 3000, 1000]);
    expect(sections.join("")).toBe(text);
  });

  it("Discord: content with the link, one embed per image, no mass mentions", () => {
    const body = discordBody(request({ text: "@everyone concert !", media: [media("image", 1), media("video", 2)] }));
    expect(body.content).toBe(
      "@everyone concert !\n\nhttps://musee.example/agenda?x=1&y=2\n\nhttps://relais.example/m/2",
    );
    expect(body.embeds).toEqual([{ image: { url: "https://relais.example/m/1" }, description: "Affiche n°1" }]);
    expect(body.allowed_mentions).toEqual({ parse: [] });
  });

  it("Relais: the documented event", () => {
    const now = new Date("2026-03-29T08:30:01Z");
    expect(publishBody("relais", request({ media: [media("image", 1)] }), now)).toEqual({
      type: "post.published",
      version: 1,
      id: "tgt_123",
      createdAt: "2026-03-29T08:30:01.000Z",
      workspaceId: "ws-1",
      postId: "post-1",
      targetId: "target-1",
      post: {
        text: "Soirée jazz <ce soir> & demain 🎷👍🏾",
        title: null,
        link: "https://musee.example/agenda?x=1&y=2",
        scheduledAt: "2026-03-29T08:30:00.000Z",
        media: [
          {
            id: "m1",
            kind: "image",
            mimeType: "image/jpeg",
            sizeBytes: 1000,
            width: 1080,
            height: 1350,
            altText: "Affiche n°1",
            url: "https://relais.example/m/1",
          },
        ],
        options: {},
      },
    });
  });
});

describe("docs/webhooks.md", () => {
  it("its Node.js verification snippet accepts our signatures and refuses tampered ones", async () => {
    const { readFile } = await import("node:fs/promises");
    const crypto = await import("node:crypto");
    const md = await readFile(new URL("../../../docs/webhooks.md", import.meta.url), "utf8");
    const code = /### Node\.js\n```js\n([\s\S]*?)```/.exec(md)?.[1];
    expect(code).toBeTruthy();
    const body = code!.replace(/^import .*$/m, "").replace("export function", "function");
    const verifyRelais = new Function("createHmac", "timingSafeEqual", `${body}\nreturn verifyRelais;`)(
      crypto.createHmac,
      crypto.timingSafeEqual,
    ) as (secret: string, raw: Buffer, headers: Record<string, string>) => boolean;
    const secret = generateSigningSecret();
    const ts = Math.floor(Date.now() / 1000);
    const raw = '{"type":"post.published","post":{"text":"Crêpes 🥞"}}';
    const headers = { "x-relais-timestamp": String(ts), "x-relais-signature": signPayload(secret, ts, raw) };
    expect(verifyRelais(secret, Buffer.from(raw), headers)).toBe(true);
    expect(verifyRelais(secret, Buffer.from(raw.replace("🥞", "🧇")), headers)).toBe(false);
    expect(verifyRelais(generateSigningSecret(), Buffer.from(raw), headers)).toBe(false);
  });
});
