import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import type { PublishMedia } from "../../connectors/types.js";
import type { AppContext } from "../../context.js";
import type { RenditionPreset } from "../../db/schema.js";
import { AppError, notFound } from "../../lib/errors.js";
import * as audit from "../audit/audit.service.js";
import type { AuthUser } from "../auth/auth.service.js";
import * as workspaces from "../workspaces/workspaces.service.js";
import { kindOf, type MediaView, presentMedia, presentRendition, renditionMime } from "./media.present.js";
import * as repo from "./media.repo.js";
import { type Crop, type Preset, processImage, renderPreset, UndecodableImage } from "./media-images.js";
import { presetVariant, signedUrl } from "./media-signing.js";
import { mp4Info } from "./media-sniff.js";
import type { UploadedFile, UploadLimits } from "./media-upload.js";

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
  return rows.map(describe);
}

function describe(r: repo.MediaRow): MediaDescription {
  return {
    id: r.id,
    kind: kindOf(r),
    mimeType: r.mime_type,
    sizeBytes: r.size_bytes,
    width: r.width,
    height: r.height,
    durationMs: r.duration_ms,
    altText: r.alt_text,
  };
}

/**
 * The descriptions of those `ids` that exist in the workspace, by id, without throwing: for views of posts
 * whose media may have been deleted since (one query, where describeMedia would fail on the first gap).
 */
