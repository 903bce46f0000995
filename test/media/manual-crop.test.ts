import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mediaForPublishing } from "../../src/modules/media/media.service.js";
import { type Caller, createTestApp, createWorkspace, signUp, type TestApp } from "../helpers/app.js";
import { upload } from "./fixtures.js";

/**
 * Hand-adjusted crops: the rectangle chosen in the composer's crop box (source pixels) is rendered
 * exactly — that region, at the preset's exact ratio — stored, and handed to the publisher; a rectangle
 * outside the image is a clear 400 that changes nothing.
 */
let t: TestApp;
let owner: Caller;
let ws: string;
let mediaId: string;

/** 1000×600: left half red, right half blue. */
async function twoColours(): Promise<Buffer> {
  const half = (colour: string) =>
    sharp({ create: { width: 500, height: 600, channels: 3, background: colour } })
      .png()
      .toBuffer();
  return sharp({ create: { width: 1000, height: 600, channels: 3, background: "#000000" } })
    .composite([
      { input: await half("#e03131"), left: 0, top: 0 },
      { input: await half("#1971c2"), left: 500, top: 0 },
    ])
    .jpeg({ quality: 95 })
    .toBuffer();
}

async function meanColour(buffer: Buffer): Promise<[number, number, number]> {
  const { channels } = await sharp(buffer).stats();
  return channels.slice(0, 3).map((c) => Math.round(c.mean)) as [number, number, number];
}

beforeAll(async () => {
  t = await createTestApp();
  owner = await signUp(t, "crop.owner@agence.fr", { name: "Léonie Cadrage" });
  ws = await createWorkspace(owner, "Galerie Côté Cour");
  const res = await upload(owner, ws, await twoColours(), "diptyque.jpg");
  expect(res.statusCode).toBe(201);
  mediaId = res.json().id;
});
afterAll(() => t.close());

const put = (preset: string, payload: unknown, lang = "fr") =>
  owner.request({
    method: "PUT",
    url: `/api/workspaces/${ws}/media/${mediaId}/renditions/${preset}`,
    payload: payload as never,
    headers: { "accept-language": lang },
  });

describe("hand-adjusted crops", () => {
  it("renders exactly the chosen rectangle, at the exact preset size", async () => {
    const blue = await put("1:1", { crop: { x: 560, y: 100, width: 400, height: 400 } });
    expect(blue.statusCode, blue.body).toBe(200);
    expect(blue.json()).toMatchObject({ preset: "1:1", width: 400, height: 400, crop: { x: 560, y: 100 } });
    const file = await owner.get(`/api/workspaces/${ws}/media/${mediaId}/renditions/1:1`);
    const meta = await sharp(file.rawPayload).metadata();
    expect([meta.width, meta.height]).toEqual([400, 400]);
    const [r, , b] = await meanColour(file.rawPayload);
    expect(b).toBeGreaterThan(150);
    expect(r).toBeLessThan(60);

    // The same preset re-cropped on the red half replaces the rendition.
    const red = await put("1:1", { crop: { x: 20, y: 0, width: 450, height: 450 } });
    expect(red.json()).toMatchObject({ width: 450, height: 450 });
    const again = await owner.get(`/api/workspaces/${ws}/media/${mediaId}/renditions/1:1`);
    expect((await meanColour(again.rawPayload))[0]).toBeGreaterThan(180);
  });

  it("keeps every preset's ratio exact, even from a box rounded a pixel off", async () => {
    const cases: [string, { x: number; y: number; width: number; height: number }, [number, number]][] = [
      ["4:5", { x: 10, y: 0, width: 481, height: 600 }, [480, 600]],
      ["1.91:1", { x: 0, y: 100, width: 955, height: 500 }, [955, 500]],
      ["9:16", { x: 600, y: 0, width: 337, height: 600 }, [333, 592]],
    ];
    for (const [preset, crop, size] of cases) {
      const res = await put(preset, { crop });
      expect(res.statusCode, preset).toBe(200);
      expect([res.json().width, res.json().height], preset).toEqual(size);
    }
  });

  it("refuses a rectangle outside the image with a translated 400, and changes nothing", async () => {
    const before = (await owner.get(`/api/workspaces/${ws}/media/${mediaId}/renditions`)).json();
    for (const crop of [
      { x: 700, y: 0, width: 400, height: 400 },
      { x: 0, y: 300, width: 400, height: 400 },
      { x: 0, y: 0, width: 1001, height: 600 },
    ]) {
      const res = await put("1:1", { crop });
      expect(res.statusCode, JSON.stringify(crop)).toBe(400);
      expect(res.json().error).toMatchObject({ code: "crop_outside_image" });
      expect(res.json().error.details[0].path).toBe("body.crop");
      expect(res.json().error.message).toContain("1000 × 600 pixels");
    }
    const en = await put("1:1", { crop: { x: 999, y: 599, width: 2, height: 2 } }, "en");
    expect(en.json().error.message).toMatch(/^The crop box goes outside the image/);
    for (const crop of [
      { x: -1, y: 0, width: 10, height: 10 },
      { x: 0, y: 0, width: 0, height: 10 },
      { x: 1.5, y: 0, width: 10, height: 10 },
    ]) {
      expect((await put("1:1", { crop })).statusCode, JSON.stringify(crop)).toBe(400);
    }
    expect((await owner.get(`/api/workspaces/${ws}/media/${mediaId}/renditions`)).json()).toEqual(before);
  });

  it("is what the publisher gets for that preset; the original otherwise", async () => {
    await put("1:1", { crop: { x: 560, y: 100, width: 400, height: 400 } });
    const [square] = await mediaForPublishing(t.ctx, ws, [mediaId], "1:1");
    const bytes = await square?.read();
    const meta = await sharp(bytes).metadata();
    expect([meta.width, meta.height]).toEqual([400, 400]);
    expect((await meanColour(bytes as Buffer))[2]).toBeGreaterThan(150);
    const [original] = await mediaForPublishing(t.ctx, ws, [mediaId]);
    expect([original?.width, original?.height]).toEqual([1000, 600]);
  });
});
