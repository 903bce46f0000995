import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mastodonLength } from "../../src/shared/networks/text-length.js";
import { createTestApp, type TestApp } from "../helpers/app.js";
import { jpeg, seedMedia, upload } from "../media/fixtures.js";
import { addAccount, seedTeam, type Team } from "./fixtures.js";

let t: TestApp;
let a: Team;
let b: Team;
let mastodon: string;
let bluesky: string;
let foreignAccount: string;

beforeAll(async () => {
  t = await createTestApp();
  a = await seedTeam(t, "a");
  b = await seedTeam(t, "b", "Client Bêta");
  mastodon = await addAccount(t, a.workspaceId, "mastodon", "Musée @ piaille.fr");
  bluesky = await addAccount(t, a.workspaceId, "bluesky", "Musée 🦋");
  foreignAccount = await addAccount(t, b.workspaceId, "bluesky", "Bêta 🦋");
});
afterAll(() => t.close());

describe("campaigns and tags", () => {
  it("creates, lists, updates and deletes a campaign; names are unique regardless of case", async () => {
    const res = await a.editor.post(`${a.base}/campaigns`, {
      name: "Été à Lyon ☀️",
      color: "#E8590C",
      startsOn: "2026-06-21",
      endsOn: "2026-09-22",
    });
    expect(res.statusCode).toBe(201);
    const c = res.json();
    expect(c).toMatchObject({ name: "Été à Lyon ☀️", color: "#e8590c", startsOn: "2026-06-21", endsOn: "2026-09-22" });
    const dup = await a.editor.request({
      method: "POST",
      url: `${a.base}/campaigns`,
      payload: { name: "ÉTÉ À LYON ☀️" },
      headers: { "accept-language": "en" },
    });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error).toMatchObject({ code: "name_taken", message: expect.stringContaining("already used") });
    const fr = await a.editor.post(`${a.base}/campaigns`, { name: "été à lyon ☀️" });
    expect(fr.json().error.message).toContain("déjà utilisé");
    // Another workspace may use the same name.
    expect((await b.owner.post(`${b.base}/campaigns`, { name: "Été à Lyon ☀️" })).statusCode).toBe(201);

    const patched = await a.editor.patch(`${a.base}/campaigns/${c.id}`, { description: "Nocturnes", endsOn: null });
    expect(patched.json()).toMatchObject({ description: "Nocturnes", endsOn: null, startsOn: "2026-06-21" });
    const badOrder = await a.editor.patch(`${a.base}/campaigns/${c.id}`, { endsOn: "2026-01-01" });
    expect(badOrder.statusCode).toBe(400);
    expect(badOrder.json().error.code).toBe("campaign_dates");
    const badBody = await a.editor.post(`${a.base}/campaigns`, {
      name: "X",
      startsOn: "2026-05-02",
      endsOn: "2026-05-01",
    });
    expect(badBody.statusCode).toBe(400);
    expect(badBody.json().error.details[0].path).toBe("body.endsOn");
    expect((await a.editor.post(`${a.base}/campaigns`, { name: "Y", color: "red" })).statusCode).toBe(400);

    const list = (await a.viewer.get(`${a.base}/campaigns`)).json();
    expect(list.map((x: { name: string }) => x.name)).toEqual(["Été à Lyon ☀️", "été à lyon ☀️"].slice(0, list.length));
    expect((await a.viewer.post(`${a.base}/campaigns`, { name: "Nope" })).statusCode).toBe(403);
    expect((await a.reviewer.delete(`${a.base}/campaigns/${c.id}`)).statusCode).toBe(403);
    expect((await b.owner.get(`${b.base}/campaigns/${c.id}`)).statusCode).toBe(404);
    expect((await a.editor.delete(`${a.base}/campaigns/${c.id}`)).statusCode).toBe(204);
    expect((await a.editor.get(`${a.base}/campaigns/${c.id}`)).statusCode).toBe(404);
  });

  it("creates and renames tags, refusing a duplicate name", async () => {
    const one = (await a.editor.post(`${a.base}/tags`, { name: "Coulisses", color: "#12b886" })).json();
    const two = (await a.editor.post(`${a.base}/tags`, { name: "Événement" })).json();
    expect(two.color).toBe("#868e96");
    const clash = await a.editor.patch(`${a.base}/tags/${two.id}`, { name: "COULISSES" });
    expect(clash.statusCode).toBe(409);
    expect((await a.editor.patch(`${a.base}/tags/${one.id}`, { color: "#FA5252" })).json().color).toBe("#fa5252");
    expect((await a.editor.patch(`${b.base}/tags/${one.id}`, { color: "#000000" })).statusCode).toBe(404);
    expect((await b.owner.patch(`${b.base}/tags/${one.id}`, { color: "#000000" })).statusCode).toBe(404);
  });
});

