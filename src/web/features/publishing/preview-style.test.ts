import { describe, expect, it } from "vitest";
import { foldedText, previewStyle } from "./preview-style";

describe("network previews", () => {
  it("fold where each network folds", () => {
    expect(previewStyle("linkedin").seeMoreAt).toBe(210);
    expect(previewStyle("facebook").seeMoreAt).toBe(480);
    expect(previewStyle("instagram").seeMoreAt).toBe(125);
    expect(previewStyle("bluesky").seeMoreAt).toBeNull();
    expect(previewStyle("inconnu").linkCard).toBe("compact");
  });

  it("cut on graphemes, not in the middle of an emoji or a word", () => {
    expect(foldedText("Court", 125)).toBeNull();
    const thumbs = "👍🏽".repeat(130);
    const folded = foldedText(thumbs, 125) as string;
    expect(Array.from(new Intl.Segmenter("fr", { granularity: "grapheme" }).segment(folded))).toHaveLength(125);
    const words = `${"Été à Lyon ".repeat(20)}fin`;
    const cut = foldedText(words, 125) as string;
    expect(cut.length).toBeLessThanOrEqual(125);
    expect(words.startsWith(cut)).toBe(true);
    expect(cut.endsWith(" ")).toBe(false);
    expect(/\S$/.test(cut) && words[cut.length] === " ").toBe(true);
  });
});
