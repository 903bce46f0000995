import { describe, expect, it } from "vitest";
import { centredBox, moveBox, RATIOS, resizeBox, scaleBox, toCrop } from "./crop-box";

describe("crop box geometry", () => {
  it("opens centred at the largest box of the ratio", () => {
    expect(centredBox(1, 1000, 600)).toEqual({ x: 200, y: 0, width: 600, height: 600 });
    const tall = centredBox(RATIOS["9:16"] as number, 1000, 600);
    expect(tall.height).toBe(600);
    expect(tall.width / tall.height).toBeCloseTo(9 / 16, 10);
  });

  it("moves and resizes inside the image, keeping the ratio", () => {
    const box = { x: 100, y: 100, width: 200, height: 200 };
    expect(moveBox(box, -500, 5000, 1000, 600)).toEqual({ x: 0, y: 400, width: 200, height: 200 });
    const big = resizeBox(box, 5000, 1, 1000, 600);
    expect(big).toEqual({ x: 100, y: 100, width: 500, height: 500 });
    const small = resizeBox(box, 1, 1, 1000, 600);
    expect(small.width).toBe(16);
    const wide = resizeBox({ x: 0, y: 0, width: 191, height: 100 }, 2000, 1.91, 1000, 600);
    expect(wide.width).toBe(1000);
    expect(wide.width / wide.height).toBeCloseTo(1.91, 10);
    const scaled = scaleBox({ x: 900, y: 500, width: 100, height: 100 }, 2, 1, 1000, 600);
    expect(scaled).toEqual({ x: 800, y: 400, width: 200, height: 200 });
  });

  it("sends whole pixels inside the image", () => {
    expect(toCrop({ x: 799.6, y: -0.2, width: 200.7, height: 600.4 }, 1000, 600)).toEqual({
      x: 800,
      y: 0,
      width: 200,
      height: 600,
    });
  });
});
