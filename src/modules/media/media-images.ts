import sharp, { type Metadata } from "sharp";

/**
 * Image work with sharp: normalising uploads (orientation applied, metadata stripped), thumbnails,
 * per-network renditions with exact aspect ratios, and fitting an image under a byte limit.
 */

export const PRESETS = ["1:1", "4:5", "1.91:1", "9:16"] as const;
export type Preset = (typeof PRESETS)[number];

/** Each preset as integer units: the output is always (a·k)×(b·k), so its ratio is exact. */
const UNITS: Record<Preset, [number, number]> = { "1:1": [1, 1], "4:5": [4, 5], "1.91:1": [191, 100], "9:16": [9, 16] };
const MAX_SIDE = 2048;
const THUMB_SIDE = 400;
/** Decompression bombs: a few-kB PNG can claim 16k×16k pixels. 100 MP covers every camera sold today. */
const MAX_PIXELS = 100_000_000;

export interface ProcessedImage {
  data: Buffer;
  mimeType: string;
  ext: string;
  width: number;
  height: number;
  durationMs: number | null;
  thumbnail: Buffer;
}

/** Thrown when sharp cannot decode the bytes (corrupt file, or a HEIC this build cannot read). */
export class UndecodableImage extends Error {}

/**
 * Normalises an uploaded image. JPEG/PNG/WebP are re-encoded with the EXIF orientation applied and all
 * metadata (EXIF, GPS, XMP) removed; AVIF becomes JPEG, which every network accepts (HEIC too, where the
 * sharp build can decode HEVC — the prebuilt one cannot, so HEIC is refused as undecodable); GIFs are kept
 * byte for byte (no EXIF in GIF; re-encoding would degrade animations). An animated GIF gets a duration.
 */
export async function processImage(input: Buffer, mimeType: string): Promise<ProcessedImage> {
  let meta: Metadata;
  try {
    meta = await sharp(input, { animated: true, limitInputPixels: MAX_PIXELS }).metadata();
    if ((meta.width ?? 0) * (meta.pageHeight ?? meta.height ?? 0) > MAX_PIXELS) throw new Error("too many pixels");
  } catch (err) {
    throw new UndecodableImage(String(err));
  }
  const thumbnail = await sharp(input, { limitInputPixels: MAX_PIXELS })
    .rotate()
    .resize(THUMB_SIDE, THUMB_SIDE, { fit: "inside", withoutEnlargement: true })
    .webp({ quality: 80 })
    .toBuffer()
    .catch((err) => {
      throw new UndecodableImage(String(err));
    });
  if (mimeType === "image/gif") {
    const pages = meta.pages ?? 1;
    // Browsers show a 0 delay as ~100 ms; count it that way so the duration is never 0.
    const durationMs =
      pages > 1
        ? (meta.delay ?? []).reduce((sum: number, d: number) => sum + (d > 0 ? d : 100), 0) || pages * 100
        : null;
    return {
      data: input,
      mimeType,
      ext: "gif",
      width: meta.width ?? 0,
      height: meta.pageHeight ?? meta.height ?? 0,
      durationMs,
      thumbnail,
    };
  }
  const pipeline = sharp(input, { limitInputPixels: MAX_PIXELS }).rotate();
  const encoded =
    mimeType === "image/png"
      ? { p: pipeline.png(), mime: "image/png", ext: "png" }
      : mimeType === "image/webp"
        ? { p: pipeline.webp({ quality: 90 }), mime: "image/webp", ext: "webp" }
        : { p: pipeline.jpeg({ quality: 90 }), mime: "image/jpeg", ext: "jpg" };
  const { data, info } = await encoded.p.toBuffer({ resolveWithObject: true }).catch((err) => {
    throw new UndecodableImage(String(err));
  });
  return {
    data,
    mimeType: encoded.mime,
    ext: encoded.ext,
    width: info.width,
    height: info.height,
    durationMs: null,
    thumbnail,
  };
}

