import type { Readable } from "node:stream";
import type { AppContext } from "../../context.js";
import { AppError, notFound } from "../../lib/errors.js";
import type { AuthUser } from "../auth/auth.service.js";
import * as workspaces from "../workspaces/workspaces.service.js";
import { renditionMime } from "./media.present.js";
import * as repo from "./media.repo.js";
import { findOr404 } from "./media.service.js";
import type { Preset } from "./media-images.js";
import { variantPreset, verify } from "./media-signing.js";

/** A stored file to send: where it is, its type, and (when known) its size for Range requests. */
export interface FileToSend {
  key: string;
  mimeType: string;
  sizeBytes: number | null;
  filename: string;
  /** Stable for the bytes under this key; null when the key is immutable (original, thumbnail). */
  etag: string | null;
}

type Variant = "original" | "thumbnail" | Preset;

async function fileOf(ctx: AppContext, row: repo.MediaRow, variant: Variant): Promise<FileToSend> {
  if (variant === "original") {
    return {
      key: row.storage_key,
      mimeType: row.mime_type,
      sizeBytes: row.size_bytes,
      filename: row.original_name,
      etag: null,
    };
  }
  if (variant === "thumbnail") {
    if (!row.thumb_key) throw notFound("media");
    return { key: row.thumb_key, mimeType: "image/webp", sizeBytes: null, filename: "thumbnail.webp", etag: null };
  }
  const r = await repo.findRendition(ctx.db, row.workspace_id, row.id, variant);
  if (!r) throw notFound("rendition");
  return {
    key: r.storage_key,
    mimeType: renditionMime(r),
    sizeBytes: r.size_bytes,
    filename: `${variant.replace(":", "x")}.jpg`,
    // A rendition is replaced in place when re-cropped: the ETag changes with it.
    etag: `"${r.id}-${r.created_at.getTime()}"`,
  };
}

/** A file of a media item for a member (media.read). */
export async function memberFile(
  ctx: AppContext,
  user: AuthUser,
  workspaceId: string,
  mediaId: string,
  variant: Variant,
): Promise<FileToSend> {
  await workspaces.authorize(ctx, user, workspaceId, "media.read");
  return fileOf(ctx, await findOr404(ctx, workspaceId, mediaId), variant);
}

/**
 * A file through a signed public URL: the signature (HMAC, checked in constant time, not expired) is the
 * authorization, so it is verified before any lookup. Any failure is the same 403.
 */
export async function signedFile(
  ctx: AppContext,
  mediaId: string,
  variant: string,
  exp: number,
  sig: string,
): Promise<FileToSend> {
  if (!verify(ctx, mediaId, variant, exp, sig)) throw new AppError("media_link_invalid");
  const row = await repo.findById(ctx.db, mediaId);
  if (!row) throw notFound("media");
  const v = variant === "original" || variant === "thumbnail" ? variant : (variantPreset(variant) as Preset);
  return fileOf(ctx, row, v);
}

/** Parses `Range: bytes=a-b` (one range) against a known size; null means "send everything". */
export function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | "invalid" | null {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === "" && m[2] === "")) return "invalid";
  let start: number;
  let end: number;
  if (m[1] === "") {
    start = Math.max(0, size - Number(m[2]));
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start > end || start >= size) return "invalid";
  return { start, end };
}

export function openFile(ctx: AppContext, file: FileToSend, range?: { start: number; end: number }): Readable {
  return ctx.storage.stream(file.key, range);
}
