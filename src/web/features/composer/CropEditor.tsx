import { Button, Group, Stack, Text } from "@mantine/core";
import { type KeyboardEvent, type PointerEvent, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import type { Media } from "../publishing/types";
import { type Box, centredBox, moveBox, RATIOS, resizeBox, scaleBox, toCrop } from "./crop-box";

/** The editor's drawing size: the image scaled to fit this box, never enlarged. */
const MAX_W = 560;
const MAX_H = 420;

/**
 * A crop box locked to the preset's ratio over the image: drag it to move, drag its corner to resize,
 * or use the keyboard (arrows move, + / − resize, Shift for bigger steps). Works in the source's pixels,
 * which is what the server renders from.
 */
export function CropEditor({
  media,
  preset,
  initial,
  saving,
  onSave,
  onCancel,
}: {
  media: Media;
  preset: string;
  initial: Box | null;
  saving: boolean;
  onSave: (crop: Box) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const iw = media.width ?? 1;
  const ih = media.height ?? 1;
  const ratio = RATIOS[preset] ?? 1;
  const scale = Math.min(1, MAX_W / iw, MAX_H / ih);
  const [box, setBox] = useState<Box>(() => initial ?? centredBox(ratio, iw, ih));
  const drag = useRef<{ mode: "move" | "resize"; startX: number; startY: number; start: Box } | null>(null);

  const begin = (mode: "move" | "resize") => (e: PointerEvent<HTMLDivElement>) => {
    e.preventDefault();
    e.stopPropagation();
    e.currentTarget.setPointerCapture(e.pointerId);
    drag.current = { mode, startX: e.clientX, startY: e.clientY, start: box };
  };
  const onMove = (e: PointerEvent<HTMLDivElement>) => {
    const d = drag.current;
    if (!d) return;
    const dx = (e.clientX - d.startX) / scale;
    const dy = (e.clientY - d.startY) / scale;
    if (d.mode === "move") setBox(moveBox(d.start, dx, dy, iw, ih));
    // The corner follows the pointer along the ratio's diagonal: the larger of the two moves wins.
    else setBox(resizeBox(d.start, d.start.width + Math.max(dx, dy * ratio), ratio, iw, ih));
  };
  const end = () => {
    drag.current = null;
  };
  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const step = (e.shiftKey ? 0.1 : 0.01) * Math.max(iw, ih);
    const moves: Record<string, [number, number]> = {
      ArrowLeft: [-step, 0],
      ArrowRight: [step, 0],
      ArrowUp: [0, -step],
      ArrowDown: [0, step],
    };
    const m = moves[e.key];
    if (m) setBox((b) => moveBox(b, m[0], m[1], iw, ih));
    else if (e.key === "+" || e.key === "=") setBox((b) => scaleBox(b, e.shiftKey ? 1.2 : 1.05, ratio, iw, ih));
    else if (e.key === "-" || e.key === "_") setBox((b) => scaleBox(b, e.shiftKey ? 1 / 1.2 : 1 / 1.05, ratio, iw, ih));
    else return;
    e.preventDefault();
  };
  const crop = toCrop(box, iw, ih);
  return (
    <Stack gap="sm">
      <Text size="sm">{t("renditions.editorHelp", { preset })}</Text>
      <div
        className="relais-crop-stage"
        style={{ position: "relative", width: iw * scale, height: ih * scale, overflow: "hidden", touchAction: "none" }}
      >
        <img
          src={media.fileUrl}
          alt={media.altText || media.name}
          width={iw * scale}
          height={ih * scale}
          draggable={false}
          style={{ display: "block", userSelect: "none" }}
        />
        {/* biome-ignore lint/a11y/useSemanticElements: a box moved by pointer and arrow keys, not a push button */}
        <div
          role="button"
          aria-roledescription={t("renditions.boxRole")}
          tabIndex={0}
          aria-label={t("renditions.box", { preset })}
          data-testid="crop-box"
          onPointerDown={begin("move")}
          onPointerMove={onMove}
          onPointerUp={end}
          onPointerCancel={end}
          onKeyDown={onKey}
          style={{
            position: "absolute",
            left: box.x * scale,
            top: box.y * scale,
            width: box.width * scale,
            height: box.height * scale,
            border: "2px solid #fff",
            outline: "1px dashed #000",
            boxShadow: "0 0 0 9999px rgba(0, 0, 0, 0.5)",
            cursor: "move",
          }}
        >
          <div
            aria-hidden
            data-testid="crop-handle"
            onPointerDown={begin("resize")}
            onPointerMove={onMove}
            onPointerUp={end}
            onPointerCancel={end}
            style={{
              position: "absolute",
              right: -8,
              bottom: -8,
              width: 16,
              height: 16,
              background: "#fff",
              border: "2px solid #1c7ed6",
              borderRadius: 3,
              cursor: "nwse-resize",
            }}
          />
        </div>
      </div>
      <Text size="xs" c="dimmed" data-testid="crop-values">
        {t("renditions.values", { x: crop.x, y: crop.y, width: crop.width, height: crop.height, iw, ih })}
      </Text>
      <Group justify="flex-end">
        <Button variant="default" onClick={onCancel}>
          {t("common.cancel")}
        </Button>
        <Button variant="light" onClick={() => setBox(centredBox(ratio, iw, ih))}>
          {t("renditions.centre")}
        </Button>
        <Button loading={saving} onClick={() => onSave(crop)}>
          {t("renditions.saveBox", { preset })}
        </Button>
      </Group>
    </Stack>
  );
}
