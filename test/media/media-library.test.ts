import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Caller, createTestApp, createWorkspace, signUp, type TestApp } from "../helpers/app.js";
import { animatedGif, jpeg, multipart, png, upload, webp } from "./fixtures.js";

/**
 * Upload, type sniffing, size limits, dedupe, the library routes and deletion rules. Small limits are
 * configured so "oversize" needs only a few hundred kilobytes.
 */
let t: TestApp;
let owner: Caller;
let viewer: Caller;
let ws: string;
let other: string;
const dataDir = mkdtempSync(path.join(tmpdir(), "relais-media-"));
const IMAGE_LIMIT = 300_000;
const VIDEO_LIMIT = 200_000;

beforeAll(async () => {
  t = await createTestApp({ config: { dataDir, mediaMaxImageBytes: IMAGE_LIMIT, mediaMaxVideoBytes: VIDEO_LIMIT } });
  owner = await signUp(t, "cm@agence.fr", { name: "Camille" });
  viewer = await signUp(t, "lecteur@client.fr", { name: "Lecteur" });
  ws = await createWorkspace(owner, "Festival d'Annecy");
  other = await createWorkspace(owner, "Autre client");
  await t.ctx.db
    .insertInto("memberships")
    .values({ workspace_id: ws, user_id: viewer.user.id, role: "viewer" })
    .execute();
});
afterAll(async () => {
  await t.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const base = () => `/api/workspaces/${ws}/media`;

describe("upload", () => {
  it("applies the EXIF orientation, strips metadata and makes a thumbnail", async () => {
    // Stored 64×48 with orientation 6 (rotate 90°): displayed 48×64.
    const bytes = await jpeg(64, 48, { orientation: 6 });
    expect((await sharp(bytes).metadata()).orientation).toBe(6);
    const res = await upload(owner, ws, bytes, "portrait.jpg", { altText: "Portrait" });
    expect(res.statusCode).toBe(201);
    const m = res.json();
    expect(m).toMatchObject({ kind: "image", mimeType: "image/jpeg", width: 48, height: 64, name: "portrait.jpg" });
    const file = await owner.get(`${base()}/${m.id}/file`);
    expect(file.statusCode).toBe(200);
    expect(file.headers["content-type"]).toBe("image/jpeg");
    expect(file.headers["cache-control"]).toContain("private");
    const meta = await sharp(file.rawPayload).metadata();
    expect([meta.width, meta.height]).toEqual([48, 64]);
    expect(meta.exif).toBeUndefined();
    expect(meta.orientation).toBeUndefined();
    expect(file.rawPayload.includes(Buffer.from("Secret GPS place"))).toBe(false);
    const thumb = await owner.get(`${base()}/${m.id}/thumbnail`);
    expect(thumb.statusCode).toBe(200);
    expect(thumb.headers["content-type"]).toBe("image/webp");
    expect((await sharp(thumb.rawPayload).metadata()).format).toBe("webp");
  });

  it("keeps PNG transparency and accepts WebP", async () => {
    const p = (await upload(owner, ws, await png(120, 80), "logo.png")).json();
    expect(p).toMatchObject({ kind: "image", mimeType: "image/png", width: 120, height: 80 });
    const file = await owner.get(`${base()}/${p.id}/file`);
    expect((await sharp(file.rawPayload).metadata()).hasAlpha).toBe(true);
    const w = await upload(owner, ws, await webp(30, 20), "x.webp");
    expect(w.statusCode).toBe(201);
    expect(w.json()).toMatchObject({ kind: "image", mimeType: "image/webp", width: 30, height: 20 });
  });

  it("recognises an animated GIF as a gif with its duration; a still GIF is an image", async () => {
    const anim = await upload(owner, ws, await animatedGif(40, 30, 3, 200), "anim.gif");
    expect(anim.statusCode).toBe(201);
    expect(anim.json()).toMatchObject({ kind: "gif", mimeType: "image/gif", width: 40, height: 30, durationMs: 600 });
    const still = await upload(owner, ws, await animatedGif(20, 20, 1), "still.gif");
    expect(still.json()).toMatchObject({ kind: "image", mimeType: "image/gif", durationMs: null });
    const gifs = (await owner.get(`${base()}?kind=gif`)).json();
    expect(gifs.items.map((m: { id: string }) => m.id)).toEqual([anim.json().id]);
    const images = (await owner.get(`${base()}?kind=image&limit=100`)).json();
    expect(images.items.map((m: { id: string }) => m.id)).toContain(still.json().id);
    expect(images.items.map((m: { id: string }) => m.id)).not.toContain(anim.json().id);
  });

  it("trusts the bytes, not the name or the declared type", async () => {
    const asVideo = await upload(owner, ws, await jpeg(10, 10, { seed: 7 }), "clip.mp4", {}, "video/mp4");
    expect(asVideo.statusCode).toBe(201);
    expect(asVideo.json()).toMatchObject({ kind: "image", mimeType: "image/jpeg" });
    const html = Buffer.from("<!doctype html><html><body><script>alert(1)</script></body></html>");
    for (const [name, body] of [
      ["photo.png", html],
      ["note.jpg", Buffer.from("juste du texte, pas une image — été 🎉")],
      ["tiny.gif", Buffer.from("GIF")],
    ] as const) {
      const res = await upload(owner, ws, body, name, {}, "image/png");
      expect(res.statusCode, name).toBe(415);
      expect(res.json().error.code).toBe("media_type_unsupported");
      expect(res.json().error.message).toContain("JPEG");
    }
    // A JPEG header on garbage: sniffed as JPEG, refused because sharp cannot decode it.
    const fake = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(200, 7)]);
    expect((await upload(owner, ws, fake, "broken.jpg")).statusCode).toBe(415);
  });

  it("refuses oversize files with 413 and the limit of their kind, in French or English", async () => {
    const noise = await sharp(Buffer.from(Array.from({ length: 400 * 400 * 3 }, (_, i) => (i * 7919) % 251)), {
      raw: { width: 400, height: 400, channels: 3 },
    })
      .png({ compressionLevel: 0 })
      .toBuffer();
    expect(noise.length).toBeGreaterThan(IMAGE_LIMIT);
    const big = await upload(owner, ws, noise, "big.png");
    expect(big.statusCode).toBe(413);
    expect(big.json().error).toMatchObject({ code: "media_too_large" });
    expect(big.json().error.message).toContain("0.3 Mo");
    const video = Buffer.concat([mp4Header(), Buffer.alloc(VIDEO_LIMIT, 1)]);
    const { payload, headers } = multipart({ data: video, filename: "long.mp4" });
    const res = await owner.request({
      method: "POST",
      url: base(),
      payload,
      headers: { ...headers, "accept-language": "en" },
    });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.message).toBe("File too large: 0.2 MB at most for this type of file.");
    // An image just under the image limit but over the video limit is fine: limits are per kind.
    const mid = await jpeg(300, 300, { seed: 3 });
    expect((await upload(owner, ws, mid, "mid.jpg")).statusCode).toBe(201);
  });

  it("returns the existing item when the same file is uploaded twice", async () => {
    const bytes = await png(50, 50, 1);
    const first = await upload(owner, ws, bytes, "a.png", { altText: "Premier" });
    const second = await upload(owner, ws, bytes, "b.png", { altText: "Second" });
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(200);
    expect(second.json().id).toBe(first.json().id);
    expect(second.json().altText).toBe("Premier");
    const rows = await t.ctx.db.selectFrom("media").select("id").where("sha256", "=", first.json().sha256).execute();
    expect(rows).toHaveLength(1);
    // Two uploads of one new file at the same moment: one row, both answers name it.
    const same = await png(51, 51, 1);
    const both = await Promise.all([upload(owner, ws, same, "x.png"), upload(owner, ws, same, "y.png")]);
    expect(both.map((r) => r.statusCode).sort()).toEqual([200, 201]);
    expect(both[0]?.json().id).toBe(both[1]?.json().id);
    const sha = both[0]?.json().sha256 as string;
    expect(await t.ctx.db.selectFrom("media").select("id").where("sha256", "=", sha).execute()).toHaveLength(1);
    // Another workspace is another library.
    const elsewhere = await upload(owner, other, bytes, "a.png");
    expect(elsewhere.statusCode).toBe(201);
    expect(elsewhere.json().id).not.toBe(first.json().id);
  });

  it("reads the alt text whether it comes before or after the file", async () => {
    const { payload, headers } = multipart({ data: await jpeg(14, 14, { seed: 50 }), filename: "après.jpg" });
    // Move the field after the file: rebuild the body with the field part appended before the closing line.
    const boundary = String(headers["content-type"]).split("boundary=")[1] as string;
    const closing = Buffer.from(`--${boundary}--\r\n`);
    const field = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="altText"\r\n\r\nAprès coup 🙂\r\n`,
    );
    const body = Buffer.concat([payload.subarray(0, payload.length - closing.length), field, closing]);
    const res = await owner.request({ method: "POST", url: base(), payload: body, headers });
    expect(res.statusCode).toBe(201);
    expect(res.json().altText).toBe("Après coup 🙂");
  });

  it("explains that HEIC photos must be exported (this sharp build has no HEVC decoder)", async () => {
    const heic = Buffer.concat([
      Buffer.from([0, 0, 0, 24]),
      Buffer.from("ftypheic\0\0\0\0mif1heic"),
      Buffer.alloc(300, 3),
    ]);
    const res = await upload(owner, ws, heic, "IMG_0001.HEIC");
    expect(res.statusCode).toBe(415);
    expect(res.json().error.message).toContain("HEIC");
  });

  it("refuses a request that is not multipart, or has no file", async () => {
    const json = await owner.post(base(), { file: "x" });
    expect(json.statusCode).toBe(415);
    const { payload, headers } = multipart(null, { altText: "seul" });
    const empty = await owner.request({ method: "POST", url: base(), payload, headers });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.details[0].path).toBe("body.file");
  });

  it("lets a viewer read the library but not upload, edit or delete", async () => {
    const res = await upload(viewer, ws, await png(10, 10, 0.2), "v.png");
    expect(res.statusCode).toBe(403);
    const list = await viewer.get(base());
    expect(list.statusCode).toBe(200);
    const id = list.json().items[0].id;
    expect((await viewer.patch(`${base()}/${id}`, { altText: "x" })).statusCode).toBe(403);
    expect((await viewer.delete(`${base()}/${id}`)).statusCode).toBe(403);
    expect((await viewer.get(`${base()}/${id}/file`)).statusCode).toBe(200);
  });
});

describe("library", () => {
  it("keeps alt text with accents and emoji, searches it and the name, pages newest first", async () => {
    const alt = "Affiche « Été 2026 » — feu d'artifice 🎆👩🏽‍🎨 sur le lac";
    const m = (await upload(owner, ws, await jpeg(20, 20, { seed: 11 }), "affiche-été.jpg", { altText: alt })).json();
    expect(m.altText).toBe(alt);
    expect(m.name).toBe("affiche-été.jpg");
    const patched = await owner.patch(`${base()}/${m.id}`, { altText: `${alt} (v2)`, name: "Affiche finale" });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ altText: `${alt} (v2)`, name: "Affiche finale" });
    expect(
      (await owner.get(`${base()}?q=${encodeURIComponent("ÉTÉ 2026")}`)).json().items.map((x: { id: string }) => x.id),
    ).toEqual([m.id]);
    expect((await owner.get(`${base()}?q=finale`)).json().total).toBe(1);
    expect((await owner.get(`${base()}?q=${encodeURIComponent("100%")}`)).json().total).toBe(0);
    const page1 = (await owner.get(`${base()}?limit=2`)).json();
    const page2 = (await owner.get(`${base()}?limit=2&offset=2`)).json();
    expect(page1.items[0].id).toBe(m.id);
    expect(page1.total).toBe(page2.total);
    const all = [...page1.items, ...page2.items].map((x: { createdAt: string }) => x.createdAt);
    expect([...all].sort().reverse()).toEqual(all);
    expect((await owner.patch(`${base()}/${m.id}`, {})).statusCode).toBe(400);
    expect((await owner.patch(`${base()}/${m.id}`, { altText: "x".repeat(2001) })).statusCode).toBe(400);
  });

  it("answers 404 for another workspace's media on every route", async () => {
    const mine = (await upload(owner, other, await jpeg(12, 12, { seed: 21 }), "autre.jpg")).json();
    for (const suffix of ["", "/file", "/thumbnail", "/renditions"]) {
      const res = await owner.get(`${base()}/${mine.id}${suffix}`);
      expect(res.statusCode, suffix).toBe(404);
      expect(res.json().error.code).toBe("not_found");
    }
    expect((await owner.patch(`${base()}/${mine.id}`, { altText: "volé" })).statusCode).toBe(404);
    expect((await owner.delete(`${base()}/${mine.id}`)).statusCode).toBe(404);
    const put = await owner.request({ method: "PUT", url: `${base()}/${mine.id}/renditions/1:1`, payload: {} });
    expect(put.statusCode).toBe(404);
    expect((await owner.get(`/api/workspaces/${other}/media/${mine.id}`)).json().altText).toBe("");
  });

  it("serves byte ranges of a file", async () => {
    const m = (await upload(owner, ws, await jpeg(40, 40, { seed: 30 }), "r.jpg")).json();
    const full = await owner.get(`${base()}/${m.id}/file`);
    expect(full.headers["accept-ranges"]).toBe("bytes");
    const part = await owner.request({
      method: "GET",
      url: `${base()}/${m.id}/file`,
      headers: { range: "bytes=2-11" },
    });
    expect(part.statusCode).toBe(206);
    expect(part.headers["content-range"]).toBe(`bytes 2-11/${m.sizeBytes}`);
    expect(part.rawPayload.equals(full.rawPayload.subarray(2, 12))).toBe(true);
    const tail = await owner.request({ method: "GET", url: `${base()}/${m.id}/file`, headers: { range: "bytes=-5" } });
    expect(tail.rawPayload.equals(full.rawPayload.subarray(-5))).toBe(true);
    const bad = await owner.request({
      method: "GET",
      url: `${base()}/${m.id}/file`,
      headers: { range: `bytes=${m.sizeBytes + 10}-` },
    });
    expect(bad.statusCode).toBe(416);
  });
});

describe("delete", () => {
  it("is refused while an undelivered post uses the media (base or variant), then removes the files", async () => {
    const m = (await upload(owner, ws, await jpeg(16, 16, { seed: 40 }), "used.jpg")).json();
    const v = (await upload(owner, ws, await jpeg(16, 16, { seed: 41 }), "variant.jpg")).json();
    const post = await t.ctx.db
      .insertInto("posts")
      .values({ workspace_id: ws, status: "scheduled", media_ids: JSON.stringify([m.id]), options: "{}" })
      .returning("id")
      .executeTakeFirstOrThrow();
    const account = await t.ctx.db
      .insertInto("social_accounts")
      .values({ workspace_id: ws, network: "webhook", display_name: "Slack", settings: "{}" })
      .returning("id")
      .executeTakeFirstOrThrow();
    const post2 = await t.ctx.db
      .insertInto("posts")
      .values({ workspace_id: ws, status: "draft", media_ids: "[]", options: "{}" })
      .returning("id")
      .executeTakeFirstOrThrow();
    await t.ctx.db
      .insertInto("post_targets")
      .values({
        workspace_id: ws,
        post_id: post2.id,
        account_id: account.id,
        media_ids: JSON.stringify([v.id]),
        options: "{}",
      })
      .execute();

    const refused = await owner.delete(`${base()}/${m.id}`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({ code: "media_in_use", details: { postIds: [post.id] } });
    expect(refused.json().error.message).toContain("1 publication");
    const refusedVariant = await owner.delete(`${base()}/${v.id}`);
    expect(refusedVariant.statusCode).toBe(409);
    expect(refusedVariant.json().error.details.postIds).toEqual([post2.id]);
    expect((await owner.get(`${base()}/${m.id}`)).statusCode).toBe(200);

    // A failed post can be sent again: it still holds the media.
    await t.ctx.db.updateTable("posts").set({ status: "failed" }).where("id", "=", post.id).execute();
    expect((await owner.delete(`${base()}/${m.id}`)).statusCode).toBe(409);
    // Once published, the post no longer holds the media back.
    await t.ctx.db.updateTable("posts").set({ status: "published" }).where("id", "=", post.id).execute();
    const row = await t.ctx.db.selectFrom("media").selectAll().where("id", "=", m.id).executeTakeFirstOrThrow();
    expect(await t.ctx.storage.exists(row.storage_key)).toBe(true);
    expect((await owner.delete(`${base()}/${m.id}`)).statusCode).toBe(204);
    expect(await t.ctx.storage.exists(row.storage_key)).toBe(false);
    expect(await t.ctx.storage.exists(row.thumb_key as string)).toBe(false);
    expect((await owner.get(`${base()}/${m.id}`)).statusCode).toBe(404);
    const audit = await t.ctx.db.selectFrom("audit_log").select("action").where("target_id", "=", m.id).execute();
    expect(audit.map((a) => a.action)).toEqual(["media.deleted"]);
  });
});

/** The smallest ISO-BMFF header the sniffer takes for MP4. */
function mp4Header(): Buffer {
  const b = Buffer.alloc(24);
  b.writeUInt32BE(24, 0);
  b.write("ftypisom", 4, "latin1");
  b.writeUInt32BE(0x200, 12);
  b.write("isommp41", 16, "latin1");
  return b;
}
