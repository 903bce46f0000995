import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Caller, createTestApp, createWorkspace, signIn, signUp, type TestApp } from "../helpers/app.js";
import { inviteToken } from "../helpers/tenants.js";

let t: TestApp;
let owner: Caller;
let ws: string;

beforeAll(async () => {
  t = await createTestApp({ config: { publicUrl: "https://relais.agence.fr" } });
  owner = await signUp(t, "agathe@agence.fr", { name: "Agathe" });
  ws = await createWorkspace(owner, "Théâtre du Châtelet");
});
afterAll(() => t.close());

async function inviteAndJoin(email: string, role: string): Promise<Caller> {
  const inv = await owner.post(`/api/workspaces/${ws}/invitations`, { email, role });
  expect(inv.statusCode).toBe(201);
  const res = await t.app.inject({
    method: "POST",
    url: `/api/invitations/${inviteToken(inv.json().acceptUrl)}/accept`,
    payload: { name: `Invité ${role}`, password: "mot-de-passe-sûr", locale: "fr" },
  });
  expect(res.statusCode).toBe(200);
  return signIn(t, email, "mot-de-passe-sûr");
}

describe("invitations", () => {
  it("e-mails a link in the workspace's language, and a client creates their account through it", async () => {
    const inv = await owner.post(`/api/workspaces/${ws}/invitations`, { email: "Client@Marque.FR", role: "reviewer" });
    expect(inv.statusCode).toBe(201);
    const { acceptUrl, emailed, invitation } = inv.json();
    expect(emailed).toBe(true);
    expect(invitation).toMatchObject({ email: "client@marque.fr", role: "reviewer" });
    expect(acceptUrl).toMatch(/^https:\/\/relais\.agence\.fr\/invite\/[\w-]{40,}$/);
    const mail = t.outbox.at(-1)!;
    expect(mail.to).toBe("client@marque.fr");
    expect(mail.subject).toContain("Théâtre du Châtelet");
    expect(mail.text).toContain(acceptUrl);
    expect(mail.text).toContain("validateur");

    const token = inviteToken(acceptUrl);
    const preview = await t.app.inject({ method: "GET", url: `/api/invitations/${token}` });
    expect(preview.json()).toMatchObject({
      workspaceName: "Théâtre du Châtelet",
      role: "reviewer",
      accountExists: false,
      invitedBy: "Agathe",
    });

    const accept = await t.app.inject({
      method: "POST",
      url: `/api/invitations/${token}/accept`,
      payload: { name: "Céline Client", password: "un-mot-de-passe", locale: "fr" },
    });
    expect(accept.statusCode).toBe(200);
    expect(accept.json()).toMatchObject({
      workspaceId: ws,
      user: { email: "client@marque.fr", canCreateWorkspaces: false },
    });
    expect(accept.cookies.find((c) => c.name === "relais_session")?.httpOnly).toBe(true);

    // Single use.
    const again = await t.app.inject({ method: "POST", url: `/api/invitations/${token}/accept`, payload: {} });
    expect(again.statusCode).toBe(410);
    expect(again.json().error.code).toBe("invitation_invalid");

    const client = await signIn(t, "client@marque.fr", "un-mot-de-passe");
    const mine = (await client.get("/api/workspaces")).json();
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ id: ws, role: "reviewer" });
    // A client account cannot create workspaces of its own.
    expect((await client.post("/api/workspaces", { name: "X", timezone: "UTC", locale: "fr" })).statusCode).toBe(403);
  });

  it("refuses an invitation accepted by another signed-in account", async () => {
    const other = await signUp(t, "intrus@exemple.fr");
    const inv = await owner.post(`/api/workspaces/${ws}/invitations`, {
      email: "destinataire@exemple.fr",
      role: "editor",
    });
    const res = await other.post(`/api/invitations/${inviteToken(inv.json().acceptUrl)}/accept`, {});
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe("invitation_email_mismatch");
  });

  it("asks an existing account to sign in instead of creating a second one", async () => {
    await signUp(t, "deja@exemple.fr");
    const inv = await owner.post(`/api/workspaces/${ws}/invitations`, { email: "deja@exemple.fr", role: "viewer" });
    const token = inviteToken(inv.json().acceptUrl);
    expect((await t.app.inject({ method: "GET", url: `/api/invitations/${token}` })).json().accountExists).toBe(true);
    const res = await t.app.inject({
      method: "POST",
      url: `/api/invitations/${token}/accept`,
      payload: { name: "X", password: "0123456789" },
    });
    expect(res.statusCode).toBe(401);
    const signed = await signIn(t, "deja@exemple.fr");
    expect((await signed.post(`/api/invitations/${token}/accept`, {})).statusCode).toBe(200);
  });

  it("revokes, replaces and expires invitations", async () => {
    const first = await owner.post(`/api/workspaces/${ws}/invitations`, {
      email: "revoque@exemple.fr",
      role: "editor",
    });
    const second = await owner.post(`/api/workspaces/${ws}/invitations`, {
      email: "revoque@exemple.fr",
      role: "viewer",
    });
    // The newer invitation replaces the older one.
    expect(
      (await t.app.inject({ method: "GET", url: `/api/invitations/${inviteToken(first.json().acceptUrl)}` }))
        .statusCode,
    ).toBe(410);
    const pending = (await owner.get(`/api/workspaces/${ws}/invitations`)).json();
    expect(pending.filter((i: { email: string }) => i.email === "revoque@exemple.fr")).toHaveLength(1);
    const del = await owner.delete(`/api/workspaces/${ws}/invitations/${second.json().invitation.id}`);
    expect(del.statusCode).toBe(204);
    expect(
      (await t.app.inject({ method: "GET", url: `/api/invitations/${inviteToken(second.json().acceptUrl)}` }))
        .statusCode,
    ).toBe(410);

    const third = await owner.post(`/api/workspaces/${ws}/invitations`, { email: "expire@exemple.fr", role: "editor" });
    await t.ctx.db
      .updateTable("invitations")
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where("id", "=", third.json().invitation.id)
      .execute();
    const late = await t.app.inject({
      method: "POST",
      url: `/api/invitations/${inviteToken(third.json().acceptUrl)}/accept`,
      payload: { name: "Trop tard", password: "0123456789" },
    });
    expect(late.statusCode).toBe(410);
    expect(
      await t.ctx.db.selectFrom("users").select("id").where("email", "=", "expire@exemple.fr").executeTakeFirst(),
    ).toBeUndefined();
  });

  it("does not invite someone who is already a member", async () => {
    const res = await owner.post(`/api/workspaces/${ws}/invitations`, { email: "agathe@agence.fr", role: "viewer" });
    expect(res.statusCode).toBe(409);
  });

  it("an unknown token is a 404", async () => {
    const res = await t.app.inject({ method: "GET", url: `/api/invitations/${"x".repeat(43)}` });
    expect(res.statusCode).toBe(404);
  });
});

