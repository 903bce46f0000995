import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../../src/lib/errors.js";
import { describeKnownMedia, describeMedia, mediaForPublishing } from "../../src/modules/media/media.service.js";
import { fitUnderBytes, PRESETS } from "../../src/modules/media/media-images.js";
import { sign } from "../../src/modules/media/media-signing.js";
import { mp4Info, sniff } from "../../src/modules/media/media-sniff.js";
import { type Caller, createTestApp, createWorkspace, signUp, type TestApp } from "../helpers/app.js";
import { animatedGif, jpeg, multipart, png, upload } from "./fixtures.js";

/** Renditions, signed public URLs and what the posts and the scheduler get from the media service. */
let t: TestApp;
let owner: Caller;
let ws: string;
let other: string;
const dataDir = mkdtempSync(path.join(tmpdir(), "relais-media-"));

beforeAll(async () => {
  t = await createTestApp({ config: { dataDir, publicUrl: "https://relais.exemple.fr" } });
  owner = await signUp(t, "cm@agence.fr");
  ws = await createWorkspace(owner, "Musée");
  other = await createWorkspace(owner, "Autre");
});
afterAll(async () => {
  await t.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const base = () => `/api/workspaces/${ws}/media`;
const put = (id: string, preset: string, payload: unknown = {}) =>
  owner.request({ method: "PUT", url: `${base()}/${id}/renditions/${preset}`, payload: payload as never });
const ratio: Record<string, [number, number]> = { "1:1": [1, 1], "4:5": [4, 5], "1.91:1": [191, 100], "9:16": [9, 16] };

describe("renditions", () => {
  it("produce exact aspect ratios, automatic or cropped, capped at 2048 px", async () => {
    const m = (await upload(owner, ws, await jpeg(3000, 2000, { seed: 1 }), "paysage.jpg")).json();
    for (const preset of PRESETS) {
      const [a, b] = ratio[preset] as [number, number];
      for (const body of [{}, { crop: { x: 100, y: 50, width: 1200, height: 1500 } }]) {
        const res = await put(m.id, preset, body);
        expect(res.statusCode, preset).toBe(200);
        const r = res.json();
        expect(r.width * b, `${preset} ${JSON.stringify(body)}`).toBe(r.height * a);
        expect(Math.max(r.width, r.height)).toBeLessThanOrEqual(2048);
        const file = await owner.get(`${base()}/${m.id}/renditions/${preset}`);
        expect(file.headers["content-type"]).toBe("image/jpeg");
        const meta = await sharp(file.rawPayload).metadata();
        expect([meta.width, meta.height]).toEqual([r.width, r.height]);
        expect(file.rawPayload.length).toBe(r.sizeBytes);
      }
    }
    const listed = (await owner.get(`${base()}/${m.id}/renditions`)).json();
    expect(listed.map((r: { preset: string }) => r.preset).sort()).toEqual([...PRESETS].sort());
    expect(listed.find((r: { preset: string }) => r.preset === "4:5").crop).toEqual({
      x: 100,
      y: 50,
      width: 1200,
      height: 1500,
    });
    expect((await owner.get(`${base()}/${m.id}`)).json().renditions).toHaveLength(4);
  });

  it("never enlarges a small source and re-cropping replaces the rendition (new ETag)", async () => {
    const m = (await upload(owner, ws, await png(90, 60), "petit.png")).json();
    const first = (await put(m.id, "1:1")).json();
    expect([first.width, first.height]).toEqual([60, 60]);
    const f1 = await owner.get(`${base()}/${m.id}/renditions/1:1`);
    const again = await owner.request({
      method: "GET",
      url: `${base()}/${m.id}/renditions/1:1`,
      headers: { "if-none-match": String(f1.headers.etag) },
    });
    expect(again.statusCode).toBe(304);
    const second = (await put(m.id, "1:1", { crop: { x: 0, y: 0, width: 30, height: 30 } })).json();
    expect([second.width, second.height]).toEqual([30, 30]);
    const f2 = await owner.get(`${base()}/${m.id}/renditions/1:1`);
    expect(f2.headers.etag).not.toBe(f1.headers.etag);
    expect((await owner.get(`${base()}/${m.id}/renditions`)).json()).toHaveLength(1);
  });

  it("refuses crops outside the image, unknown presets, videos and animated GIFs", async () => {
    const m = (await upload(owner, ws, await jpeg(100, 80, { seed: 2 }), "c.jpg")).json();
    const out = await put(m.id, "1:1", { crop: { x: 50, y: 0, width: 60, height: 60 } });
    expect(out.statusCode).toBe(400);
    expect(out.json().error.details[0].path).toBe("body.crop");
    expect((await put(m.id, "1:1", { crop: { x: -1, y: 0, width: 10, height: 10 } })).statusCode).toBe(400);
    expect((await put(m.id, "16:9")).statusCode).toBe(400);
    expect((await owner.get(`${base()}/${m.id}/renditions/4:5`)).statusCode).toBe(404);
    const gif = (await upload(owner, ws, await animatedGif(20, 20), "a.gif")).json();
    const res = await put(gif.id, "1:1");
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe("media_not_image");
    const video = (await upload(owner, ws, mp4(), "clip.mov")).json();
    expect((await put(video.id, "9:16")).json().error.code).toBe("media_not_image");
  });
});

describe("videos", () => {
  it("reads duration and size from the MP4 header, serves ranges", async () => {
    expect(mp4Info(mp4())).toEqual({ durationMs: 12_500, width: 1080, height: 1920 });
    const res = await upload(owner, ws, mp4(2), "reel.bin");
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      kind: "video",
      mimeType: "video/mp4",
      durationMs: 12_500,
      width: 1080,
      height: 1920,
      thumbnailUrl: null,
    });
    const part = await owner.request({
      method: "GET",
      url: `${base()}/${res.json().id}/file`,
      headers: { range: "bytes=4-7" },
    });
    expect(part.statusCode).toBe(206);
    expect(part.body).toBe("ftyp");
    expect((await owner.get(`${base()}/${res.json().id}/thumbnail`)).statusCode).toBe(404);
  });

  it("sniffs QuickTime, WebM and refuses other Matroska and unknown ftyp brands", () => {
    const ftyp = (brand: string) =>
      Buffer.concat([Buffer.from([0, 0, 0, 20]), Buffer.from(`ftyp${brand}\0\0\0\0${brand}`)]);
    expect(sniff(ftyp("qt  "))?.mimeType).toBe("video/quicktime");
    expect(sniff(ftyp("avif"))?.mimeType).toBe("image/avif");
    expect(sniff(ftyp("heic"))?.mimeType).toBe("image/heic");
    expect(sniff(ftyp("M4A "))).toBeNull();
    const ebml = (doc: string) =>
      Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x82, 0x84]), Buffer.from(doc)]);
    expect(sniff(ebml("webm"))?.mimeType).toBe("video/webm");
    expect(sniff(ebml("matroska"))).toBeNull();
    expect(sniff(Buffer.from("%PDF-1.7"))).toBeNull();
    expect(mp4Info(Buffer.from("not an mp4 at all"))).toEqual({ durationMs: null, width: null, height: null });
  });

  it("refuses a decompression bomb (a small PNG claiming 108 megapixels)", async () => {
    const bomb = await sharp({ create: { width: 12000, height: 9000, channels: 3, background: "#fff" } })
      .png({ compressionLevel: 9 })
      .toBuffer();
    expect(bomb.length).toBeLessThan(1_000_000);
    const res = await upload(owner, ws, bomb, "bombe.png");
    expect(res.statusCode).toBe(415);
    expect(await t.ctx.db.selectFrom("media").select("id").where("original_name", "=", "bombe.png").execute()).toEqual(
      [],
    );
  });

  it("accepts AVIF when sharp can decode it, stored as JPEG", async () => {
    const avif = await sharp({ create: { width: 32, height: 24, channels: 3, background: "#c33" } })
      .avif()
      .toBuffer();
    const res = await upload(owner, ws, avif, "photo.avif");
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ kind: "image", mimeType: "image/jpeg", width: 32, height: 24 });
  });
});

