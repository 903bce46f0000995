import { generateOpml, parseOpml } from "feedsmith";
import type { AppContext } from "../../context.js";
import { AppError } from "../../lib/errors.js";
import * as audit from "../audit/audit.service.js";
import type { AuthUser } from "../auth/auth.service.js";
import { authorize } from "../workspaces/workspaces.service.js";
import * as repo from "./feeds.repo.js";

/**
 * OPML import and export (Feedly, Inoreader, Miniflux, NetNewsWire… all write OPML 1.0/2.0 with feeds as
 * `<outline xmlUrl=…>` inside category outlines).
 * Import: every outline with an xmlUrl is a feed; its folder is the path of its ancestor outlines without
 * an xmlUrl, joined with " / " (Relais folders are one level: "Tech / IA"). Feeds are created without
 * fetching (the poller fetches them within a minute), titles from `title` or `text`; URLs the workspace
 * already follows are counted, not duplicated; invalid URLs are listed. Export: one outline per folder
 * (feeds without folder at the top), with type="rss", text, title, xmlUrl and htmlUrl.
 */

interface Outline {
  text?: string;
  title?: string;
  xmlUrl?: string;
  htmlUrl?: string;
  outlines?: Outline[];
}

interface Found {
  url: string;
  title: string;
  siteUrl: string | null;
  folder: string | null;
}

function collect(
  outlines: Outline[] | undefined,
  path: string[],
  out: Found[],
  invalid: { text: string; url: string }[],
) {
  for (const o of outlines ?? []) {
    const label = (o.title || o.text || "").trim();
    if (o.xmlUrl) {
      let url: string | null = null;
      try {
        const u = new URL(o.xmlUrl.trim());
        if (u.protocol === "http:" || u.protocol === "https:") url = u.toString();
      } catch {}
      if (!url) invalid.push({ text: label, url: o.xmlUrl });
      else
        out.push({
          url,
          title: label.slice(0, 300),
          siteUrl: o.htmlUrl?.trim() || null,
          folder: path.length ? path.join(" / ").slice(0, 120) : null,
        });
      if (o.outlines?.length) collect(o.outlines, path, out, invalid);
    } else {
      collect(o.outlines, label ? [...path, label] : path, out, invalid);
    }
  }
}

/** The feeds of an OPML document (pure). Throws opml_invalid when it is not OPML. */
export function readOpml(text: string): { feeds: Found[]; invalid: { text: string; url: string }[] } {
  let doc: { body?: { outlines?: Outline[] } };
  try {
    doc = parseOpml(text.replace(/^\uFEFF/, "")) as typeof doc;
  } catch {
    throw new AppError("opml_invalid");
  }
  const feeds: Found[] = [];
  const invalid: { text: string; url: string }[] = [];
  collect(doc.body?.outlines, [], feeds, invalid);
  return { feeds, invalid };
}

export async function importOpml(ctx: AppContext, user: AuthUser, workspaceId: string, text: string) {
  await authorize(ctx, user, workspaceId, "veille.write");
  const { feeds, invalid } = readOpml(text);
  const result = await ctx.db.transaction().execute(async (trx) => {
    const folders = new Map<string, string>();
    let foldersCreated = 0;
    let feedsCreated = 0;
    let feedsExisting = 0;
    for (const f of feeds) {
      let folderId: string | null = null;
      if (f.folder) {
        const key = f.folder.toLowerCase();
        folderId = folders.get(key) ?? null;
        if (!folderId) {
          const existing = await repo.findFolderByName(trx, workspaceId, f.folder);
          folderId = existing?.id ?? (await repo.insertFolder(trx, workspaceId, f.folder)).id;
          if (!existing) foldersCreated++;
          folders.set(key, folderId);
        }
      }
      const row = await repo.insertFeed(trx, workspaceId, {
        url: f.url,
        title: f.title,
        site_url: f.siteUrl,
        folder_id: folderId,
        created_by: user.id,
        next_fetch_at: new Date(),
      });
      if (row) feedsCreated++;
      else feedsExisting++;
    }
    return { feedsCreated, feedsExisting, foldersCreated, invalid };
  });
  await audit.record(ctx, {
    workspaceId,
    actorUserId: user.id,
    action: "feed.opml_import",
    targetType: "workspace",
    targetId: workspaceId,
    data: { created: result.feedsCreated, existing: result.feedsExisting },
  });
  return result;
}

export async function exportOpml(ctx: AppContext, user: AuthUser, workspaceId: string, title: string): Promise<string> {
  await authorize(ctx, user, workspaceId, "veille.read");
  const [folders, feeds] = await Promise.all([
    repo.listFolders(ctx.db, workspaceId),
    repo.listFeeds(ctx.db, workspaceId),
  ]);
  const outline = (f: repo.FeedRow): Outline & { type: string } => ({
    type: "rss",
    text: f.title || f.url,
    title: f.title || f.url,
    xmlUrl: f.url,
    ...(f.site_url ? { htmlUrl: f.site_url } : {}),
  });
  const outlines: Outline[] = [
    ...folders.map((folder) => ({
      text: folder.name,
      title: folder.name,
      outlines: feeds.filter((f) => f.folder_id === folder.id).map(outline),
    })),
    ...feeds.filter((f) => !f.folder_id).map(outline),
  ];
  return generateOpml({
    head: { title, dateCreated: new Date() },
    body: { outlines: outlines as never },
  }) as string;
}
