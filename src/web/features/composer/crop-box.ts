/**
 * The geometry of a hand-adjusted crop box, in source pixels of the (oriented) original: locked to a
 * preset's ratio, always inside the image. Pure functions, shared by the crop editor and its tests.
 */

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Width / height of each preset (the server's presets, src/modules/media/media.schema.ts). */
export const RATIOS: Record<string, number> = { "1:1": 1, "4:5": 4 / 5, "1.91:1": 1.91, "9:16": 9 / 16 };

/** The smallest box side we let a hand make (pixels of the source). */
const MIN_SIDE = 16;

/** The largest box of the ratio inside the image, centred (what the editor opens with when nothing was saved). */
export function centredBox(ratio: number, imageWidth: number, imageHeight: number): Box {
  const width = Math.min(imageWidth, imageHeight * ratio);
  const height = width / ratio;
  return { x: (imageWidth - width) / 2, y: (imageHeight - height) / 2, width, height };
}

/** Moves the box by (dx, dy), stopping at the image's edges. */
export function moveBox(box: Box, dx: number, dy: number, imageWidth: number, imageHeight: number): Box {
  return {
    ...box,
    x: Math.min(Math.max(0, box.x + dx), imageWidth - box.width),
    y: Math.min(Math.max(0, box.y + dy), imageHeight - box.height),
  };
}

/**
 * Resizes the box to `width` keeping its ratio and its top-left corner, as large as asked but never past
 * the right or bottom edge, never smaller than MIN_SIDE on its short side.
 */
export function resizeBox(box: Box, width: number, ratio: number, imageWidth: number, imageHeight: number): Box {
  const maxWidth = Math.min(imageWidth - box.x, (imageHeight - box.y) * ratio);
  const minWidth = Math.min(maxWidth, ratio >= 1 ? MIN_SIDE * ratio : MIN_SIDE);
  const w = Math.min(maxWidth, Math.max(minWidth, width));
  return { ...box, width: w, height: w / ratio };
}

/** Resizes around the box's centre by a factor (keyboard + / −), then brings it back inside the image. */
export function scaleBox(box: Box, factor: number, ratio: number, imageWidth: number, imageHeight: number): Box {
  const limit = Math.min(imageWidth, imageHeight * ratio);
  const width = Math.min(limit, Math.max(ratio >= 1 ? MIN_SIDE * ratio : MIN_SIDE, box.width * factor));
  const height = width / ratio;
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  return moveBox({ x: cx - width / 2, y: cy - height / 2, width, height }, 0, 0, imageWidth, imageHeight);
}

/**
 * The rectangle sent to the server: whole pixels, inside the image (the server refuses anything else with
 * a 400). Rounding may leave the ratio a pixel off; the server covers from the centre, so the rendition's
 * ratio is exact anyway.
 */
export function toCrop(box: Box, imageWidth: number, imageHeight: number): Box {
  const x = Math.max(0, Math.min(imageWidth - 1, Math.round(box.x)));
  const y = Math.max(0, Math.min(imageHeight - 1, Math.round(box.y)));
  return {
    x,
    y,
    width: Math.max(1, Math.min(imageWidth - x, Math.round(box.width))),
    height: Math.max(1, Math.min(imageHeight - y, Math.round(box.height))),
  };
}
