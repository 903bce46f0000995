import type { PublishMedia } from "../../connectors/types.js";
import type { AppContext } from "../../context.js";
import type { RenditionPreset } from "../../db/schema.js";
import { AppError } from "../../lib/errors.js";
import { kindOf, renditionMime } from "./media.present.js";
import * as repo from "./media.repo.js";
import { presetVariant, signedUrl } from "./media-signing.js";

/** What other domains (posts, scheduler, checks) need to know about a media item. */
export interface MediaDescription {
  id: string;
  kind: "image" | "video" | "gif";
  mimeType: string;
  sizeBytes: number;
  width: number | null;
  height: number | null;
  durationMs: number | null;
  altText: string;
}

async function rowsInOrder(ctx: AppContext, workspaceId: string, ids: string[], path: string) {
  const unique = [...new Set(ids)];
  const rows = await repo.findMany(ctx.db, workspaceId, unique.filter(isUuid));
  const byId = new Map(rows.map((r) => [r.id, r]));
  const missing = ids.map((id, index) => ({ id, index })).filter(({ id }) => !byId.has(id));
  if (missing.length > 0) {
    throw new AppError(
      "unknown_media",
      { ids: missing.map((m) => m.id).join(", ") },
      missing.map(({ id, index }) => ({ path: `${path}.${index}`, code: "unknown_media", message: id })),
    );
  }
  return ids.map((id) => byId.get(id) as repo.MediaRow);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isUuid = (s: string) => UUID.test(s);

/**
 * Describes media items of a workspace, in the order of `ids`. The caller has already authorized the
 * user. Throws `unknown_media` (400, details per index under `path`, default "mediaIds") when an id is
 * unknown or belongs to another workspace.
 */
export async function describeMedia(
  ctx: AppContext,
  workspaceId: string,
  ids: string[],
  options: { path?: string } = {},
): Promise<MediaDescription[]> {
  const rows = await rowsInOrder(ctx, workspaceId, ids, options.path ?? "mediaIds");
  return rows.map((r) => ({
    id: r.id,
    kind: kindOf(r),
    mimeType: r.mime_type,
    sizeBytes: r.size_bytes,
    width: r.width,
    height: r.height,
    durationMs: r.duration_ms,
    altText: r.alt_text,
  }));
}

/**
 * Media ready for a connector, in the order of `ids`: when `preset` is given and the item has a rendition
 * for it, the rendition is sent (its size, type and dimensions); otherwise the original. `url` is a signed
 * public URL (7 days); `read()` loads the bytes from storage lazily. Same errors as describeMedia.
 */
export async function mediaForPublishing(
  ctx: AppContext,
  workspaceId: string,
  ids: string[],
  preset?: RenditionPreset,
): Promise<PublishMedia[]> {
  const rows = await rowsInOrder(ctx, workspaceId, ids, "mediaIds");
  const renditions =
    preset && preset !== "original"
      ? (
          await repo.listRenditions(
            ctx.db,
            workspaceId,
            rows.map((r) => r.id),
          )
        ).filter((r) => r.preset === preset)
      : [];
  const byMedia = new Map(renditions.map((r) => [r.media_id, r]));
  return rows.map((r) => {
    const rendition = byMedia.get(r.id);
    if (rendition) {
      return {
        id: r.id,
        kind: "image",
        mimeType: renditionMime(rendition),
        sizeBytes: rendition.size_bytes,
        width: rendition.width,
        height: rendition.height,
        altText: r.alt_text,
        url: signedUrl(ctx, r.id, presetVariant(rendition.preset)),
        read: () => ctx.storage.get(rendition.storage_key),
      } satisfies PublishMedia;
    }
    return {
      id: r.id,
      kind: kindOf(r),
      mimeType: r.mime_type,
      sizeBytes: r.size_bytes,
      width: r.width,
      height: r.height,
      altText: r.alt_text,
      url: signedUrl(ctx, r.id, "original"),
      read: () => ctx.storage.get(r.storage_key),
    } satisfies PublishMedia;
  });
}
