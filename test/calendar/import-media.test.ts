import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importFromUrl } from "../../src/modules/media/media-import.service.js";
import { type Caller, createTestApp, createWorkspace, signUp, type TestApp } from "../helpers/app.js";
import { databaseFingerprint } from "../helpers/tenants.js";
import { jpeg } from "../media/fixtures.js";
import { insertAccounts } from "./seed.js";

/**
 * CSV import with media addresses: a loopback server (allowPrivateNetwork) serves a JPEG, a 404 and an
 * HTML page. Media are fetched before the transaction and go through the upload's ingestion.
 */
let t: TestApp;
let owner: Caller;
let viewer: Caller;
let ws: string;
let server: Server;
let origin: string;
let photo: Buffer;
const hits: string[] = [];

beforeAll(async () => {
  // Stored 64×48 with orientation 6 and EXIF text: ingestion must rotate and strip it.
  photo = await jpeg(64, 48, { orientation: 6 });
  const big = Buffer.alloc(3 * 1024 * 1024, 1);
  server = createServer((req, res) => {
    hits.push(req.url ?? "");
    if (req.url?.startsWith("/photo")) {
      // A lying Content-Type: the type comes from the bytes.
      res.writeHead(200, { "content-type": "application/octet-stream" }).end(photo);
    } else if (req.url === "/page.html") {
      res.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><html><body>Bonjour</body></html>");
    } else if (req.url === "/big.jpg") {
      res.writeHead(200, { "content-type": "image/jpeg" }).end(Buffer.concat([photo.subarray(0, 100), big]));
    } else res.writeHead(404).end("introuvable");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  t = await createTestApp({ config: { allowPrivateNetwork: true, mediaMaxImageBytes: 1024 * 1024 } });
  owner = await signUp(t, "csvmedia.owner@agence.fr", { name: "Zoé Média" });
  viewer = await signUp(t, "csvmedia.viewer@agence.fr");
  ws = await createWorkspace(owner, "Fromagerie Étoile");
  await insertAccounts(t.ctx.db, ws, [{ network: "bluesky", name: "Étoile Bleue", handle: "@etoile.bsky.social" }]);
});
afterAll(async () => {
  await t.close();
  await new Promise((resolve) => server.close(resolve));
});

const importUrl = (dryRun: boolean) => `/api/workspaces/${ws}/posts/import?dryRun=${dryRun}`;
const csv = (...media: string[]) =>
  [
    "date;heure;comptes;texte;lien;média;étiquettes",
    ...media.map((m, i) => `2031-06-0${i + 1};09:30;Étoile Bleue;Comté 🧀 affiné ${i};;${m};`),
  ].join("\n");
type Report = {
  ok: boolean;
  errors: { column: string; code: string; message: string }[];
  warnings: { code: string; message: string }[];
}[];

describe("CSV import with media addresses", () => {
  it("in a dry run checks the address syntax only and says the file will be fetched", async () => {
    const before = await databaseFingerprint(t);
    const start = hits.length;
    const res = await owner.post(importUrl(true), { csv: csv(`${origin}/photo-a.jpg`, "ftp://exemple.fr/a.jpg") });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ dryRun: true, valid: false, created: 0 });
    const rows = res.json().rows as Report;
    expect(rows[0]?.ok).toBe(true);
    expect(rows[0]?.warnings.map((w) => w.code)).toEqual(["media_will_be_fetched"]);
    expect(rows[0]?.warnings[0]?.message).toContain("téléchargé");
    expect(rows[1]?.errors.map((e) => e.code)).toEqual(["media_url_invalid"]);
    expect(hits.length).toBe(start);
    expect(await databaseFingerprint(t)).toEqual(before);
  });

  it("fetches, normalises and attaches the media; the same file twice is one library item", async () => {
    const url = `${origin}/photo%20%C3%A9t%C3%A9.jpg`;
    const res = await owner.post(importUrl(false), { csv: csv(url, `${origin}/photo-b.jpg?v=2`) });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().created).toBe(2);
    expect((res.json().rows as Report).flatMap((r) => r.warnings)).toEqual([]);
    const posts = await t.ctx.db
      .selectFrom("posts")
      .select(["id", "media_ids"])
      .where("workspace_id", "=", ws)
      .where("id", "in", res.json().postIds)
      .execute();
    const ids = posts.map((p) => (typeof p.media_ids === "string" ? JSON.parse(p.media_ids) : p.media_ids));
    expect(ids.map((x: string[]) => x.length)).toEqual([1, 1]);
    // Same bytes at two addresses: deduplicated by content.
    expect(ids[0][0]).toBe(ids[1][0]);
    const m = (await owner.get(`/api/workspaces/${ws}/media/${ids[0][0]}`)).json();
    expect(m).toMatchObject({ kind: "image", mimeType: "image/jpeg", width: 48, height: 64 });
    // Both addresses are fetched concurrently: the library keeps the name of whichever arrived first,
    // decoded from the URL (accents included).
    expect(["photo été.jpg", "photo-b.jpg"]).toContain(m.name);
    const file = await owner.get(`/api/workspaces/${ws}/media/${m.id}/file`);
    const meta = await sharp(file.rawPayload).metadata();
    expect([meta.width, meta.height, meta.exif]).toEqual([48, 64, undefined]);
    expect(file.rawPayload.includes(Buffer.from("Secret GPS place"))).toBe(false);
    expect((await owner.get(`/api/workspaces/${ws}/media/${m.id}/thumbnail`)).statusCode).toBe(200);
  });

  it("a 404, an HTML page or an oversize file is a translated row error and no post is created", async () => {
    const postsBefore = await t.ctx.db.selectFrom("posts").select("id").execute();
    const res = await owner.post(importUrl(false), {
      csv: csv(`${origin}/manquant.jpg`, `${origin}/page.html`, `${origin}/photo-c.jpg`, `${origin}/big.jpg`),
    });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ valid: false, created: 0, postIds: [] });
    const rows = res.json().rows as Report;
    expect(rows.map((r) => [r.ok, r.errors.map((e) => `${e.column}:${e.code}`)])).toEqual([
      [false, ["media:media_fetch_failed"]],
      [false, ["media:media_fetch_failed"]],
      [true, []],
      [false, ["media:media_fetch_failed"]],
    ]);
    expect(rows[0]?.errors[0]?.message).toBe(
      `Le média « ${origin}/manquant.jpg » n'a pas pu être ajouté : réponse HTTP 404.`,
    );
    expect(rows[1]?.errors[0]?.message).toContain("pas une image ou une vidéo");
    expect(rows[3]?.errors[0]?.message).toContain("trop volumineux (1 Mo max.)");
    expect(await t.ctx.db.selectFrom("posts").select("id").execute()).toEqual(postsBefore);

    const en = await owner.request({
      method: "POST",
      url: importUrl(false),
      payload: { csv: csv(`${origin}/manquant.jpg`) },
      headers: { "accept-language": "en" },
    });
    expect((en.json().rows as Report)[0]?.errors[0]?.message).toBe(
      `The media "${origin}/manquant.jpg" could not be added: HTTP answer 404.`,
    );
  });

  it("importFromUrl checks the role and maps network errors", async () => {
    // Not a member of the workspace: refused before any fetch.
    const start = hits.length;
    await expect(importFromUrl(t.ctx, viewer.user, ws, `${origin}/photo.jpg`)).rejects.toMatchObject({
      code: expect.stringMatching(/^(forbidden|not_found)$/),
    });
    expect(hits.length).toBe(start);
    const ownerUser = owner.user;
    // A closed port: nothing listens there once the probe server is closed.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    await expect(importFromUrl(t.ctx, ownerUser, ws, `http://127.0.0.1:${port}/x.jpg`)).rejects.toMatchObject({
      code: "media_fetch_failed",
      params: { reason: "network" },
    });
    const ok = await importFromUrl(t.ctx, ownerUser, ws, `${origin}/photo.jpg`, { altText: "Meule de comté 🧀" });
    expect(ok.created).toBe(false);
    expect(ok.media.width).toBe(48);
  });
});

describe("SSRF guard", () => {
  it("refuses a loopback address when private networks are not allowed", async () => {
    const strict = await createTestApp();
    try {
      const o = await signUp(strict, "csvmedia.strict@agence.fr");
      const w = await createWorkspace(o, "Strict");
      await insertAccounts(strict.ctx.db, w, [{ network: "bluesky", name: "Étoile Bleue", handle: "@e.bsky.social" }]);
      const start = hits.length;
      const res = await o.post(`/api/workspaces/${w}/posts/import?dryRun=false`, { csv: csv(`${origin}/photo.jpg`) });
      expect(res.statusCode).toBe(422);
      expect((res.json().rows as Report)[0]?.errors[0]?.message).toContain("adresse interne refusée");
      expect(hits.length).toBe(start);
      expect(await strict.ctx.db.selectFrom("posts").select("id").execute()).toEqual([]);
    } finally {
      await strict.close();
    }
  });
});
