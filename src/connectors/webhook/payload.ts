import type { PublishRequest } from "../types.js";

/**
 * What the webhook connector sends. Chat services that accept incoming webhooks get the body they expect
 * (so a Slack or Discord channel shows a normal message); everything else (n8n, Zapier, Make, custom
 * receivers) gets the documented Relais event, versioned, described in docs/webhooks.md.
 */
export type WebhookFlavour = "relais" | "slack" | "discord";
export const WEBHOOK_FORMATS = ["auto", "relais", "slack", "discord"] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

/**
 * The body format a URL expects. Slack: hooks.slack.com; Discord: discord.com / discordapp.com (and their
 * ptb/canary subdomains) under /api/webhooks/; Mattermost speaks Slack's format at /hooks/<26-char id>.
 */
export function detectFlavour(rawUrl: string): WebhookFlavour {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return "relais";
  }
  const host = url.hostname.toLowerCase();
  if (host === "hooks.slack.com" || host.endsWith(".hooks.slack.com")) return "slack";
  const discordHost = /^((ptb|canary)\.)?discord(app)?\.com$/.test(host);
  if (discordHost && /^\/api\/(v\d+\/)?webhooks\//.test(url.pathname)) return "discord";
  if (/^\/hooks\/[a-z0-9]{26}\/?$/.test(url.pathname)) return "slack";
  return "relais";
}

/** The flavour from the user's choice, "auto" meaning detectFlavour(). */
export function resolveFlavour(url: string, format: WebhookFormat | undefined): WebhookFlavour {
  return !format || format === "auto" ? detectFlavour(url) : format;
}

export const RELAIS_PAYLOAD_VERSION = 1;

/** The Relais event for a publication (schema in docs/webhooks.md). */
export function relaisPublishEvent(req: PublishRequest, now: Date) {
  return {
    type: "post.published" as const,
    version: RELAIS_PAYLOAD_VERSION,
    id: req.idempotencyKey,
    createdAt: now.toISOString(),
    workspaceId: req.workspaceId,
    postId: req.postId,
    targetId: req.targetId,
    post: {
      text: req.text,
      title: req.title ?? null,
      link: req.linkUrl,
      scheduledAt: req.scheduledAt ? req.scheduledAt.toISOString() : null,
      media: req.media.map((m) => ({
        id: m.id,
        kind: m.kind,
        mimeType: m.mimeType,
        sizeBytes: m.sizeBytes,
        width: m.width,
        height: m.height,
        altText: m.altText,
        url: m.url,
      })),
      options: req.options,
    },
  };
}

/** The ping sent at connect time and by "check": receivers should answer 2xx and do nothing else. */
export function relaisPingEvent(id: string, now: Date) {
  return {
    type: "ping" as const,
    version: RELAIS_PAYLOAD_VERSION,
    id,
    createdAt: now.toISOString(),
    message: "Relais test: this webhook is connected.",
  };
}

/** Slack's mrkdwn needs &, < and > escaped; links are written <url|text>. */
function slackEscape(s: string): string {
  return s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

/** Slack (and Mattermost): `text` is the notification fallback, `blocks` the rich message with images. */
export function slackBody(req: PublishRequest) {
  const parts = [req.title ? `*${slackEscape(req.title)}*` : "", slackEscape(req.text)];
  if (req.linkUrl) parts.push(`<${req.linkUrl}>`);
  const text = parts.filter(Boolean).join("\n\n");
  const images = req.media.filter((m) => m.kind !== "video");
  const videos = req.media.filter((m) => m.kind === "video");
  const blocks: unknown[] = [];
  // Slack limits a section's text to 3,000 characters: a longer post is split over several sections
  // (when blocks are present Slack shows them instead of `text`, so nothing may be dropped).
  for (const chunk of chunks(text, 3000)) blocks.push({ type: "section", text: { type: "mrkdwn", text: chunk } });
  for (const m of images) blocks.push({ type: "image", image_url: m.url, alt_text: m.altText || "image" });
  for (const m of videos) blocks.push({ type: "section", text: { type: "mrkdwn", text: `<${m.url}|🎬 video>` } });
  // Slack accepts at most 50 blocks; beyond that the plain text alone is the safer message.
  return blocks.length && blocks.length <= 50 ? { text, blocks } : { text };
}

function chunks(text: string, size: number): string[] {
  const points = [...text];
  const out: string[] = [];
  for (let i = 0; i < points.length; i += size) out.push(points.slice(i, i + size).join(""));
  return out;
}

/**
 * Discord: `content` plus up to 10 embeds, one per image (with the alt text as description); videos are
 * linked in the content since webhooks cannot embed them by URL.
 */
export function discordBody(req: PublishRequest) {
  const parts = [req.title ? `**${req.title}**` : "", req.text];
  if (req.linkUrl) parts.push(req.linkUrl);
  for (const m of req.media.filter((x) => x.kind === "video")) parts.push(m.url);
  const embeds = req.media
    .filter((m) => m.kind !== "video")
    .slice(0, 10)
    .map((m) => ({ image: { url: m.url }, ...(m.altText ? { description: m.altText } : {}) }));
  return { content: parts.filter(Boolean).join("\n\n"), embeds, allowed_mentions: { parse: [] as string[] } };
}

/** The body for a ping in each flavour. */
export function pingBody(flavour: WebhookFlavour, id: string, now: Date): unknown {
  const text = "✅ Relais : ce webhook est connecté. / Relais: this webhook is connected.";
  if (flavour === "slack") return { text };
  if (flavour === "discord") return { content: text, allowed_mentions: { parse: [] } };
  return relaisPingEvent(id, now);
}

/** The body for a publication in each flavour. */
export function publishBody(flavour: WebhookFlavour, req: PublishRequest, now: Date): unknown {
  if (flavour === "slack") return slackBody(req);
  if (flavour === "discord") return discordBody(req);
  return relaisPublishEvent(req, now);
}
