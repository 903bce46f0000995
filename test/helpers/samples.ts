/**
 * A valid request for every private API route, given the ids to aim at. The access-control walk and the
 * bad-input walk use it; a route without a sample here fails those tests, so new routes cannot slip by.
 */
export interface Ids {
  workspaceId: string;
  competitorId: string;
  userId: string;
  invitationId: string;
  tokenId: string;
  accountId: string;
  campaignId: string;
  tagId: string;
  postId: string;
  postAccountId: string;
  mediaId: string;
  /** The seeded post's target (its account × the post): scheduler routes. */
  targetId: string;
  /** A seeded alert (veille alerts routes). */
  alertId: string;
  /** Curation: a topic, one of its entries, a press review of it. */
  topicId: string;
  entryId: string;
  reviewId: string;
  /** Veille: a folder, a feed in it, one of its items. */
  folderId: string;
  feedId: string;
  itemId: string;
}

export interface Sample {
  url: string;
  body?: Record<string, unknown>;
  query?: Record<string, string>;
}

type SampleFn = (ids: Ids) => Sample;

export const samples: Record<string, SampleFn> = {
  "POST /api/workspaces/:workspaceId/posts/:postId/targets/:targetId/confirm-published": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/posts/${i.postId}/targets/${i.targetId}/confirm-published`,
    body: { url: "https://exemple.fr/publications/été-2026" },
  }),
  "POST /api/workspaces/:workspaceId/posts/:postId/targets/:targetId/republish": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/posts/${i.postId}/targets/${i.targetId}/republish`,
  }),
  "POST /api/workspaces/:workspaceId/posts/:postId/targets/:targetId/remove-from-network": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/posts/${i.postId}/targets/${i.targetId}/remove-from-network`,
  }),
  "GET /api/workspaces/:workspaceId/crisis": (i) => ({ url: `/api/workspaces/${i.workspaceId}/crisis` }),
  "POST /api/workspaces/:workspaceId/crisis": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/crisis`,
    body: { paused: true, reason: "Deuil national — on suspend tout 🕯️" },
  }),
  "GET /api/notifications": () => ({ url: "/api/notifications", query: { unreadOnly: "true", limit: "10" } }),
  "POST /api/notifications/read": () => ({ url: "/api/notifications/read", body: { all: true } }),
  "GET /api/notifications/unread-count": () => ({ url: "/api/notifications/unread-count" }),
  "GET /api/networks": () => ({ url: "/api/networks" }),
  "GET /api/workspaces/:workspaceId/accounts": (i) => ({ url: `/api/workspaces/${i.workspaceId}/accounts` }),
  "POST /api/workspaces/:workspaceId/accounts": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/accounts`,
    body: {
      network: "webhook",
      url: "https://hooks.slack.com/services/T0000/B0000/XXXXXXXXXXXX",
      name: "Slack #équipe 🎉",
      format: "auto",
      testPing: false,
    },
  }),
  "GET /api/workspaces/:workspaceId/accounts/:accountId": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/accounts/${i.accountId}`,
  }),
  "PATCH /api/workspaces/:workspaceId/accounts/:accountId": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/accounts/${i.accountId}`,
    body: { displayName: "Discord — annonces ✨", settings: { format: "slack" } },
  }),
  "DELETE /api/workspaces/:workspaceId/accounts/:accountId": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/accounts/${i.accountId}`,
  }),
  "POST /api/workspaces/:workspaceId/accounts/:accountId/check": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/accounts/${i.accountId}/check`,
  }),
  "POST /api/workspaces/:workspaceId/accounts/oauth/mastodon": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/accounts/oauth/mastodon`,
    body: { instanceUrl: "https://mastodon.invalid", name: "Mastodon — Musée 🌿" },
  }),
  "GET /api/oauth/mastodon/callback": () => ({
    url: "/api/oauth/mastodon/callback",
    query: { state: "not-a-sealed-state", code: "abc" },
  }),
  "POST /api/workspaces/:workspaceId/accounts/:accountId/reconnect": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/accounts/${i.accountId}/reconnect`,
    body: { url: "https://discord.com/api/webhooks/123456/abcdef", name: "Discord", testPing: false },
  }),
  "POST /api/auth/logout": () => ({ url: "/api/auth/logout" }),
  "GET /api/auth/session": () => ({ url: "/api/auth/session" }),
  "PATCH /api/auth/me": () => ({ url: "/api/auth/me", body: { name: "Léa Müller 🎨", locale: "en" } }),
  "POST /api/auth/password": () => ({
    url: "/api/auth/password",
    body: { currentPassword: "wrong-password-123", newPassword: "a-new-password-456" },
  }),
  "GET /api/auth/tokens": () => ({ url: "/api/auth/tokens" }),
  "POST /api/auth/tokens": () => ({ url: "/api/auth/tokens", body: { name: "Zapier" } }),
  "DELETE /api/auth/tokens/:tokenId": (i) => ({ url: `/api/auth/tokens/${i.tokenId}` }),
  "GET /api/workspaces": () => ({ url: "/api/workspaces" }),
  "POST /api/workspaces": () => ({
    url: "/api/workspaces",
    body: { name: "Office de tourisme d'Annecy", timezone: "Europe/Paris", locale: "fr", values: ["Nature"] },
  }),
  "GET /api/workspaces/:workspaceId": (i) => ({ url: `/api/workspaces/${i.workspaceId}` }),
  "PATCH /api/workspaces/:workspaceId": (i) => ({
    url: `/api/workspaces/${i.workspaceId}`,
    body: { name: "Renamed", toneOfVoice: "Vouvoiement, phrases courtes." },
  }),
  "DELETE /api/workspaces/:workspaceId": (i) => ({ url: `/api/workspaces/${i.workspaceId}` }),
  "GET /api/workspaces/:workspaceId/competitors": (i) => ({ url: `/api/workspaces/${i.workspaceId}/competitors` }),
  "POST /api/workspaces/:workspaceId/competitors": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/competitors`,
    body: {
      name: "Concurrent Ünïcode",
      website: "https://exemple.fr",
      handles: [{ network: "bluesky", handle: "@c.bsky.social" }],
    },
  }),
  "GET /api/workspaces/:workspaceId/competitors/:competitorId": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/competitors/${i.competitorId}`,
  }),
  "PATCH /api/workspaces/:workspaceId/competitors/:competitorId": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/competitors/${i.competitorId}`,
    body: { notes: "Surveille leurs jeux-concours" },
  }),
  "DELETE /api/workspaces/:workspaceId/competitors/:competitorId": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/competitors/${i.competitorId}`,
  }),
  "GET /api/workspaces/:workspaceId/audit": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/audit`,
    query: { limit: "10" },
  }),
  "GET /api/workspaces/:workspaceId/members": (i) => ({ url: `/api/workspaces/${i.workspaceId}/members` }),
  "PATCH /api/workspaces/:workspaceId/members/:userId": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/members/${i.userId}`,
    body: { role: "manager" },
  }),
  "DELETE /api/workspaces/:workspaceId/members/:userId": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/members/${i.userId}`,
  }),
  "GET /api/workspaces/:workspaceId/invitations": (i) => ({ url: `/api/workspaces/${i.workspaceId}/invitations` }),
  "POST /api/workspaces/:workspaceId/invitations": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/invitations`,
    body: { email: "nouvelle.cliente@exemple.fr", role: "reviewer" },
  }),
  "DELETE /api/workspaces/:workspaceId/invitations/:invitationId": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/invitations/${i.invitationId}`,
  }),
  "GET /api/workspaces/:workspaceId/campaigns": (i) => ({ url: `/api/workspaces/${i.workspaceId}/campaigns` }),
  "POST /api/workspaces/:workspaceId/campaigns": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/campaigns`,
    body: { name: "Fête des Lumières ✨", color: "#f59f00", startsOn: "2026-12-05", endsOn: "2026-12-08" },
  }),
  "GET /api/workspaces/:workspaceId/campaigns/:campaignId": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/campaigns/${i.campaignId}`,
  }),
  "PATCH /api/workspaces/:workspaceId/campaigns/:campaignId": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/campaigns/${i.campaignId}`,
    body: { description: "Éclairages et animations" },
  }),
  "DELETE /api/workspaces/:workspaceId/campaigns/:campaignId": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/campaigns/${i.campaignId}`,
  }),
  "GET /api/workspaces/:workspaceId/tags": (i) => ({ url: `/api/workspaces/${i.workspaceId}/tags` }),
  "POST /api/workspaces/:workspaceId/tags": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/tags`,
    body: { name: "Coulisses", color: "#12b886" },
  }),
  "PATCH /api/workspaces/:workspaceId/tags/:tagId": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/tags/${i.tagId}`,
    body: { color: "#fa5252" },
  }),
  "DELETE /api/workspaces/:workspaceId/tags/:tagId": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/tags/${i.tagId}`,
  }),
  "GET /api/workspaces/:workspaceId/posts": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/posts`,
    query: { status: "draft", limit: "20" },
  }),
  "POST /api/workspaces/:workspaceId/posts": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/posts`,
    body: {
      body: "Ouverture nocturne ce soir 🌙 — entrée libre !",
      campaignId: i.campaignId,
      tagIds: [i.tagId],
      targets: [{ accountId: i.postAccountId, body: "Variante courte 🌙" }],
    },
  }),
  "POST /api/workspaces/:workspaceId/posts/check": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/posts/check`,
    body: { body: "Café ☕ et croissants", targets: [{ accountId: i.postAccountId }] },
  }),
  "GET /api/workspaces/:workspaceId/posts/:postId": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/posts/${i.postId}`,
  }),
  "PATCH /api/workspaces/:workspaceId/posts/:postId": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/posts/${i.postId}`,
    body: { version: 1, body: "Texte corrigé, accents compris : àéèùç" },
  }),
  "DELETE /api/workspaces/:workspaceId/posts/:postId": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/posts/${i.postId}`,
  }),
  "POST /api/workspaces/:workspaceId/posts/:postId/submit": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/posts/${i.postId}/submit`,
  }),
  "POST /api/workspaces/:workspaceId/posts/:postId/approve": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/posts/${i.postId}/approve`,
    body: { comment: "Parfait 👍" },
  }),
  "POST /api/workspaces/:workspaceId/posts/:postId/request-changes": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/posts/${i.postId}/request-changes`,
    body: { comment: "Ajoutez l'horaire de fermeture." },
  }),
  "POST /api/workspaces/:workspaceId/posts/:postId/schedule": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/posts/${i.postId}/schedule`,
    body: { local: "2031-03-30T09:30" },
  }),
  "POST /api/workspaces/:workspaceId/posts/:postId/unschedule": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/posts/${i.postId}/unschedule`,
  }),
  "GET /api/workspaces/:workspaceId/posts/:postId/comments": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/posts/${i.postId}/comments`,
  }),
  "POST /api/workspaces/:workspaceId/posts/:postId/comments": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/posts/${i.postId}/comments`,
    body: { body: "Note interne : vérifier le visuel 🖼️" },
  }),
  "GET /api/workspaces/:workspaceId/posts/:postId/events": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/posts/${i.postId}/events`,
  }),
  "POST /api/workspaces/:workspaceId/posts/:postId/approval-links": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/posts/${i.postId}/approval-links`,
    body: { reviewerName: "Hélène (cliente)", expiresInDays: 7 },
  }),
  "GET /api/workspaces/:workspaceId/posts/:postId/approval-links": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/posts/${i.postId}/approval-links`,
  }),
  "DELETE /api/workspaces/:workspaceId/posts/:postId/approval-links/:linkId": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/posts/${i.postId}/approval-links/7b0c3f0e-3c1a-4c55-9d9e-2f1a8b5d4c11`,
  }),
  "POST /api/workspaces/:workspaceId/media": (i) => ({ url: `/api/workspaces/${i.workspaceId}/media` }),
  "GET /api/workspaces/:workspaceId/media": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/media`,
    query: { limit: "10", kind: "image", q: "logo" },
  }),
  "GET /api/workspaces/:workspaceId/media/:mediaId": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/media/${i.mediaId}`,
  }),
  "PATCH /api/workspaces/:workspaceId/media/:mediaId": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/media/${i.mediaId}`,
    body: { altText: "Affiche du festival — été 2026 🎶" },
  }),
  "POST /api/workspaces/:workspaceId/media/import-url": (i) => ({
    // A loopback address: the walk never reaches out (refused as internal, or nothing listens on port 9).
    url: `/api/workspaces/${i.workspaceId}/media/import-url`,
    body: { url: "http://127.0.0.1:9/affiche-été.jpg", altText: "Affiche du festival 🎶" },
  }),
  "DELETE /api/workspaces/:workspaceId/media/:mediaId": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/media/${i.mediaId}`,
  }),
  "GET /api/workspaces/:workspaceId/media/:mediaId/file": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/media/${i.mediaId}/file`,
  }),
  "GET /api/workspaces/:workspaceId/media/:mediaId/thumbnail": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/media/${i.mediaId}/thumbnail`,
  }),
  "GET /api/workspaces/:workspaceId/media/:mediaId/renditions": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/media/${i.mediaId}/renditions`,
  }),
  "PUT /api/workspaces/:workspaceId/media/:mediaId/renditions/:preset": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/media/${i.mediaId}/renditions/4:5`,
    body: { crop: { x: 0, y: 0, width: 32, height: 40 } },
  }),
  "GET /api/workspaces/:workspaceId/media/:mediaId/renditions/:preset": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/media/${i.mediaId}/renditions/1:1`,
  }),
  "GET /api/workspaces/:workspaceId/calendar": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/calendar`,
    query: { from: "2030-03-01T00:00:00+01:00", to: "2030-04-01T00:00:00+02:00", statuses: "draft,scheduled" },
  }),
  "POST /api/workspaces/:workspaceId/posts/:postId/move": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/posts/${i.postId}/move`,
    body: { local: "2030-03-31T09:30", version: 1 },
  }),
  "POST /api/workspaces/:workspaceId/posts/:postId/queue": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/posts/${i.postId}/queue`,
  }),
  "GET /api/workspaces/:workspaceId/interactions": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/interactions`,
    query: { accountId: i.postAccountId, kind: "reply", since: "2026-01-01T00:00:00.000Z", limit: "10" },
  }),
  "GET /api/workspaces/:workspaceId/accounts/:accountId/sync": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/accounts/${i.postAccountId}/sync`,
  }),
  "POST /api/workspaces/:workspaceId/accounts/:accountId/sync": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/accounts/${i.postAccountId}/sync`,
  }),
  "GET /api/workspaces/:workspaceId/accounts/:accountId/metrics": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/accounts/${i.postAccountId}/metrics`,
    query: { since: "2026-01-01T00:00:00.000Z", limit: "100" },
  }),
  "GET /api/workspaces/:workspaceId/posts/:postId/targets/:targetId/metrics": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/posts/${i.postId}/targets/${i.targetId}/metrics`,
    query: { limit: "50" },
  }),
  "GET /api/workspaces/:workspaceId/accounts/:accountId/slots": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/accounts/${i.postAccountId}/slots`,
  }),
  "PUT /api/workspaces/:workspaceId/accounts/:accountId/slots": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/accounts/${i.postAccountId}/slots`,
    body: { slots: [{ weekday: 1, time: "09:00" }] },
  }),
  "PUT /api/workspaces/:workspaceId/posts/:postId/recurrence": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/posts/${i.postId}/recurrence`,
    body: { rule: "FREQ=WEEKLY;BYDAY=MO" },
  }),
  "PUT /api/workspaces/:workspaceId/posts/:postId/evergreen": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/posts/${i.postId}/evergreen`,
    body: { enabled: true, minGapDays: 30 },
  }),
  "POST /api/workspaces/:workspaceId/ical": (i) => ({ url: `/api/workspaces/${i.workspaceId}/ical` }),
  "POST /api/workspaces/:workspaceId/posts/import": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/posts/import`,
    query: { dryRun: "true" },
    body: { csv: "date;heure;comptes;texte\n2030-05-04;09:00;Inconnu;Bonjour 👋 à tous\n" },
  }),
  "GET /api/workspaces/:workspaceId/posts/export.csv": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/posts/export.csv`,
    query: { from: "2030-01-01T00:00:00Z", to: "2030-06-01T00:00:00Z" },
  }),
  "GET /api/workspaces/:workspaceId/topics": (i) => ({ url: `/api/workspaces/${i.workspaceId}/topics` }),
  "POST /api/workspaces/:workspaceId/topics": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/topics`,
    body: { name: "Veille « IA & culture » 🤖", description: "Ce qui bouge dans les musées", isPublic: false },
  }),
  "GET /api/workspaces/:workspaceId/topics/:topicId": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/topics/${i.topicId}`,
  }),
  "PATCH /api/workspaces/:workspaceId/topics/:topicId": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/topics/${i.topicId}`,
    body: { description: "Sélection de la semaine ✨", isPublic: true },
  }),
  "DELETE /api/workspaces/:workspaceId/topics/:topicId": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/topics/${i.topicId}`,
  }),
  "POST /api/workspaces/:workspaceId/topics/:topicId/public-token": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/topics/${i.topicId}/public-token`,
  }),
  "GET /api/workspaces/:workspaceId/topics/:topicId/entries": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/topics/${i.topicId}/entries`,
    query: { tag: "musées" },
  }),
  "POST /api/workspaces/:workspaceId/topics/:topicId/entries": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/topics/${i.topicId}/entries`,
    body: {
      url: "https://exemple.fr/actualites/l-ete-des-musees",
      title: "L'été des musées 🏛️",
      insight: "À relayer : « gratuit » le premier dimanche.",
      tags: ["musées"],
    },
  }),
  "PATCH /api/workspaces/:workspaceId/topics/:topicId/entries/:entryId": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/topics/${i.topicId}/entries/${i.entryId}`,
    body: { insight: "Notre avis : très bien fait 👏", tags: ["expo"] },
  }),
  "DELETE /api/workspaces/:workspaceId/topics/:topicId/entries/:entryId": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/topics/${i.topicId}/entries/${i.entryId}`,
  }),
  "PUT /api/workspaces/:workspaceId/topics/:topicId/entries/order": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/topics/${i.topicId}/entries/order`,
    body: { entryIds: [i.entryId] },
  }),
  "POST /api/workspaces/:workspaceId/link-preview": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/link-preview`,
    body: { url: "https://exemple.fr/actualites/l-ete-des-musees" },
  }),
  "GET /api/workspaces/:workspaceId/reviews": (i) => ({ url: `/api/workspaces/${i.workspaceId}/reviews` }),
  "POST /api/workspaces/:workspaceId/reviews": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/reviews`,
    body: {
      topicId: i.topicId,
      from: "2030-03-02T00:00:00+01:00",
      to: "2030-03-09T00:00:00+01:00",
      intro: "Bonjour à tous 👋",
    },
  }),
  "GET /api/workspaces/:workspaceId/reviews/:reviewId": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/reviews/${i.reviewId}`,
  }),
  "PATCH /api/workspaces/:workspaceId/reviews/:reviewId": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/reviews/${i.reviewId}`,
    body: { title: "Revue de presse — semaine 12", intro: "Cette semaine : « l'été » !" },
  }),
  "DELETE /api/workspaces/:workspaceId/reviews/:reviewId": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/reviews/${i.reviewId}`,
  }),
  "GET /api/workspaces/:workspaceId/reviews/:reviewId/render": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/reviews/${i.reviewId}/render`,
  }),
  "POST /api/workspaces/:workspaceId/reviews/:reviewId/send": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/reviews/${i.reviewId}/send`,
    body: { recipients: ["direction@marque.fr"], test: true },
  }),
  "POST /api/workspaces/:workspaceId/reviews/:reviewId/publish": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/reviews/${i.reviewId}/publish`,
  }),
  "DELETE /api/workspaces/:workspaceId/reviews/:reviewId/publish": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/reviews/${i.reviewId}/publish`,
  }),
  "GET /api/workspaces/:workspaceId/topics/:topicId/review-schedule": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/topics/${i.topicId}/review-schedule`,
  }),
  "PUT /api/workspaces/:workspaceId/topics/:topicId/review-schedule": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/topics/${i.topicId}/review-schedule`,
    body: { weekday: 5, time: "08:30", recipients: ["direction@marque.fr"], title: "Revue de la semaine", intro: "" },
  }),
  "DELETE /api/workspaces/:workspaceId/topics/:topicId/review-schedule": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/topics/${i.topicId}/review-schedule`,
  }),
  "GET /api/workspaces/:workspaceId/alerts": (i) => ({ url: `/api/workspaces/${i.workspaceId}/alerts` }),
  "POST /api/workspaces/:workspaceId/alerts": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/alerts`,
    body: { name: "Église & patrimoine ⛪", query: '("église" OR cathédrale) -"offre d\'emploi" lang:fr' },
  }),
  "GET /api/workspaces/:workspaceId/alerts/presets": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/alerts/presets`,
  }),
  "POST /api/workspaces/:workspaceId/alerts/preview": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/alerts/preview`,
    body: { query: 'l\'Oréal OR "Crédit Agricole"', limit: 100 },
  }),
  "GET /api/workspaces/:workspaceId/alerts/matches": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/alerts/matches`,
    query: { alertId: i.alertId, seen: "false", limit: "20" },
  }),
  "POST /api/workspaces/:workspaceId/alerts/matches/seen": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/alerts/matches/seen`,
    body: { all: true, alertId: i.alertId },
  }),
  "GET /api/workspaces/:workspaceId/alerts/:alertId": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/alerts/${i.alertId}`,
  }),
  "PATCH /api/workspaces/:workspaceId/alerts/:alertId": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/alerts/${i.alertId}`,
    body: { query: "Noël -pub 🎄", emailMode: "daily", digestTime: "07:30" },
  }),
  "DELETE /api/workspaces/:workspaceId/alerts/:alertId": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/alerts/${i.alertId}`,
  }),
  "GET /api/workspaces/:workspaceId/veille/feeds": (i) => ({ url: `/api/workspaces/${i.workspaceId}/veille/feeds` }),
  "POST /api/workspaces/:workspaceId/veille/feeds": (i) => ({
    // Loopback: nothing listens on port 9, and the walks never get this far anyway.
    url: `/api/workspaces/${i.workspaceId}/veille/feeds`,
    body: { url: "http://127.0.0.1:9/actualités/flux.xml", folderId: i.folderId, fetchFullText: false },
  }),
  "GET /api/workspaces/:workspaceId/veille/feeds/:feedId": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/veille/feeds/${i.feedId}`,
  }),
  "PATCH /api/workspaces/:workspaceId/veille/feeds/:feedId": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/veille/feeds/${i.feedId}`,
    body: { title: "Le Quotidien — édition régionale 🗞️", folderId: i.folderId, fetchFullText: true },
  }),
  "DELETE /api/workspaces/:workspaceId/veille/feeds/:feedId": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/veille/feeds/${i.feedId}`,
  }),
  "POST /api/workspaces/:workspaceId/veille/feeds/:feedId/fetch": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/veille/feeds/${i.feedId}/fetch`,
  }),
  "POST /api/workspaces/:workspaceId/veille/folders": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/veille/folders`,
    body: { name: "Concurrents & e-réputation" },
  }),
  "PATCH /api/workspaces/:workspaceId/veille/folders/:folderId": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/veille/folders/${i.folderId}`,
    body: { name: "Presse régionale — Sud", position: 2 },
  }),
  "DELETE /api/workspaces/:workspaceId/veille/folders/:folderId": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/veille/folders/${i.folderId}`,
  }),
  "POST /api/workspaces/:workspaceId/veille/opml": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/veille/opml`,
    body: {
      opml: '<?xml version="1.0"?><opml version="2.0"><head><title>Abonnements</title></head><body><outline text="Tech"><outline type="rss" text="Blog" xmlUrl="https://blog.example/feed.xml"/></outline></body></opml>',
    },
  }),
  "GET /api/workspaces/:workspaceId/veille/opml": (i) => ({ url: `/api/workspaces/${i.workspaceId}/veille/opml` }),
  "GET /api/workspaces/:workspaceId/veille/settings": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/veille/settings`,
  }),
  "PUT /api/workspaces/:workspaceId/veille/settings": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/veille/settings`,
    body: { retentionDays: 30 },
  }),
  "GET /api/workspaces/:workspaceId/veille/items": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/veille/items`,
    query: { feedId: i.feedId, q: "équipe médiathèque", unread: "true", limit: "10" },
  }),
  "POST /api/workspaces/:workspaceId/veille/items/read": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/veille/items/read`,
    body: { before: "2030-01-01T00:00:00.000Z", feedId: i.feedId },
  }),
  "GET /api/workspaces/:workspaceId/veille/items/:itemId": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/veille/items/${i.itemId}`,
  }),
  "POST /api/workspaces/:workspaceId/veille/items/:itemId/read": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/veille/items/${i.itemId}/read`,
    body: { read: true },
  }),
  "POST /api/workspaces/:workspaceId/veille/items/:itemId/star": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/veille/items/${i.itemId}/star`,
    body: { starred: true },
  }),
  "POST /api/workspaces/:workspaceId/veille/items/:itemId/full-text": (i) => ({
    url: `/api/workspaces/${i.workspaceId}/veille/items/${i.itemId}/full-text`,
  }),
};

export function routeKey(method: string, url: string): string {
  return `${method} ${url}`;
}

export function withQuery(s: Sample): string {
  if (!s.query) return s.url;
  return `${s.url}?${new URLSearchParams(s.query).toString()}`;
}
