/**
 * File types are recognised from their first bytes (magic numbers), never from the file name or the
 * client's Content-Type: a JPEG renamed .mp4 is an image, an HTML page renamed .png is refused.
 */

export interface Sniffed {
  kind: "image" | "video";
  mimeType: string;
  ext: string;
}

/** Bytes needed to recognise every supported type. */
export const SNIFF_BYTES = 64;

const ascii = (b: Buffer, start: number, end: number) => b.subarray(start, end).toString("latin1");

// ISO base media brands (the "ftyp" box): HEIF stills, AVIF, QuickTime and MP4 video.
const AVIF_BRANDS = new Set(["avif", "avis"]);
const HEIF_BRANDS = new Set(["heic", "heix", "hevc", "hevx", "heim", "heis", "mif1", "msf1"]);
const MP4_BRANDS = /^(isom|iso[2-9]|mp41|mp42|avc1|dash|mmp4|M4V |M4VH|M4VP|f4v |3gp[4-9]|3g2[abc]|MSNV|XAVC)$/;

/** The type of the file from its first bytes, or null when it is not a supported image or video. */
export function sniff(head: Buffer): Sniffed | null {
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) {
    return { kind: "image", mimeType: "image/jpeg", ext: "jpg" };
  }
  if (head.length >= 8 && head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) {
    return { kind: "image", mimeType: "image/png", ext: "png" };
  }
  if (head.length >= 6 && (ascii(head, 0, 6) === "GIF87a" || ascii(head, 0, 6) === "GIF89a")) {
    return { kind: "image", mimeType: "image/gif", ext: "gif" };
  }
  if (head.length >= 12 && ascii(head, 0, 4) === "RIFF" && ascii(head, 8, 12) === "WEBP") {
    return { kind: "image", mimeType: "image/webp", ext: "webp" };
  }
  if (head.length >= 12 && ascii(head, 4, 8) === "ftyp") {
    const size = head.readUInt32BE(0);
    const major = ascii(head, 8, 12);
    // Compatible brands follow the minor version, up to the end of the box (or of what we have).
    const compatible: string[] = [];
    for (let i = 16; i + 4 <= Math.min(size, head.length); i += 4) compatible.push(ascii(head, i, i + 4));
    const brands = [major, ...compatible];
    if (brands.some((b) => AVIF_BRANDS.has(b))) return { kind: "image", mimeType: "image/avif", ext: "avif" };
    if (HEIF_BRANDS.has(major)) return { kind: "image", mimeType: "image/heic", ext: "heic" };
    if (major === "qt  ") return { kind: "video", mimeType: "video/quicktime", ext: "mov" };
    if (MP4_BRANDS.test(major)) return { kind: "video", mimeType: "video/mp4", ext: "mp4" };
    return null;
  }
  if (head.length >= 4 && head.readUInt32BE(0) === 0x1a45dfa3) {
    // EBML header: WebM declares its DocType early; other Matroska files are not accepted by networks.
    if (head.includes(Buffer.from("webm"))) return { kind: "video", mimeType: "video/webm", ext: "webm" };
    return null;
  }
  return null;
}

interface Box {
  type: string;
  start: number; // first byte of the payload
  end: number;
}

function* boxes(buf: Buffer, start: number, end: number): Generator<Box> {
  let pos = start;
  while (pos + 8 <= end) {
    let size = buf.readUInt32BE(pos);
    const type = ascii(buf, pos + 4, pos + 8);
    let header = 8;
    if (size === 1) {
      if (pos + 16 > end) return;
      size = Number(buf.readBigUInt64BE(pos + 8));
      header = 16;
    } else if (size === 0) {
      size = end - pos;
    }
    if (size < header || pos + size > end) return;
    yield { type, start: pos + header, end: pos + size };
    pos += size;
  }
}

/**
 * Duration and display size of an MP4/MOV from its `moov/mvhd` and the first video `trak/tkhd`; cheap
 * (no decoding). Null fields when the boxes are absent or malformed. WebM is not parsed.
 */
export function mp4Info(buf: Buffer): { durationMs: number | null; width: number | null; height: number | null } {
  const out = { durationMs: null as number | null, width: null as number | null, height: null as number | null };
  const moov = [...boxes(buf, 0, buf.length)].find((b) => b.type === "moov");
  if (!moov) return out;
  for (const box of boxes(buf, moov.start, moov.end)) {
    if (box.type === "mvhd" && box.end - box.start >= 32) {
      const version = buf[box.start];
      const timescale = buf.readUInt32BE(box.start + (version === 1 ? 20 : 12));
      const duration = version === 1 ? Number(buf.readBigUInt64BE(box.start + 24)) : buf.readUInt32BE(box.start + 16);
      if (timescale > 0) out.durationMs = Math.round((duration / timescale) * 1000);
    }
    if (box.type === "trak" && out.width === null) {
      const tkhd = [...boxes(buf, box.start, box.end)].find((b) => b.type === "tkhd");
      if (tkhd && tkhd.end - tkhd.start >= 84) {
        // Width and height are 16.16 fixed point, the last 8 bytes of tkhd; audio tracks have 0.
        const w = buf.readUInt32BE(tkhd.end - 8) / 65536;
        const h = buf.readUInt32BE(tkhd.end - 4) / 65536;
        if (w > 0 && h > 0) {
          out.width = Math.round(w);
          out.height = Math.round(h);
        }
      }
    }
  }
  return out;
}
