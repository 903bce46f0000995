import type { MediaRow, RenditionRow } from "./media.repo.js";

/** An animated GIF is stored as an image with a duration (migration 0002 allows only image|video). */
export function kindOf(row: Pick<MediaRow, "kind" | "mime_type" | "duration_ms">): "image" | "video" | "gif" {
  if (row.kind === "image" && row.mime_type === "image/gif" && row.duration_ms !== null) return "gif";
  return row.kind;
}

/** Renditions are always JPEG (every network accepts it); the key's extension says so. */
export function renditionMime(r: Pick<RenditionRow, "storage_key">): string {
  return r.storage_key.endsWith(".webp") ? "image/webp" : "image/jpeg";
}

export function presentRendition(r: RenditionRow) {
  return {
    // Relais only writes the four presets; "original" exists in the column's check but is never stored.
    preset: r.preset as Exclude<RenditionRow["preset"], "original">,
    crop: r.crop,
    width: r.width,
    height: r.height,
    sizeBytes: r.size_bytes,
    mimeType: renditionMime(r),
    createdAt: r.created_at.toISOString(),
  };
}

/** The API view of a media item (URLs are the authenticated routes; signed public URLs come separately). */
export function presentMedia(row: MediaRow, renditions: RenditionRow[] = []) {
  const base = `/api/workspaces/${row.workspace_id}/media/${row.id}`;
  return {
    id: row.id,
    kind: kindOf(row),
    mimeType: row.mime_type,
    sizeBytes: row.size_bytes,
    width: row.width,
    height: row.height,
    durationMs: row.duration_ms,
    sha256: row.sha256,
    name: row.original_name,
    altText: row.alt_text,
    fileUrl: `${base}/file`,
    thumbnailUrl: row.thumb_key ? `${base}/thumbnail` : null,
    renditions: renditions.map(presentRendition),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export type MediaView = ReturnType<typeof presentMedia>;