describe("roles", () => {
  let manager: Caller;
  let editor: Caller;
  let reviewer: Caller;
  let viewer: Caller;

  beforeAll(async () => {
    manager = await inviteAndJoin("manon@agence.fr", "manager");
    editor = await inviteAndJoin("eddy@agence.fr", "editor");
    reviewer = await inviteAndJoin("remi@client.fr", "reviewer");
    viewer = await inviteAndJoin("victor@client.fr", "viewer");
  });

  it("everyone reads the workspace, brand book, competitors and members", async () => {
    for (const c of [manager, editor, reviewer, viewer]) {
      for (const url of [
        `/api/workspaces/${ws}`,
        `/api/workspaces/${ws}/competitors`,
        `/api/workspaces/${ws}/members`,
      ]) {
        expect((await c.get(url)).statusCode, `${c.user.email} ${url}`).toBe(200);
      }
    }
  });

  it("only managers and owners change the brand book, competitors and members", async () => {
    for (const c of [editor, reviewer, viewer]) {
      expect((await c.patch(`/api/workspaces/${ws}`, { toneOfVoice: "x" })).statusCode).toBe(403);
      expect((await c.post(`/api/workspaces/${ws}/competitors`, { name: "x" })).statusCode).toBe(403);
      expect((await c.post(`/api/workspaces/${ws}/invitations`, { email: "a@b.fr", role: "viewer" })).statusCode).toBe(
        403,
      );
      expect((await c.get(`/api/workspaces/${ws}/audit`)).statusCode).toBe(403);
      expect((await c.patch(`/api/workspaces/${ws}/members/${viewer.user.id}`, { role: "editor" })).statusCode).toBe(
        403,
      );
    }
    expect((await manager.patch(`/api/workspaces/${ws}`, { toneOfVoice: "Bienveillant 🙂" })).statusCode).toBe(200);
  });

  it("a manager cannot grant or touch the owner role, nor delete the workspace", async () => {
    expect((await manager.patch(`/api/workspaces/${ws}/members/${viewer.user.id}`, { role: "owner" })).statusCode).toBe(
      403,
    );
    expect((await manager.patch(`/api/workspaces/${ws}/members/${owner.user.id}`, { role: "viewer" })).statusCode).toBe(
      403,
    );
    expect((await manager.delete(`/api/workspaces/${ws}/members/${owner.user.id}`)).statusCode).toBe(403);
    expect((await manager.delete(`/api/workspaces/${ws}`)).statusCode).toBe(403);
    expect(
      (await manager.patch(`/api/workspaces/${ws}/members/${viewer.user.id}`, { role: "reviewer" })).statusCode,
    ).toBe(200);
  });

  it("keeps at least one owner", async () => {
    const demote = await owner.patch(`/api/workspaces/${ws}/members/${owner.user.id}`, { role: "manager" });
    expect(demote.statusCode).toBe(409);
    expect(demote.json().error.code).toBe("last_owner");
    expect((await owner.delete(`/api/workspaces/${ws}/members/${owner.user.id}`)).statusCode).toBe(409);
  });

  it("records role changes and removals in the audit log", async () => {
    await owner.patch(`/api/workspaces/${ws}/members/${editor.user.id}`, { role: "viewer" });
    await owner.delete(`/api/workspaces/${ws}/members/${editor.user.id}`);
    expect((await editor.get(`/api/workspaces/${ws}`)).statusCode).toBe(404);
    const log = (await owner.get(`/api/workspaces/${ws}/audit?limit=200`)).json();
    const actions = log.map((e: { action: string }) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        "member.role_changed",
        "member.removed",
        "invitation.created",
        "invitation.accepted",
        "invitation.revoked",
        "workspace.created",
      ]),
    );
    const change = log.find(
      (e: { action: string; targetId: string }) => e.action === "member.role_changed" && e.targetId === editor.user.id,
    );
    expect(change).toMatchObject({ data: { from: "editor", to: "viewer" }, actor: { email: "agathe@agence.fr" } });
  });

  it("a member can leave", async () => {
    expect((await viewer.delete(`/api/workspaces/${ws}/members/${viewer.user.id}`)).statusCode).toBe(204);
    expect((await viewer.get("/api/workspaces")).json()).toEqual([]);
  });

  it("the owner deletes the workspace; the deletion stays in the audit trail", async () => {
    const doomed = await createWorkspace(owner, "À supprimer");
    expect((await owner.delete(`/api/workspaces/${doomed}`)).statusCode).toBe(204);
    expect((await owner.get(`/api/workspaces/${doomed}`)).statusCode).toBe(404);
    const row = await t.ctx.db
      .selectFrom("audit_log")
      .selectAll()
      .where("action", "=", "workspace.deleted")
      .where("target_id", "=", doomed)
      .executeTakeFirst();
    expect(row?.data).toEqual({ name: "À supprimer" });
  });
});
