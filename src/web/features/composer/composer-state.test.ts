import { describe, expect, it } from "vitest";
import type { Post } from "../publishing/types";
import { emptyState, inputOf, stateFromPost } from "./composer-state";

const post = {
  id: "p",
  status: "draft",
  body: "Base 🎨",
  linkUrl: null,
  mediaIds: ["m1"],
  campaign: null,
  tags: [],
  planned: { at: "2031-06-12T16:30:00.000Z", local: "2031-06-12T18:30" },
  targets: [
    { accountId: "a", status: "pending", body: null, mediaIds: null, options: { preset: "4:5", title: "Titre" } },
    { accountId: "b", status: "cancelled", body: null, mediaIds: null, options: {} },
  ],
} as unknown as Post;

describe("composer state", () => {
  it("keeps each account's options (image format, title) through a save", () => {
    const input = inputOf(stateFromPost(post, "2031-06-12T18:30"));
    expect(input.targets).toEqual([
      { accountId: "a", body: null, mediaIds: null, options: { preset: "4:5", title: "Titre" } },
    ]);
  });

  it("saves the planned time only when it is one (slot, existing plan or typed), never on a scheduled post", () => {
    const s = stateFromPost(post, "2031-06-12T18:30");
    expect(inputOf(s).plannedLocal).toBe("2031-06-12T18:30");
    expect(inputOf(s, false).plannedLocal).toBeUndefined();
    expect(inputOf(emptyState("2031-01-01T10:00")).plannedLocal).toBeUndefined();
    expect(inputOf(emptyState("2031-01-01T10:00", true)).plannedLocal).toBe("2031-01-01T10:00");
    expect(inputOf({ ...s, scheduledLocal: "" }).plannedLocal).toBeNull();
  });
});