describe("for posts and the scheduler", () => {
  it("describes media in the order asked and refuses unknown or foreign ids", async () => {
    const a = (await upload(owner, ws, await jpeg(10, 20, { seed: 5 }), "a.jpg", { altText: "Été 🌞" })).json();
    const g = (await upload(owner, ws, await animatedGif(8, 8, 2, 50), "g.gif")).json();
    const foreign = (await upload(owner, other, await jpeg(10, 10, { seed: 6 }), "f.jpg")).json();
    const d = await describeMedia(t.ctx, ws, [g.id, a.id]);
    expect(d.map((x) => [x.id, x.kind])).toEqual([
      [g.id, "gif"],
      [a.id, "image"],
    ]);
    expect(d[1]).toMatchObject({ width: 10, height: 20, altText: "Été 🌞", mimeType: "image/jpeg", durationMs: null });
    expect(await describeMedia(t.ctx, ws, [])).toEqual([]);
    const known = await describeKnownMedia(t.ctx, ws, [a.id, foreign.id, "nope", a.id]);
    expect([...known.keys()]).toEqual([a.id]);
    expect(known.get(a.id)?.altText).toBe("Été 🌞");
    const err = await describeMedia(t.ctx, ws, [a.id, foreign.id, "nope"], { path: "body.mediaIds" }).catch((e) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err.code).toBe("unknown_media");
    expect(err.status).toBe(400);
    expect(err.details).toEqual([
      { path: "body.mediaIds.1", code: "unknown_media", message: foreign.id },
      { path: "body.mediaIds.2", code: "unknown_media", message: "nope" },
    ]);
  });

  it("gives signed URLs that work, expire, and cannot be altered; uses the preset's rendition", async () => {
    const bytes = await jpeg(800, 600, { seed: 8 });
    const m = (await upload(owner, ws, bytes, "pub.jpg", { altText: "Vue du lac" })).json();
    const [orig] = await mediaForPublishing(t.ctx, ws, [m.id]);
    expect(orig).toMatchObject({
      id: m.id,
      kind: "image",
      mimeType: "image/jpeg",
      width: 800,
      height: 600,
      altText: "Vue du lac",
    });
    expect(orig?.url.startsWith(`https://relais.exemple.fr/api/media/${m.id}/original?exp=`)).toBe(true);
    const stored = await orig!.read();
    expect(stored.length).toBe(m.sizeBytes);

    const fetch = (u: string) => t.app.inject({ method: "GET", url: u.replace("https://relais.exemple.fr", "") });
    const ok = await fetch(orig!.url);
    expect(ok.statusCode).toBe(200);
    expect(ok.rawPayload.equals(stored)).toBe(true);
    expect(ok.headers["cache-control"]).toContain("public");

    const url = new URL(orig!.url);
    const sig = url.searchParams.get("sig") as string;
    const exp = url.searchParams.get("exp") as string;
    const variants = [
      `/api/media/${m.id}/original?exp=${exp}&sig=${sig.slice(0, -2)}${sig.endsWith("AA") ? "BB" : "AA"}`,
      `/api/media/${m.id}/original?exp=${Number(exp) + 1}&sig=${sig}`,
      `/api/media/${m.id}/thumbnail?exp=${exp}&sig=${sig}`,
      `/api/media/${m.id}/original?exp=${exp}&sig=`,
    ];
    for (const u of variants) {
      const res = await t.app.inject({ method: "GET", url: u });
      expect(res.statusCode, u).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, u).toBeLessThan(500);
    }
    const tampered = await t.app.inject({ method: "GET", url: variants[0] as string });
    expect(tampered.statusCode).toBe(403);
    expect(tampered.json().error.code).toBe("media_link_invalid");
    const expired = sign(t.ctx, m.id, "original", -10);
    const late = await t.app.inject({
      method: "GET",
      url: `/api/media/${m.id}/original?exp=${expired.exp}&sig=${expired.sig}`,
    });
    expect(late.statusCode).toBe(403);
    // Another media's id with this signature: refused too.
    const foreign = (await upload(owner, other, await jpeg(10, 10, { seed: 9 }), "x.jpg")).json();
    expect(
      (await t.app.inject({ method: "GET", url: `/api/media/${foreign.id}/original?exp=${exp}&sig=${sig}` }))
        .statusCode,
    ).toBe(403);

    // With a 4:5 rendition, the 4:5 request gets it; other presets fall back to the original.
    await put(m.id, "4:5");
    const [r45] = await mediaForPublishing(t.ctx, ws, [m.id], "4:5");
    const [r11] = await mediaForPublishing(t.ctx, ws, [m.id], "1:1");
    expect(Number(r45!.width) * 5).toBe(Number(r45!.height) * 4);
    expect(r45!.url).toContain("/4x5?");
    expect(r11!.url).toContain("/original?");
    const served = await fetch(r45!.url);
    expect(served.statusCode).toBe(200);
    expect(served.rawPayload.equals(await r45!.read())).toBe(true);
    await expect(mediaForPublishing(t.ctx, other, [m.id])).rejects.toMatchObject({ code: "unknown_media" });
  });

  it("fits a large image under Bluesky's 1,000,000 bytes", async () => {
    const noise = await sharp(randomBytes(1600 * 1200 * 3), {
      raw: { width: 1600, height: 1200, channels: 3 },
    })
      .png({ compressionLevel: 1 })
      .toBuffer();
    expect(noise.length).toBeGreaterThan(1_000_000);
    const fitted = await fitUnderBytes(noise, 1_000_000);
    expect(fitted.data.length).toBeLessThanOrEqual(1_000_000);
    expect(fitted.mimeType).toBe("image/jpeg");
    const meta = await sharp(fitted.data).metadata();
    expect([meta.width, meta.height]).toEqual([fitted.width, fitted.height]);
    expect(fitted.width / fitted.height).toBeCloseTo(4 / 3, 1);
    const wide = await fitUnderBytes(await jpeg(3000, 1000), 1_000_000);
    expect([wide.width, wide.height]).toEqual([2048, 683]);
    const portrait = await fitUnderBytes(await jpeg(300, 200, { orientation: 6 }), 1_000_000, { maxSide: 150 });
    expect([portrait.width, portrait.height]).toEqual([100, 150]);
    const small = await jpeg(20, 20);
    expect((await fitUnderBytes(small, 1_000_000)).data).toBe(small);
  });
});

