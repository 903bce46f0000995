import type { AppContext } from "../../context.js";
import * as items from "./items.repo.js";

/**
 * Retention: a workspace keeps feed items for `retention_days` (default 90, setting in veille_settings).
 * The daily job deletes older items — by publication and fetch date both, so a feed that publishes
 * back-dated items does not lose them on arrival — except items someone starred and items saved to a
 * curation topic (curation_entries.feed_item_id: those entries keep their own copy anyway, the FK is
 * ON DELETE SET NULL, but the reader keeps showing what a colleague chose). Ingestion skips items already
 * older than the retention. Stories left with one item are pruned.
 */

export const DEFAULT_RETENTION_DAYS = 90;

/** Ingestion asks for every fetched feed: a minute's cache per process (a change elsewhere shows within it). */
const cache = new Map<string, { days: number; at: number }>();

export async function retentionDays(ctx: Pick<AppContext, "db">, workspaceId: string): Promise<number> {
  const hit = cache.get(workspaceId);
  if (hit && Date.now() - hit.at < 60_000) return hit.days;
  const days = await readRetention(ctx, workspaceId);
  cache.set(workspaceId, { days, at: Date.now() });
  return days;
}

async function readRetention(ctx: Pick<AppContext, "db">, workspaceId: string): Promise<number> {
  const row = await ctx.db
    .selectFrom("veille_settings")
    .select("retention_days")
    .where("workspace_id", "=", workspaceId)
    .executeTakeFirst();
  return row?.retention_days ?? DEFAULT_RETENTION_DAYS;
}

export async function setRetentionDays(ctx: Pick<AppContext, "db">, workspaceId: string, days: number) {
  await ctx.db
    .insertInto("veille_settings")
    .values({ workspace_id: workspaceId, retention_days: days })
    .onConflict((oc) => oc.column("workspace_id").doUpdateSet({ retention_days: days, updated_at: new Date() }))
    .execute();
  cache.delete(workspaceId);
}

/** Applies every workspace's retention; returns the number of items deleted. */
export async function applyRetention(ctx: AppContext, now = new Date()): Promise<number> {
  const workspaces = await ctx.db
    .selectFrom("feeds")
    .leftJoin("veille_settings", "veille_settings.workspace_id", "feeds.workspace_id")
    .select(["feeds.workspace_id", "veille_settings.retention_days"])
    .distinct()
    .execute();
  let total = 0;
  for (const w of workspaces) {
    const days = w.retention_days ?? DEFAULT_RETENTION_DAYS;
    const cutoff = new Date(now.getTime() - days * 86_400_000);
    let deleted = 0;
    for (;;) {
      const n = await items.deleteExpired(ctx.db, w.workspace_id, cutoff, 5000);
      deleted += n;
      if (n < 5000) break;
    }
    if (deleted) await items.pruneStories(ctx.db, w.workspace_id);
    total += deleted;
  }
  // PGlite has no autovacuum: without this, the deleted rows' space is never reused, the GIN pending lists are
  // merged only when they overflow and the statistics follow only the poller's inserts. On a 200,000-item
  // table it took 1–2 s (the database is busy meanwhile: once a day, at night). PostgreSQL does it itself.
  if (ctx.database.kind === "pglite" && workspaces.length) await items.vacuumItems(ctx.db);
  return total;
}
