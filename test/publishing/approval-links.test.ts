import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sha256 } from "../../src/lib/crypto.js";
import { createTestApp, type TestApp } from "../helpers/app.js";
import { addAccount, notificationsOf, seedTeam, type Team } from "./fixtures.js";

let t: TestApp;
let a: Team;
let mastodon: string;
let bluesky: string;

beforeAll(async () => {
  t = await createTestApp();
  a = await seedTeam(t, "la");
  mastodon = await addAccount(t, a.workspaceId, "mastodon", "Musée @ piaille.fr");
  bluesky = await addAccount(t, a.workspaceId, "bluesky", "Musée 🦋");
});
afterAll(() => t.close());

const anon = (method: "GET" | "POST", url: string, payload?: unknown, lang = "fr") =>
  t.app.inject({ method, url, payload: payload as never, headers: { "accept-language": lang } });
const tokenOf = (link: string) => new URL(link).pathname.split("/").pop() as string;

async function draftWithLink(reviewerName?: string) {
  const post = (
    await a.editor.post(`${a.base}/posts`, {
      body: "Rétrospective Niki de Saint Phalle 🎨 à partir du 3 mars",
      targets: [{ accountId: mastodon }, { accountId: bluesky, body: "Niki de Saint Phalle 🎨 dès le 3 mars !" }],
    })
  ).json();
  const res = await a.editor.post(`${a.base}/posts/${post.id}/approval-links`, {
    expiresInDays: 7,
    ...(reviewerName ? { reviewerName } : {}),
  });
  expect(res.statusCode).toBe(201);
  return { post, link: res.json() as { id: string; url: string; expiresAt: string } };
}

