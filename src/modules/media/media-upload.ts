import { createHash } from "node:crypto";
import "@fastify/multipart";
import type { FastifyRequest } from "fastify";
import { AppError } from "../../lib/errors.js";
import { SNIFF_BYTES, type Sniffed, sniff } from "./media-sniff.js";

/** One uploaded file, read into memory with its type sniffed and its hash computed on the way. */
export interface UploadedFile {
  data: Buffer;
  sniffed: Sniffed;
  sha256: string;
  filename: string;
  fields: Record<string, string>;
}

export interface UploadLimits {
  imageBytes: number;
  videoBytes: number;
}

const MB = 1024 * 1024;
const tooLarge = (limit: number) => new AppError("media_too_large", { limit: Math.round((limit / MB) * 10) / 10 });

/** Keeps a display name: no directories, no control characters, at most 255 characters. */
function cleanName(name: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
  const base = (name.split(/[\\/]/).pop() ?? "").replace(/[\u0000-\u001f\u007f]/g, "").trim();
  return base.slice(0, 255);
}

/**
 * Reads a multipart upload: one file part (any field name) and text fields, in any order. The type is
 * sniffed from the first bytes as they arrive, so an unsupported file is refused (415) and an oversize
 * one (413, limit of its kind) before the whole body is read.
 * Known limit: the file is held in memory (the storage interface takes a Buffer).
 */
export async function readUpload(request: FastifyRequest, limits: UploadLimits): Promise<UploadedFile> {
  if (!request.isMultipart()) throw new AppError("unsupported_media_type");
  const fields: Record<string, string> = {};
  let file: Omit<UploadedFile, "fields"> | null = null;
  try {
    for await (const part of request.parts()) {
      if (part.type === "field") {
        if (typeof part.value === "string") fields[part.fieldname] = part.value;
        continue;
      }
      if (file)
        throw new AppError("validation_failed", {}, [{ path: "body.file", code: "too_many_files", message: "1" }]);
      const hash = createHash("sha256");
      const chunks: Buffer[] = [];
      let size = 0;
      let sniffed: Sniffed | null = null;
      let limit = limits.videoBytes;
      for await (const chunk of part.file as AsyncIterable<Buffer>) {
        chunks.push(chunk);
        size += chunk.length;
        hash.update(chunk);
        if (!sniffed && size >= SNIFF_BYTES) {
          sniffed = sniff(Buffer.concat(chunks).subarray(0, SNIFF_BYTES));
          if (!sniffed) throw new AppError("media_type_unsupported");
          limit = sniffed.kind === "image" ? limits.imageBytes : limits.videoBytes;
        }
        if (size > limit) throw tooLarge(limit);
      }
      if (part.file.truncated) throw tooLarge(limit);
      const data = Buffer.concat(chunks);
      sniffed ??= sniff(data);
      if (!sniffed) throw new AppError("media_type_unsupported");
      if (sniffed.kind === "image" && size > limits.imageBytes) throw tooLarge(limits.imageBytes);
      file = { data, sniffed, sha256: hash.digest("hex"), filename: cleanName(part.filename ?? "") };
    }
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === "FST_REQ_FILE_TOO_LARGE") throw tooLarge(limits.videoBytes);
    if (code === "FST_FILES_LIMIT" || code === "FST_PARTS_LIMIT" || code === "FST_FIELDS_LIMIT") {
      throw new AppError("validation_failed", {}, [{ path: "body", code: "too_many_parts", message: code }]);
    }
    throw err;
  }
  if (!file || file.data.length === 0) {
    throw new AppError("validation_failed", {}, [{ path: "body.file", code: "missing_file", message: "file" }]);
  }
  return { ...file, fields };
}

/**
 * Bytes obtained another way (fetched from a URL): the same checks as an upload — type sniffed from the
 * bytes (never from a Content-Type or an extension), the size limit of its kind — and the hash.
 */
export function fileFromBytes(data: Buffer, filename: string, limits: UploadLimits): UploadedFile {
  const sniffed = data.length > 0 ? sniff(data) : null;
  if (!sniffed) throw new AppError("media_type_unsupported");
  const limit = sniffed.kind === "image" ? limits.imageBytes : limits.videoBytes;
  if (data.length > limit) throw tooLarge(limit);
  const sha256 = createHash("sha256").update(data).digest("hex");
  return { data, sniffed, sha256, filename: cleanName(filename), fields: {} };
}