describe("posts", () => {
  it("creates a draft with variants, tags and campaign, and presents targets with their checks", async () => {
    const campaign = (await a.editor.post(`${a.base}/campaigns`, { name: "Nocturnes" })).json();
    const tag = (await a.editor.post(`${a.base}/tags`, { name: "Expo" })).json();
    const text = "Vernissage ce soir à 19 h 🎨 — entrée libre, venez nombreux·ses ! Œuvres de Zoë & Maëlys 👩🏽‍🎨";
    const res = await a.editor.post(`${a.base}/posts`, {
      body: text,
      linkUrl: "https://musee.example/vernissage?lang=fr",
      campaignId: campaign.id,
      tagIds: [tag.id],
      options: { note: "à vérifier" },
      targets: [
        { accountId: mastodon },
        { accountId: bluesky, body: "Vernissage 🎨 ce soir !", options: { lang: "fr" } },
      ],
    });
    expect(res.statusCode).toBe(201);
    const p = res.json();
    expect(p).toMatchObject({
      status: "draft",
      body: text,
      version: 1,
      campaign: { id: campaign.id, name: "Nocturnes" },
      tags: [{ id: tag.id, name: "Expo" }],
      commentsCount: 0,
      createdBy: { id: a.editor.user.id },
    });
    const byNet = Object.fromEntries(p.targets.map((x: { network: string }) => [x.network, x]));
    expect(byNet.mastodon).toMatchObject({ accountName: "Musée @ piaille.fr", status: "pending", body: null });
    expect(byNet.mastodon.check).toMatchObject({ ok: true, max: 500, length: mastodonLength(text) });
    expect(mastodonLength(text)).toBeLessThan([...text].length); // the skin-tone emoji counts once
    expect(byNet.bluesky).toMatchObject({ body: "Vernissage 🎨 ce soir !", options: { lang: "fr" } });
    expect(byNet.bluesky.check).toMatchObject({ ok: true, max: 300, length: 22 });

    // Round trip of accents and emoji through the database.
    const again = (await a.viewer.get(`${a.base}/posts/${p.id}`)).json();
    expect(again.body).toBe(text);
    expect(again.targets).toEqual(p.targets);
  });

  it("refuses unknown or other workspaces' accounts, tags, campaigns and media with 400 and field paths", async () => {
    const foreignTag = (await b.owner.post(`${b.base}/tags`, { name: "Bêta" })).json();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ targets: [{ accountId: mastodon }, { accountId: foreignAccount }] }, "body.targets.1.accountId"],
      [{ targets: [], tagIds: [foreignTag.id] }, "body.tagIds.0"],
      [{ targets: [], campaignId: "00000000-0000-4000-8000-000000000000" }, "body.campaignId"],
      [{ targets: [], mediaIds: ["00000000-0000-4000-8000-000000000000"] }, "body.mediaIds.0"],
    ];
    const before = await t.ctx.db.selectFrom("posts").select("id").execute();
    for (const [body, path] of cases) {
      const res = await a.editor.post(`${a.base}/posts`, body);
      expect(res.statusCode, path).toBe(400);
      expect(res.json().error.details[0].path, path).toBe(path);
    }
    const dupAccount = await a.editor.post(`${a.base}/posts`, {
      targets: [{ accountId: mastodon }, { accountId: mastodon }],
    });
    expect(dupAccount.statusCode).toBe(400);
    expect(dupAccount.json().error.details[0].message).toContain("même compte");
    expect(await t.ctx.db.selectFrom("posts").select("id").execute()).toHaveLength(before.length);
  });

  it("edits with optimistic concurrency: a stale version gets 409 and changes nothing", async () => {
    const p = (await a.editor.post(`${a.base}/posts`, { body: "v1", targets: [{ accountId: mastodon }] })).json();
    const first = await a.editor.patch(`${a.base}/posts/${p.id}`, {
      version: 1,
      body: "v2 — corrigée",
      targets: [{ accountId: bluesky, body: "v2 🦋" }],
    });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ version: 2, body: "v2 — corrigée" });
    expect(first.json().targets.map((x: { network: string }) => x.network)).toEqual(["bluesky"]);
    const stale = await a.editor2.request({
      method: "PATCH",
      url: `${a.base}/posts/${p.id}`,
      payload: { version: 1, body: "écrasement" },
      headers: { "accept-language": "en" },
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error).toMatchObject({ code: "post_stale", details: { currentVersion: 2 } });
    expect(stale.json().error.message).toContain("version 2");
    expect((await a.editor.get(`${a.base}/posts/${p.id}`)).json().body).toBe("v2 — corrigée");
    // Tags and campaign only: still a new version.
    const tag = (await a.editor.post(`${a.base}/tags`, { name: "Relance" })).json();
    const tagged = await a.editor.patch(`${a.base}/posts/${p.id}`, { version: 2, tagIds: [tag.id] });
    expect(tagged.json()).toMatchObject({ version: 3, tags: [{ name: "Relance" }] });
    expect((await a.editor.patch(`${a.base}/posts/${p.id}`, { body: "x" })).statusCode).toBe(400);
  });

  it("lists with filters and paging", async () => {
    const c = (await a.editor.post(`${a.base}/campaigns`, { name: "Filtre" })).json();
    const tg = (await a.editor.post(`${a.base}/tags`, { name: "Filtré" })).json();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await a.editor.post(`${a.base}/posts`, {
        body: `Série ${i}`,
        campaignId: i < 3 ? c.id : null,
        tagIds: i % 2 ? [tg.id] : [],
        targets: [{ accountId: i === 4 ? bluesky : mastodon }],
      });
      ids.push(r.json().id);
    }
    const byCampaign = (await a.viewer.get(`${a.base}/posts?campaignId=${c.id}`)).json();
    expect(byCampaign.total).toBe(3);
    const byTag = (await a.viewer.get(`${a.base}/posts?tagId=${tg.id}`)).json();
    expect(byTag.items.map((p: { id: string }) => p.id).sort()).toEqual([ids[1], ids[3]].sort());
    const page1 = (await a.viewer.get(`${a.base}/posts?campaignId=${c.id}&limit=2`)).json();
    const page2 = (await a.viewer.get(`${a.base}/posts?campaignId=${c.id}&limit=2&offset=2`)).json();
    expect(page1.items).toHaveLength(2);
    expect(page2.items).toHaveLength(1);
    expect(new Set([...page1.items, ...page2.items].map((p: { id: string }) => p.id)).size).toBe(3);
    const byAccount = (await a.viewer.get(`${a.base}/posts?accountId=${bluesky}&status=draft`)).json();
    expect(byAccount.items.map((p: { id: string }) => p.id)).toContain(ids[4]);
    expect(
      byAccount.items.every((p: { targets: { accountId: string }[] }) =>
        p.targets.some((x) => x.accountId === bluesky),
      ),
    ).toBe(true);
    expect((await a.viewer.get(`${a.base}/posts?status=bogus`)).statusCode).toBe(400);
    // B sees none of A's posts.
    expect((await b.owner.get(`${b.base}/posts?accountId=${bluesky}`)).json().total).toBe(0);
  });

  it("checks an unsaved draft per target: Bluesky counts graphemes, Mastodon counts URLs as 23", async () => {
    const emoji = "👩🏽‍🎨";
    const res = await a.viewer.request({
      method: "POST",
      url: `${a.base}/posts/check`,
      payload: {
        body: `${"é".repeat(299)}${emoji}${emoji}`,
        targets: [
          { accountId: bluesky },
          { accountId: mastodon, body: `Voir https://exemple.fr/${"x".repeat(200)} ${emoji}` },
        ],
      },
      headers: { "accept-language": "en" },
    });
    expect(res.statusCode).toBe(200);
    const out = res.json();
    expect(out.ok).toBe(false);
    const [bsky, masto] = out.targets;
    expect(bsky).toMatchObject({ network: "bluesky", length: 301, max: 300, ok: false });
    expect(bsky.issues[0]).toMatchObject({
      code: "text_too_long",
      severity: "error",
      message: "Text too long: 301/300 (1 over).",
    });
    expect(masto).toMatchObject({ network: "mastodon", length: 5 + 23 + 2, ok: true });
  });

  it("deletes a post; a published one is only removed from Relais, and the answer says so", async () => {
    const p = (
      await a.editor.post(`${a.base}/posts`, { body: "À supprimer", targets: [{ accountId: mastodon }] })
    ).json();
    expect((await a.reviewer.delete(`${a.base}/posts/${p.id}`)).statusCode).toBe(403);
    expect((await b.owner.delete(`${b.base}/posts/${p.id}`)).statusCode).toBe(404);
    expect((await a.editor.delete(`${b.base}/posts/${p.id}`)).statusCode).toBe(404);
    await t.ctx.db
      .updateTable("post_targets")
      .set({ status: "published", external_url: "https://piaille.fr/@musee/1" })
      .where("post_id", "=", p.id)
      .execute();
    const res = await a.editor.delete(`${a.base}/posts/${p.id}`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      publishedOn: [{ accountName: "Musée @ piaille.fr", externalUrl: "https://piaille.fr/@musee/1" }],
      message: expect.stringContaining("restent en ligne"),
    });
    expect((await a.editor.get(`${a.base}/posts/${p.id}`)).statusCode).toBe(404);
    const audit = await t.ctx.db.selectFrom("audit_log").selectAll().where("action", "=", "post.deleted").execute();
    expect(audit.some((r) => r.target_id === p.id && r.actor_user_id === a.editor.user.id)).toBe(true);

    const busy = (
      await a.editor.post(`${a.base}/posts`, { body: "En vol", targets: [{ accountId: mastodon }] })
    ).json();
    await t.ctx.db.updateTable("post_targets").set({ status: "publishing" }).where("post_id", "=", busy.id).execute();
    expect((await a.editor.delete(`${a.base}/posts/${busy.id}`)).statusCode).toBe(409);
  });

  it("shows and edits publishing settings on the workspace (manager+)", async () => {
    const ws = (await a.viewer.get(a.base)).json();
    expect(ws).toMatchObject({ approvalRequired: false, missedGraceMinutes: 60, crisis: null });
    expect((await a.editor.patch(a.base, { approvalRequired: true })).statusCode).toBe(403);
    expect((await a.manager.patch(a.base, { missedGraceMinutes: 10_081 })).statusCode).toBe(400);
    const ok = await a.manager.patch(a.base, { approvalRequired: true, missedGraceMinutes: 0 });
    expect(ok.json()).toMatchObject({ approvalRequired: true, missedGraceMinutes: 0 });
    await t.ctx.db
      .updateTable("workspaces")
      .set({ crisis_paused_at: new Date("2026-11-22T08:00:00Z"), crisis_reason: "Incident — pause 🚨" })
      .where("id", "=", a.workspaceId)
      .execute();
    expect((await a.viewer.get(a.base)).json().crisis).toEqual({
      pausedAt: "2026-11-22T08:00:00.000Z",
      reason: "Incident — pause 🚨",
    });
    await a.manager.patch(a.base, { approvalRequired: false, missedGraceMinutes: 60 });
  });
});