export interface Crop {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Output size for a preset: the largest exact (a·k)×(b·k) that fits in the source area and in MAX_SIDE. */
export function presetSize(preset: Preset, areaWidth: number, areaHeight: number): { width: number; height: number } {
  const [a, b] = UNITS[preset];
  const k = Math.max(1, Math.floor(Math.min(areaWidth / a, areaHeight / b, MAX_SIDE / Math.max(a, b))));
  return { width: a * k, height: b * k };
}

/** The largest centred rectangle of the preset's ratio inside the image (the default crop). */
export function centredCrop(preset: Preset, width: number, height: number): Crop {
  const [a, b] = UNITS[preset];
  const ratio = a / b;
  const w = Math.min(width, Math.round(height * ratio));
  const h = Math.min(height, Math.round(w / ratio));
  return { x: Math.floor((width - w) / 2), y: Math.floor((height - h) / 2), width: w, height: h };
}

/**
 * A rendition of the (already oriented) original: `crop` in source pixels, or sharp's attention strategy
 * (the most salient region) when absent. A crop of another ratio is covered from its centre, so the
 * output ratio is always exact. JPEG (alpha flattened on white): every network accepts it.
 */
export async function renderPreset(
  original: Buffer,
  preset: Preset,
  crop: Crop | null,
): Promise<{ data: Buffer; width: number; height: number }> {
  const area = crop ?? (await sharp(original).metadata());
  const size = presetSize(preset, area.width ?? 1, area.height ?? 1);
  let pipeline = sharp(original).rotate();
  if (crop) pipeline = pipeline.extract({ left: crop.x, top: crop.y, width: crop.width, height: crop.height });
  const { data, info } = await pipeline
    .resize(size.width, size.height, { fit: "cover", position: crop ? "centre" : "attention" })
    .flatten({ background: "#ffffff" })
    .jpeg({ quality: 85 })
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/**
 * Fits an image under `maxBytes` (Bluesky: 1,000,000) as JPEG: at most `maxSide` px on the long side
 * (default 2048), quality 85 then 70, then smaller by the square root of the byte excess (JPEG size grows
 * roughly with the pixel count), so it converges in a few encodes. Returns the input untouched when it
 * already fits and is a JPEG, PNG or WebP within `maxSide`. Throws if 64 px still does not fit.
 */
export async function fitUnderBytes(
  input: Buffer,
  maxBytes: number,
  options: { maxSide?: number } = {},
): Promise<{ data: Buffer; mimeType: string; width: number; height: number }> {
  const maxSide = options.maxSide ?? MAX_SIDE;
  const meta = await sharp(input).metadata();
  const w0 = meta.autoOrient?.width ?? meta.width ?? maxSide;
  const h0 = meta.autoOrient?.height ?? meta.height ?? maxSide;
  if (input.length <= maxBytes && Math.max(w0, h0) <= maxSide && ["jpeg", "png", "webp"].includes(meta.format ?? "")) {
    return { data: input, mimeType: `image/${meta.format}`, width: w0, height: h0 };
  }
  // Decode and orient once; each attempt then only resizes and encodes.
  const base = await sharp(input)
    .rotate()
    .resize(maxSide, maxSide, { fit: "inside", withoutEnlargement: true })
    .flatten({ background: "#ffffff" })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const raw = { width: base.info.width, height: base.info.height, channels: base.info.channels };
  let scale = 1;
  for (let step = 0; step < 12; step++) {
    const width = Math.max(1, Math.round(raw.width * scale));
    if (width < 64 && step > 0) break;
    let last = 0;
    for (const quality of [85, 70]) {
      const { data, info } = await sharp(base.data, { raw })
        .resize({ width })
        .jpeg({ quality })
        .toBuffer({ resolveWithObject: true });
      if (data.length <= maxBytes) return { data, mimeType: "image/jpeg", width: info.width, height: info.height };
      last = data.length;
    }
    scale *= Math.min(0.9, Math.sqrt(maxBytes / last) * 0.95);
  }
  throw new Error(`cannot fit the image under ${maxBytes} bytes`);
}
