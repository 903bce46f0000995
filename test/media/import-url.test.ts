import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Caller, createTestApp, createWorkspace, signUp, type TestApp } from "../helpers/app.js";
import { jpeg } from "./fixtures.js";

/**
 * POST …/media/import-url: a loopback server serves a photo (with a lying Content-Type), an HTML page, a
 * file too large and a 404; a second server without `allowPrivateNetwork` refuses the internal address.
 * Every failure is a translated 4xx and leaves the library unchanged.
 */
let t: TestApp;
let strict: TestApp;
let owner: Caller;
let viewer: Caller;
let stranger: Caller;
let ws: string;
let server: Server;
let origin: string;
let photo: Buffer;

beforeAll(async () => {
  photo = await jpeg(120, 90, { orientation: 6 });
  const big = await sharp({ create: { width: 1400, height: 1400, channels: 3, background: "#2b8a3e" } })
    .png({ compressionLevel: 0 })
    .toBuffer();
  server = createServer((req, res) => {
    if (req.url?.startsWith("/photos/")) res.writeHead(200, { "content-type": "text/plain" }).end(photo);
    else if (req.url === "/page.html")
      res.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><p>Bonjour à tous</p>");
    else if (req.url === "/enorme.png") res.writeHead(200, { "content-type": "image/png" }).end(big);
    else res.writeHead(404).end("introuvable");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  t = await createTestApp({ config: { allowPrivateNetwork: true, mediaMaxImageBytes: 1024 * 1024 } });
  owner = await signUp(t, "urlmedia.owner@agence.fr", { name: "Noé Médiathèque" });
  viewer = await signUp(t, "urlmedia.viewer@agence.fr");
  stranger = await signUp(t, "urlmedia.other@agence.fr");
  ws = await createWorkspace(owner, "Chocolaterie Cœur de Lyon");
  await createWorkspace(stranger, "Autre client");
  await t.ctx.db
    .insertInto("memberships")
    .values({ workspace_id: ws, user_id: viewer.user.id, role: "viewer" })
    .execute();
});
afterAll(async () => {
  await t.close();
  await strict?.close();
  await new Promise((resolve) => server.close(resolve));
});

const route = (w = ws) => `/api/workspaces/${w}/media/import-url`;
const libraryCount = async (app: TestApp = t) =>
  (await app.ctx.db.selectFrom("media").select(app.ctx.db.fn.countAll<number>().as("n")).executeTakeFirstOrThrow()).n;

describe("import a media from an address", () => {
  it("fetches, sniffs, rotates and keeps the alt text; the same file again answers 200 with the same item", async () => {
    const res = await owner.post(route(), {
      url: `${origin}/photos/vitrine%20de%20No%C3%ABl.jpg`,
      altText: "La vitrine de Noël 🎄, vue de la rue",
    });
    expect(res.statusCode, res.body).toBe(201);
    const m = res.json();
    expect(m).toMatchObject({
      kind: "image",
      mimeType: "image/jpeg",
      name: "vitrine de Noël.jpg",
      altText: "La vitrine de Noël 🎄, vue de la rue",
      // Orientation 6 applied: 120×90 stored sideways becomes 90×120.
      width: 90,
      height: 120,
    });
    const again = await owner.post(route(), { url: `${origin}/photos/copie.jpg` });
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(m.id);
    const list = (await owner.get(`/api/workspaces/${ws}/media`)).json();
    expect(list.items.map((x: { id: string }) => x.id)).toEqual([m.id]);
  });

  it("explains each failure in the caller's language, and adds nothing", async () => {
    const before = await libraryCount();
    const notMedia = await owner.post(route(), { url: `${origin}/page.html` });
    expect(notMedia.statusCode).toBe(415);
    expect(notMedia.json().error.code).toBe("media_type_unsupported");

    const tooBig = await owner.post(route(), { url: `${origin}/enorme.png` });
    expect(tooBig.statusCode).toBe(413);
    expect(tooBig.json().error).toMatchObject({ code: "media_too_large" });
    expect(tooBig.json().error.message).toContain("1 Mo");

    const missing = await owner.post(route(), { url: `${origin}/disparu.jpg` });
    expect(missing.statusCode).toBe(422);
    expect(missing.json().error).toMatchObject({ code: "media_fetch_failed", details: { reason: "http_404" } });
    expect(missing.json().error.message).toBe(
      `Le média « ${origin}/disparu.jpg » n'a pas pu être récupéré (réponse HTTP 404).`,
    );

    // Nothing listens on port 9 of loopback: unreachable.
    const down = await owner.request({
      method: "POST",
      url: route(),
      payload: { url: "http://127.0.0.1:9/photo.jpg" },
      headers: { "accept-language": "en" },
    });
    expect(down.statusCode).toBe(422);
    expect(down.json().error.details.reason).toBe("network");
    expect(down.json().error.message).toContain("server unreachable");
    expect(await libraryCount()).toBe(before);
  });

  it("refuses an internal address when the server does not allow private networks", async () => {
    strict = await createTestApp();
    const o = await signUp(strict, "urlmedia.strict@agence.fr");
    const w = await createWorkspace(o, "Strict");
    const res = await o.post(`/api/workspaces/${w}/media/import-url`, { url: `${origin}/photos/a.jpg` });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.details.reason).toBe("blocked_address");
    expect(res.json().error.message).toContain("adresse interne refusée");
    expect(await libraryCount(strict)).toBe(0);
  });

  it("validates the body and the caller (400, 403 viewer, 404 other workspace, 401 anonymous)", async () => {
    for (const body of [
      {},
      { url: "ftp://exemple.fr/a.jpg" },
      { url: "pas une adresse" },
      { url: `${origin}/a.jpg`, x: 1 },
    ]) {
      const res = await owner.post(route(), body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().error.code).toBe("validation_failed");
    }
    expect((await viewer.post(route(), { url: `${origin}/photos/v.jpg` })).statusCode).toBe(403);
    expect((await stranger.post(route(), { url: `${origin}/photos/s.jpg` })).statusCode).toBe(404);
    const anon = await t.app.inject({ method: "POST", url: route(), payload: { url: `${origin}/photos/a.jpg` } });
    expect(anon.statusCode).toBe(401);
  });
});