describe("posts with media", () => {
  it("checks the variants' media through the media library: alt text warnings, Instagram ratio errors", async () => {
    const photo = (await upload(a.editor, a.workspaceId, await jpeg(300, 100, { seed: 7 }), "bandeau.jpg")).json();
    const logo = await seedMedia(a.editor, a.workspaceId, 3);
    const insta = await addAccount(t, a.workspaceId, "instagram", "Musée 📸");
    const res = await a.editor.post(`${a.base}/posts`, {
      body: "Le nouveau bandeau 🖼️",
      mediaIds: [photo.id],
      targets: [{ accountId: bluesky }, { accountId: insta }, { accountId: mastodon, mediaIds: [logo] }],
    });
    expect(res.statusCode).toBe(201);
    const byNet = Object.fromEntries(
      res.json().targets.map((x: { network: string; check: unknown }) => [x.network, x.check]),
    );
    expect(byNet.bluesky).toMatchObject({
      ok: true,
      issues: [expect.objectContaining({ code: "alt_text_missing", severity: "warning", mediaIndex: 0 })],
    });
    expect(byNet.instagram.ok).toBe(false);
    expect(byNet.instagram.issues.map((i: { code: string }) => i.code)).toContain("aspect_ratio");
    expect(byNet.mastodon).toMatchObject({ ok: true, issues: [] });
    // Another workspace's media is unknown here.
    const foreign = await seedMedia(b.owner, b.workspaceId, 9);
    const bad = await a.editor.post(`${a.base}/posts`, { targets: [{ accountId: bluesky, mediaIds: [foreign] }] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ code: "unknown_media", details: [{ path: "body.targets.0.mediaIds.0" }] });
  });
});