export async function describeKnownMedia(
  ctx: AppContext,
  workspaceId: string,
  ids: string[],
): Promise<Map<string, MediaDescription>> {
  const rows = await repo.findMany(ctx.db, workspaceId, [...new Set(ids)].filter(isUuid));
  return new Map(rows.map((r) => [r.id, describe(r)]));
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

// ---- The library (routes) ----

const keyFor = (workspaceId: string, mediaId: string, name: string) => `ws/${workspaceId}/${mediaId}/${name}`;

async function withRenditions(ctx: AppContext, workspaceId: string, rows: repo.MediaRow[]): Promise<MediaView[]> {
  const renditions = await repo.listRenditions(
    ctx.db,
    workspaceId,
    rows.map((r) => r.id),
  );
  return rows.map((r) =>
    presentMedia(
      r,
      renditions.filter((x) => x.media_id === r.id),
    ),
  );
}

/** A media item of the workspace, or 404 (also for another workspace's id). */
export async function findOr404(ctx: AppContext, workspaceId: string, mediaId: string): Promise<repo.MediaRow> {
  const row = await repo.findOne(ctx.db, workspaceId, mediaId);
  if (!row) throw notFound("media");
  return row;
}

/**
 * Adds an uploaded file to the library. The same bytes uploaded twice in a workspace return the existing
 * item (`created: false`). Images are normalised (orientation applied, metadata stripped) and get a
 * thumbnail; videos are stored as sent, with duration and size read from MP4/MOV headers when present.
 */
export async function upload(
  ctx: AppContext,
  user: AuthUser,
  workspaceId: string,
  read: (limits: UploadLimits) => Promise<UploadedFile>,
): Promise<{ media: MediaView; created: boolean }> {
  await workspaces.authorize(ctx, user, workspaceId, "media.write");
  const file = await read(uploadLimits(ctx));
  return ingest(ctx, user, workspaceId, file, file.fields.altText ?? "");
}

/** The size limits of the library, by kind (configuration). */
export const uploadLimits = (ctx: AppContext): UploadLimits => ({
  imageBytes: ctx.config.mediaMaxImageBytes,
  videoBytes: ctx.config.mediaMaxVideoBytes,
});

/**
 * The one ingestion path, whatever brought the bytes (multipart upload, fetch by URL): dedupe by SHA-256,
 * image normalisation (orientation applied, EXIF stripped) and thumbnail, video headers, storage, row.
 * The caller has authorized the user and checked type and size (readUpload / fileFromBytes).
 */
export async function ingest(
  ctx: AppContext,
  user: AuthUser,
  workspaceId: string,
  file: UploadedFile,
  altTextInput: string,
): Promise<{ media: MediaView; created: boolean }> {
  const altText = altTextInput.slice(0, 2000);
  const existing = await repo.findBySha(ctx.db, workspaceId, file.sha256);
  if (existing) return { media: (await withRenditions(ctx, workspaceId, [existing]))[0] as MediaView, created: false };

  const id = randomUUID();
  let stored: { data: Buffer; mimeType: string; ext: string; width: number | null; height: number | null };
  let durationMs: number | null = null;
  let thumbnail: Buffer | null = null;
  if (file.sniffed.kind === "image") {
    try {
      const img = await processImage(file.data, file.sniffed.mimeType);
      stored = img;
      durationMs = img.durationMs;
      thumbnail = img.thumbnail;
    } catch (err) {
      if (err instanceof UndecodableImage) throw new AppError("media_type_unsupported");
      throw err;
    }
  } else {
    const info = file.sniffed.mimeType === "video/webm" ? null : mp4Info(file.data);
    stored = { data: file.data, ...file.sniffed, width: info?.width ?? null, height: info?.height ?? null };
    durationMs = info?.durationMs ?? null;
  }
  const storageKey = keyFor(workspaceId, id, `original.${stored.ext}`);
  const thumbKey = thumbnail ? keyFor(workspaceId, id, "thumbnail.webp") : null;
  await ctx.storage.put(storageKey, stored.data);
  if (thumbKey && thumbnail) await ctx.storage.put(thumbKey, thumbnail);

  const result = await ctx.db.transaction().execute(async (trx) => {
    // Two uploads of the same file at once: the second waits here and finds the first.
    await sql`select pg_advisory_xact_lock(hashtext(${`media:${workspaceId}:${file.sha256}`}))`.execute(trx);
    const again = await repo.findBySha(trx, workspaceId, file.sha256);
    if (again) return { row: again, created: false };
    const row = await repo.insert(trx, {
      id,
      workspace_id: workspaceId,
      kind: file.sniffed.kind,
      mime_type: stored.mimeType,
      size_bytes: stored.data.length,
      width: stored.width,
      height: stored.height,
      duration_ms: durationMs,
      sha256: file.sha256,
      original_name: file.filename,
      alt_text: altText,
      storage_key: storageKey,
      thumb_key: thumbKey,
      created_by: user.id,
    });
    return { row, created: true };
  });
  if (!result.created) await removeFiles(ctx, [storageKey, thumbKey]);
  return { media: (await withRenditions(ctx, workspaceId, [result.row]))[0] as MediaView, created: result.created };
}

async function removeFiles(ctx: AppContext, keys: Array<string | null>) {
  for (const key of keys) if (key) await ctx.storage.delete(key).catch(() => undefined);
}

/** The library, newest first, filtered by kind and by a search in names and alt texts. */
export async function list(ctx: AppContext, user: AuthUser, workspaceId: string, filter: repo.ListFilter) {
  await workspaces.authorize(ctx, user, workspaceId, "media.read");
  const { items, total } = await repo.list(ctx.db, workspaceId, filter);
  return { items: await withRenditions(ctx, workspaceId, items), total };
}

export async function get(ctx: AppContext, user: AuthUser, workspaceId: string, mediaId: string): Promise<MediaView> {
  await workspaces.authorize(ctx, user, workspaceId, "media.read");
  return (await withRenditions(ctx, workspaceId, [await findOr404(ctx, workspaceId, mediaId)]))[0] as MediaView;
}

/** Changes the alt text and/or the display name. */
export async function update(
  ctx: AppContext,
  user: AuthUser,
  workspaceId: string,
  mediaId: string,
  patch: { altText?: string; name?: string },
): Promise<MediaView> {
  await workspaces.authorize(ctx, user, workspaceId, "media.write");
  const row = await repo.update(ctx.db, workspaceId, mediaId, {
    ...(patch.altText !== undefined ? { alt_text: patch.altText } : {}),
    ...(patch.name !== undefined ? { original_name: patch.name } : {}),
  });
  if (!row) throw notFound("media");
  return (await withRenditions(ctx, workspaceId, [row]))[0] as MediaView;
}

/**
 * Deletes a media item and its files. Refused (409 media_in_use, details.postIds) while a post that is
 * not yet delivered uses it, in its base or in a target's variant. Recorded in the audit log.
 */
export async function remove(ctx: AppContext, user: AuthUser, workspaceId: string, mediaId: string): Promise<void> {
  await workspaces.authorize(ctx, user, workspaceId, "media.write");
  const row = await findOr404(ctx, workspaceId, mediaId);
  const renditions = await repo.listRenditions(ctx.db, workspaceId, [mediaId]);
  await ctx.db.transaction().execute(async (trx) => {
    const postIds = await repo.postsUsing(trx, workspaceId, mediaId);
    if (postIds.length > 0) throw new AppError("media_in_use", { count: postIds.length }, { postIds });
    await repo.remove(trx, workspaceId, mediaId);
    await audit.record(
      { db: trx },
      {
        workspaceId,
        actorUserId: user.id,
        action: "media.deleted",
        targetType: "media",
        targetId: mediaId,
        data: { name: row.original_name, sha256: row.sha256 },
      },
    );
  });
  await removeFiles(ctx, [row.storage_key, row.thumb_key, ...renditions.map((r) => r.storage_key)]);
}

/**
 * Creates or replaces a preset's rendition. `crop` is in the pixels of the stored (oriented) original and
 * must lie inside it; without it sharp's attention strategy picks the region. Images only (not GIFs).
 */
export async function putRendition(
  ctx: AppContext,
  user: AuthUser,
  workspaceId: string,
  mediaId: string,
  preset: Preset,
  crop: Crop | null,
) {
  await workspaces.authorize(ctx, user, workspaceId, "media.write");
  const row = await findOr404(ctx, workspaceId, mediaId);
  if (kindOf(row) !== "image" || row.width === null || row.height === null) throw new AppError("media_not_image");
  if (crop && (crop.x + crop.width > row.width || crop.y + crop.height > row.height)) {
    throw new AppError("crop_outside_image", { width: row.width, height: row.height }, [
      { path: "body.crop", code: "crop_outside", message: `${row.width}×${row.height}` },
    ]);
  }
  const out = await renderPreset(await ctx.storage.get(row.storage_key), preset, crop);
  const key = keyFor(workspaceId, mediaId, `r-${presetVariant(preset)}.jpg`);
  await ctx.storage.put(key, out.data);
  const rendition = await repo.upsertRendition(ctx.db, {
    workspace_id: workspaceId,
    media_id: mediaId,
    preset,
    crop,
    storage_key: key,
    width: out.width,
    height: out.height,
    size_bytes: out.data.length,
  });
  return presentRendition(rendition);
}

export async function listRenditions(ctx: AppContext, user: AuthUser, workspaceId: string, mediaId: string) {
  await workspaces.authorize(ctx, user, workspaceId, "media.read");
  await findOr404(ctx, workspaceId, mediaId);
  return (await repo.listRenditions(ctx.db, workspaceId, [mediaId])).map(presentRendition);
}
