import { sql } from "kysely";
import { expect } from "vitest";
import * as auth from "../../src/modules/auth/auth.service.js";
import { type Caller, createWorkspace, signIn, signUp, TEST_PASSWORD, type TestApp, tokenCaller } from "./app.js";

/**
 * Realistic instance data made through the API and services (plus a few rows written directly to pin
 * microsecond timestamps and awkward JSON): every application table gets rows.
 */
export async function fillRealisticData(t: Pick<TestApp, "app" | "ctx">): Promise<void> {
  const tt = t as TestApp;
  const camille = await signUp(tt, "camille@agence.fr", { owner: true, name: "Camille Lefèvre" });
  const eloise = await signUp(tt, "eloise.dupre@agence.fr", { name: "Éloïse Dupré" });
  const bearer = await tokenCaller(tt, camille.user);
  await auth.createApiToken(t.ctx, eloise.user.id, "n8n — publication 🎉");
  const revoked = await auth.createApiToken(t.ctx, eloise.user.id, "Zapier (ancien)");
  expect((await eloise.delete(`/api/auth/tokens/${revoked.id}`)).statusCode).toBe(204);

  const musee = await create(bearer, {
    name: "Musée des Confluences 🦕",
    timezone: "Europe/Paris",
    locale: "fr",
    description:
      "# Musée\n\nSciences & sociétés — *expositions* temporaires.\n\n> « Là où les fleuves se rencontrent »",
    values: ["Curiosité", "Accessibilité", "Ouverture d'esprit", "🎉 Fête"],
    toneOfVoice: "Vouvoiement, **chaleureux**, jamais d'anglicismes.\n- émojis : avec parcimonie",
    speakingCharter: "1. On répond sous 24 h\n2. Pas de politique",
    moderationCharter: "## Modération\n\n| cas | action |\n|---|---|\n| insulte | masquer |",
  });
  const boulangerie = await create(camille, {
    name: "Boulangerie Éloïse 🥐",
    timezone: "America/Montreal",
    locale: "fr",
    values: ["Proximité", "Savoir-faire", 'Tradition "maison" \\ artisanale'],
  });
  const festival = await create(camille, { name: "Festival Lumière", timezone: "Asia/Tokyo", locale: "en" });
  const aSupprimer = await createWorkspace(camille, "Client parti");

  for (const [ws, body] of [
    [
      musee,
      {
        name: "Muséum de Toulouse",
        website: "https://www.museum.toulouse.fr",
        handles: [
          { network: "bluesky", handle: "museum-toulouse.bsky.social" },
          { network: "instagram", handle: "@museumtoulouse" },
        ],
        notes: "Très actifs le **mercredi** 🦖",
      },
    ],
    [musee, { name: "Musée d'Orsay", handles: [{ network: "mastodon", handle: "@orsay@mastodon.social" }] }],
    [boulangerie, { name: "Maison Pâquier", website: null, notes: "" }],
  ] as const) {
    const res = await camille.post(`/api/workspaces/${ws}/competitors`, body);
    expect(res.statusCode, res.body).toBe(201);
  }

  // Memberships and invitations: a pending one, an accepted one (new account), a revoked one.
  const invite = async (ws: string, email: string, role: string) => {
    const res = await camille.post(`/api/workspaces/${ws}/invitations`, { email, role });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { invitation: { id: string }; acceptUrl: string };
  };
  await invite(musee, "client.musee@example.org", "reviewer");
  const accepted = await invite(musee, "jean-baptiste@agence.fr", "editor");
  const token = accepted.acceptUrl.split("/").pop();
  const acc = await t.app.inject({
    method: "POST",
    url: `/api/invitations/${token}/accept`,
    payload: { name: "Jean-Baptiste Œdipe", password: TEST_PASSWORD, locale: "en" },
  });
  expect(acc.statusCode, acc.body).toBe(200);
  const jb = await signIn(tt, "jean-baptiste@agence.fr");
  expect((await camille.patch(`/api/workspaces/${musee}/members/${jb.user.id}`, { role: "manager" })).statusCode).toBe(
    200,
  );
  const toRevoke = await invite(festival, "stagiaire@agence.fr", "viewer");
  expect((await camille.delete(`/api/workspaces/${festival}/invitations/${toRevoke.invitation.id}`)).statusCode).toBe(
    204,
  );
  const eloiseInvite = await invite(boulangerie, "eloise.dupre@agence.fr", "owner");
  const eloiseToken = eloiseInvite.acceptUrl.split("/").pop();
  expect((await eloise.post(`/api/invitations/${eloiseToken}/accept`, {})).statusCode).toBe(200);
  expect((await camille.delete(`/api/workspaces/${aSupprimer}`)).statusCode).toBe(204);

  // Rows that pin what the engines must carry exactly: microseconds, odd time zones, awkward JSON.
  await sql`update workspaces set created_at = '2024-03-31 01:59:59.999999+00', updated_at = '2024-10-27 02:30:00.000001+02'
             where id = ${festival}`.execute(t.ctx.db);
  await sql`insert into sessions (id, user_id, csrf_token, user_agent, created_at, last_seen_at, expires_at)
            values ('expired-session-hash', ${eloise.user.id}, 'csrf', 'Mozilla/5.0 (X11; Linux) « test »',
                    '2020-02-29 23:59:59.123456+00', '2020-03-01 00:00:00.654321+00', '2020-03-31 12:00:00.000007+00')`.execute(
    t.ctx.db,
  );
  await sql`insert into audit_log (workspace_id, actor_user_id, action, target_type, target_id, data, created_at)
            values (${musee}, ${camille.user.id}, 'test.awkward_json', 'workspace', ${musee},
                    ${JSON.stringify({
                      quote: 'il a dit "bonjour"',
                      backslash: "C:\\Relais\\n",
                      newline: "ligne 1\nligne 2\ttab",
                      emoji: "🎉👩‍💻🇫🇷",
                      nested: [[1, 2.5, -0.000001, 1e21], { a: null, b: true, c: [] }],
                      big: 9007199254740991,
                      accents: "àâçéèêëîïôöùûüÿœæ",
                    })}::jsonb, '1999-12-31 23:59:59.999999+00')`.execute(t.ctx.db);
}

async function create(caller: Caller, body: Record<string, unknown>): Promise<string> {
  const res = await caller.post("/api/workspaces", body);
  expect(res.statusCode, res.body).toBe(201);
  return (res.json() as { id: string }).id;
}
