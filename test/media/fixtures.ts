import { randomBytes } from "node:crypto";
import sharp from "sharp";
import type { Caller } from "../helpers/app.js";

/** A multipart/form-data body, built by hand so tests control every byte (file name, declared type). */
export function multipart(
  file: { data: Buffer; filename: string; contentType?: string } | null,
  fields: Record<string, string> = {},
): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----relais${randomBytes(8).toString("hex")}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`, "utf8"),
    );
  }
  if (file) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.filename}"\r\nContent-Type: ${file.contentType ?? "application/octet-stream"}\r\n\r\n`,
        "utf8",
      ),
      file.data,
      Buffer.from("\r\n"),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { "content-type": `multipart/form-data; boundary=${boundary}` } };
}

/** Uploads through the real route. */
export function upload(
  caller: Caller,
  workspaceId: string,
  data: Buffer,
  filename = "photo.jpg",
  fields: Record<string, string> = {},
  contentType?: string,
) {
  const { payload, headers } = multipart({ data, filename, contentType }, fields);
  return caller.request({ method: "POST", url: `/api/workspaces/${workspaceId}/media`, payload, headers });
}

/** A real JPEG, width×height as stored, with an EXIF orientation tag when given (6 = rotate 90° CW). */
export function jpeg(width: number, height: number, options: { orientation?: number; seed?: number } = {}) {
  const img = sharp({
    create: { width, height, channels: 3, background: { r: 200, g: 60 + (options.seed ?? 0), b: 40 } },
  });
  return img
    .jpeg({ quality: 90 })
    .withMetadata(
      options.orientation
        ? { orientation: options.orientation, exif: { IFD0: { Copyright: "Secret GPS place", Artist: "Léa" } } }
        : {},
    )
    .toBuffer();
}

export function png(width: number, height: number, alpha = 0.5) {
  return sharp({ create: { width, height, channels: 4, background: { r: 10, g: 120, b: 200, alpha } } })
    .png()
    .toBuffer();
}

export function webp(width: number, height: number) {
  return sharp({ create: { width, height, channels: 3, background: "#3a7" } })
    .webp()
    .toBuffer();
}

/** An animated GIF of `frames` frames, `delayMs` each. */
export async function animatedGif(width: number, height: number, frames = 3, delayMs = 200) {
  const frame = (i: number) =>
    sharp({ create: { width, height, channels: 3, background: { r: 40 * i, g: 100, b: 255 - 40 * i } } })
      .raw()
      .toBuffer();
  const raw = Buffer.concat(await Promise.all(Array.from({ length: frames }, (_, i) => frame(i))));
  return sharp(raw, { raw: { width, height: height * frames, channels: 3, pageHeight: height } })
    .gif({ delay: Array(frames).fill(delayMs), loop: 0 })
    .toBuffer();
}

/** One small image in the workspace: the id the access and bad-input walks aim at. */
export async function seedMedia(caller: Caller, workspaceId: string, seed: number): Promise<string> {
  const res = await upload(caller, workspaceId, await jpeg(64, 48, { seed }), "seed.jpg", { altText: "Logo" });
  if (res.statusCode !== 201) throw new Error(`media seed failed: ${res.statusCode} ${res.body}`);
  return res.json().id;
}