describe("approval links", () => {
  it("lets a client approve without an account, once; the decision is recorded, audited and notified", async () => {
    const { post, link } = await draftWithLink("Hélène Dupré");
    expect(link.url).toMatch(/\/approve\/[A-Za-z0-9_-]{43}$/);
    const token = tokenOf(link.url);
    const stored = await t.ctx.db
      .selectFrom("approval_links")
      .selectAll()
      .where("id", "=", link.id)
      .executeTakeFirstOrThrow();
    expect(stored.token_hash).toBe(sha256(token));
    expect(JSON.stringify(stored)).not.toContain(token);
    // Creating the link sent the draft for review.
    expect((await a.owner.get(`${a.base}/posts/${post.id}`)).json().status).toBe("in_review");

    const view = await anon("GET", `/api/approvals/${token}`);
    expect(view.statusCode).toBe(200);
    expect(view.json()).toMatchObject({
      workspaceName: "Musée des Confluences",
      timezone: "Europe/Paris",
      reviewerName: "Hélène Dupré",
      post: { id: post.id, status: "in_review", body: "Rétrospective Niki de Saint Phalle 🎨 à partir du 3 mars" },
      comments: [],
    });
    expect(view.json().post.targets).toEqual(
      expect.arrayContaining([
        { accountName: "Musée 🦋", network: "bluesky", body: "Niki de Saint Phalle 🎨 dès le 3 mars !", mediaIds: [] },
        { accountName: "Musée @ piaille.fr", network: "mastodon", body: post.body, mediaIds: [] },
      ]),
    );

    const comment = await anon("POST", `/api/approvals/${token}/comments`, {
      name: "Paul (client)",
      body: "Et l'accessibilité ? ♿",
    });
    expect(comment.statusCode).toBe(201);
    expect(comment.json()).toMatchObject({ authorName: "Paul (client)", authorUserId: null, kind: "comment" });

    const decided = await anon("POST", `/api/approvals/${token}/approve`, { comment: "Validé, merci !" });
    expect(decided.statusCode).toBe(200);
    expect(decided.json()).toMatchObject({ postId: post.id, status: "approved", decidedBy: "Hélène Dupré" });
    const after = (await a.owner.get(`${a.base}/posts/${post.id}`)).json();
    expect(after).toMatchObject({ status: "approved", commentsCount: 2 });
    const events = (await a.owner.get(`${a.base}/posts/${post.id}/events`)).json();
    expect(events.at(-1)).toMatchObject({
      fromStatus: "in_review",
      toStatus: "approved",
      actorUserId: null,
      actorLabel: "Hélène Dupré",
      detail: { via: "link", comment: "Validé, merci !" },
    });
    const audit = await t.ctx.db.selectFrom("audit_log").selectAll().where("action", "=", "post.approved").execute();
    expect(audit.find((r) => r.target_id === post.id)?.data).toMatchObject({ by: "Hélène Dupré", via: "link" });
    for (const who of [a.editor, a.manager, a.owner]) {
      expect((await notificationsOf(t, who.user.id)).some((n) => n.kind === "post_approved")).toBe(true);
    }
    expect((await notificationsOf(t, a.editor2.user.id)).some((n) => n.kind === "post_approved")).toBe(false);

    // Used: every route of the link now answers 410, in the caller's language.
    for (const [method, path, payload] of [
      ["GET", "", undefined],
      ["POST", "/approve", {}],
      ["POST", "/request-changes", { comment: "Finalement non" }],
      ["POST", "/comments", { name: "X", body: "Y" }],
    ] as const) {
      const res = await anon(method, `/api/approvals/${token}${path}`, payload, "en");
      expect({ path, status: res.statusCode }).toEqual({ path, status: 410 });
      expect(res.json().error.message).toContain("no longer valid");
    }
    expect((await a.owner.get(`${a.base}/posts/${post.id}`)).json().status).toBe("approved");
  });

  it("requests changes by link with the given name; the comment is required", async () => {
    const { post, link } = await draftWithLink();
    const token = tokenOf(link.url);
    const missing = await anon("POST", `/api/approvals/${token}/request-changes`, { name: "Léa" });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.details[0].path).toBe("body.comment");
    const res = await anon("POST", `/api/approvals/${token}/request-changes`, {
      name: "Léa Martin",
      comment: "Le visuel est flou 😕",
    });
    expect(res.json()).toMatchObject({ status: "changes_requested", decidedBy: "Léa Martin" });
    const comments = (await a.owner.get(`${a.base}/posts/${post.id}/comments`)).json();
    expect(comments.at(-1)).toMatchObject({
      kind: "changes_requested",
      authorName: "Léa Martin",
      body: "Le visuel est flou 😕",
    });
    expect(
      (await notificationsOf(t, a.editor.user.id)).find(
        (n) => n.kind === "changes_requested" && (n.data as { postId: string }).postId === post.id,
      )?.data,
    ).toMatchObject({ actorName: "Léa Martin", reason: "Le visuel est flou 😕" });
  });

  it("answers 410 for an expired or revoked link, 404 for an unknown one, and 409 when the post left review", async () => {
    const { link } = await draftWithLink();
    await t.ctx.db
      .updateTable("approval_links")
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where("id", "=", link.id)
      .execute();
    const expired = await anon("POST", `/api/approvals/${tokenOf(link.url)}/approve`, {});
    expect(expired.statusCode).toBe(410);
    expect(expired.json().error.code).toBe("approval_link_invalid");

    const revoked = await draftWithLink();
    await t.ctx.db
      .updateTable("approval_links")
      .set({ revoked_at: new Date() })
      .where("id", "=", revoked.link.id)
      .execute();
    expect((await anon("GET", `/api/approvals/${tokenOf(revoked.link.url)}`)).statusCode).toBe(410);

    expect((await anon("GET", `/api/approvals/${"x".repeat(43)}`)).statusCode).toBe(404);
    expect((await anon("GET", "/api/approvals/short")).statusCode).toBe(400);

    // Approved in the app meanwhile: the link cannot approve again, and stays usable for nothing else.
    const raced = await draftWithLink();
    await a.reviewer.post(`${a.base}/posts/${raced.post.id}/approve`, {});
    const late = await anon("POST", `/api/approvals/${tokenOf(raced.link.url)}/approve`, {});
    expect(late.statusCode).toBe(409);
    expect(late.json().error.code).toBe("post_not_in_review");
    const row = await t.ctx.db
      .selectFrom("approval_links")
      .select("used_at")
      .where("id", "=", raced.link.id)
      .executeTakeFirstOrThrow();
    expect(row.used_at).toBeNull();
  });

  it("validates link creation and refuses posts already decided", async () => {
    const { post } = await draftWithLink();
    for (const days of [0, 31, 1.5]) {
      expect(
        (await a.editor.post(`${a.base}/posts/${post.id}/approval-links`, { expiresInDays: days })).statusCode,
      ).toBe(400);
    }
    await a.reviewer.post(`${a.base}/posts/${post.id}/approve`, {});
    const res = await a.editor.post(`${a.base}/posts/${post.id}/approval-links`, { expiresInDays: 2 });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe("post_not_submittable");
  });

  it("lists a post's links without tokens and revokes one (editor+): its public routes then answer 410", async () => {
    const { post, link } = await draftWithLink("Zoë Œuvre 🌸");
    const second = (await a.editor.post(`${a.base}/posts/${post.id}/approval-links`, { expiresInDays: 3 })).json();
    const token = tokenOf(link.url);

    const listed = await a.viewer.get(`${a.base}/posts/${post.id}/approval-links`);
    expect(listed.statusCode).toBe(200);
    expect(listed.json()).toHaveLength(2);
    expect(listed.body).not.toContain(token);
    expect(listed.body).not.toContain(tokenOf(second.url));
    expect(listed.body).not.toContain(sha256(token));
    const first = listed.json().find((l: { id: string }) => l.id === link.id);
    expect(first).toMatchObject({ reviewerName: "Zoë Œuvre 🌸", state: "active", usedAt: null, revokedAt: null });
    expect(first.expiresAt).toBe(link.expiresAt);

    // A reviewer or a viewer may not revoke; an unknown id or another post's link is 404.
    for (const who of [a.reviewer, a.viewer]) {
      const res = await who.delete(`${a.base}/posts/${post.id}/approval-links/${link.id}`);
      expect(res.statusCode).toBe(403);
    }
    const other = (
      await a.editor.post(`${a.base}/posts`, { body: "Autre", targets: [{ accountId: mastodon }] })
    ).json();
    expect((await a.editor.delete(`${a.base}/posts/${other.id}/approval-links/${link.id}`)).statusCode).toBe(404);
    const unknown = await a.editor.delete(`${a.base}/posts/${post.id}/approval-links/${crypto.randomUUID()}`);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe("not_found");
    expect((await anon("GET", `/api/approvals/${token}`)).statusCode).toBe(200);

    const revoked = await a.editor.delete(`${a.base}/posts/${post.id}/approval-links/${link.id}`);
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json()).toMatchObject({ id: link.id, state: "revoked" });
    const firstDate = revoked.json().revokedAt;
    expect(firstDate).not.toBeNull();
    for (const [method, url, body] of [
      ["GET", `/api/approvals/${token}`, undefined],
      ["POST", `/api/approvals/${token}/approve`, {}],
      ["POST", `/api/approvals/${token}/comments`, { name: "Zoë", body: "Bravo" }],
    ] as const) {
      const res = await anon(method, url, body, "en");
      expect(res.statusCode).toBe(410);
      expect(res.json().error.code).toBe("approval_link_invalid");
    }
    // Revoking again keeps the first date and is audited once; the other link still works.
    const again = await a.owner.delete(`${a.base}/posts/${post.id}/approval-links/${link.id}`);
    expect(again.json().revokedAt).toBe(firstDate);
    const audits = await t.ctx.db
      .selectFrom("audit_log")
      .select("data")
      .where("action", "=", "approval_link.revoked")
      .where("target_id", "=", post.id)
      .execute();
    expect(audits).toHaveLength(1);
    expect((await anon("GET", `/api/approvals/${tokenOf(second.url)}`)).statusCode).toBe(200);
    const states = (await a.viewer.get(`${a.base}/posts/${post.id}/approval-links`)).json();
    expect(states.map((l: { id: string; state: string }) => [l.id, l.state]).sort()).toEqual(
      [
        [link.id, "revoked"],
        [second.id, "active"],
      ].sort(),
    );
    // Nothing to list for a foreign post id.
    expect((await a.viewer.get(`${a.base}/posts/${crypto.randomUUID()}/approval-links`)).statusCode).toBe(404);
  });
});