describe("upload errors speak the caller's language", () => {
  it("415 in English", async () => {
    const { payload, headers } = multipart({
      data: Buffer.from("<svg xmlns='http://www.w3.org/2000/svg'/>"),
      filename: "x.svg",
    });
    const res = await owner.request({
      method: "POST",
      url: base(),
      payload,
      headers: { ...headers, "accept-language": "en" },
    });
    expect(res.statusCode).toBe(415);
    expect(res.json().error.message).toMatch(/^This file is not a supported image or video/);
  });
});

/** A minimal MP4: ftyp, then moov with mvhd (12.5 s) and a 1080×1920 video track. */
function mp4(seed = 1): Buffer {
  const box = (type: string, ...payload: Buffer[]) => {
    const body = Buffer.concat(payload);
    const head = Buffer.alloc(8);
    head.writeUInt32BE(body.length + 8, 0);
    head.write(type, 4, "latin1");
    return Buffer.concat([head, body]);
  };
  const ftyp = box("ftyp", Buffer.from("isom"), Buffer.from([0, 0, 2, 0]), Buffer.from("isommp41"));
  const mvhd = Buffer.alloc(100);
  mvhd.writeUInt32BE(1000, 12); // timescale
  mvhd.writeUInt32BE(12_500, 16); // duration
  const tkhd = Buffer.alloc(84);
  tkhd.writeUInt32BE(1080 * 65536, 76);
  tkhd.writeUInt32BE(1920 * 65536, 80);
  const audioTkhd = Buffer.alloc(84);
  const moov = box("moov", box("mvhd", mvhd), box("trak", box("tkhd", audioTkhd)), box("trak", box("tkhd", tkhd)));
  return Buffer.concat([ftyp, box("mdat", Buffer.alloc(64, seed)), moov]);
}
