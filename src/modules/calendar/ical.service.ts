import type { AppContext } from "../../context.js";
import { randomToken, sha256 } from "../../lib/crypto.js";
import { AppError } from "../../lib/errors.js";
import { type NetworkId, PROFILES } from "../../shared/networks/profiles.js";
import * as audit from "../audit/audit.service.js";
import type { AuthUser } from "../auth/auth.service.js";
import { authorize } from "../workspaces/workspaces.service.js";
import { icalWord } from "./calendar.messages.js";
import { entriesBetween, excerpt } from "./calendar.service.js";
import { type IcalEvent, renderCalendar } from "./ical.js";

const DAY = 86_400_000;
/** The feed covers two months back and six ahead: what a calendar app shows, in bounded work. */
const PAST_DAYS = 62;
const FUTURE_DAYS = 183;

/**
 * Creates a new secret feed URL for the workspace; the previous one stops working at once. Only the
 * token's SHA-256 is stored, so the URL is shown once, here.
 */
export async function rotate(ctx: AppContext, user: AuthUser, workspaceId: string): Promise<{ url: string }> {
  await authorize(ctx, user, workspaceId, "workspace.update");
  const token = randomToken(32);
  await ctx.db
    .updateTable("workspaces")
    .set({ ical_token_hash: sha256(token) })
    .where("id", "=", workspaceId)
    .execute();
  await audit.record(ctx, {
    workspaceId,
    actorUserId: user.id,
    action: "calendar.ical_rotated",
    targetType: "workspace",
    targetId: workspaceId,
    data: {},
  });
  return { url: `${ctx.config.publicUrl}/api/ical/${token}` };
}

/**
 * The feed of a secret token: one VEVENT per target (account) of each post or future occurrence, its
 * UID stable across fetches (target id, or series + instant + account for an occurrence not yet created).
 * Unknown token → 404, indistinguishable from a rotated one.
 */
export async function feed(ctx: AppContext, token: string): Promise<string> {
  const ws = await ctx.db
    .selectFrom("workspaces")
    .select(["id", "name", "timezone", "locale"])
    .where("ical_token_hash", "=", sha256(token))
    .executeTakeFirst();
  if (!ws) throw new AppError("not_found", { resource: "calendar" });
  const now = Date.now();
  const { entries, lookups: look } = await entriesBetween(
    ctx,
    ws.id,
    new Date(now - PAST_DAYS * DAY),
    new Date(now + FUTURE_DAYS * DAY),
    {},
    ws.locale,
  );
  const stamp = new Date(Math.floor(now / 1000) * 1000);
  const events: IcalEvent[] = [];
  for (const e of entries) {
    const campaign = e.campaignId ? look.campaigns.get(e.campaignId) : undefined;
    const categories = (e.tagIds ?? []).flatMap((id) => look.tags.get(id)?.name ?? []);
    for (const t of e.targets) {
      if (t.status === "cancelled") continue;
      const account = look.accounts.get(t.accountId) ?? { name: "", handle: null, network: "" };
      const label = PROFILES[account.network as NetworkId]?.label ?? account.network;
      const uid = e.occurrence
        ? `${e.occurrence.seriesId}-${e.scheduledAt.replace(/[-:.]/g, "")}-${t.accountId}@relais`
        : `${t.id}@relais`;
      const who = account.handle ? `${account.name} (${account.handle})` : account.name;
      events.push({
        uid,
        start: new Date(e.scheduledAt),
        durationMinutes: 15,
        stamp,
        // A planned post (not scheduled yet) is flagged in the title too: calendar apps rarely show STATUS.
        summary: `${e.planned ? `${icalWord(ws.locale, "plannedTag")} ` : ""}${label} · ${excerpt(e.excerpt, 60)}`,
        description: [
          `${who} — ${icalWord(ws.locale, e.planned ? "planned" : t.status)}`,
          t.error ? [t.error.explanation, t.error.message].filter(Boolean).join(" — ") : "",
          campaign ? `${icalWord(ws.locale, "campaign")} ${campaign.name}` : "",
          "",
          e.excerpt,
          e.linkUrl ?? "",
        ]
          .filter((x, i) => x !== "" || i === 3)
          .join("\n"),
        url: t.externalUrl,
        status: e.planned ? "TENTATIVE" : "CONFIRMED",
        categories,
      });
    }
  }
  return renderCalendar(`Relais — ${ws.name}`, events);
}
