import { describe, expect, it } from "vitest";
import { HEX } from "../publishing/networks";
import type { CalendarRange } from "../publishing/types";
import { type EventProps, toEvents } from "./calendar-events";

const A = "6e9ba50b-e47c-4efa-a363-b5d7e0abe2ea";
const B = "29929a68-c3b4-4b15-a66a-92342bc36988";
const C = "c8a65b5c-be62-4afa-aef3-64dbdac855b3";
const P = "58093b02-528f-4dc8-9128-d92e79fb6521";

const range: CalendarRange = {
  timezone: "Europe/Paris",
  from: "2030-03-01T00:00:00.000Z",
  to: "2030-04-01T00:00:00.000Z",
  accounts: {
    [A]: { name: "Musée 🦋", handle: "@musee.bsky.social", network: "bluesky" },
    [B]: { name: "Musée @ piaille.fr", handle: null, network: "mastodon" },
  },
  campaigns: { [C]: { name: "Soldes d'été", color: "#e8590c" } },
  tags: {},
  entries: [
    {
      postId: P,
      key: P,
      status: "scheduled",
      excerpt: "Vernissage jeudi 🎨",
      scheduledAt: "2030-03-28T17:00:00.000Z",
      scheduledLocal: "2030-03-28T18:00",
      campaignId: C,
      targets: [
        { id: "1d4e3d23-a0ac-4218-bfc1-cba21b2c7f2a", accountId: A, status: "scheduled" },
        { id: "74cfe1c2-3e61-4118-84c4-252d21a69f29", accountId: B, status: "scheduled" },
      ],
      version: 3,
    },
    {
      postId: P,
      key: `${P}@2030-03-31T07:00:00.000Z`,
      status: "scheduled",
      excerpt: "",
      scheduledAt: "2030-03-31T07:00:00.000Z",
      scheduledLocal: "2030-03-31T09:00",
      targets: [{ id: "9d3de435-ebf0-43ba-bacd-3051c1a6e8c8", accountId: B, status: "scheduled" }],
      recurrence: "FREQ=WEEKLY",
      occurrence: { seriesId: P },
      version: 3,
    },
  ],
};

describe("calendar entries as events", () => {
  it("takes networks and colours from the range's accounts and campaigns, by id", () => {
    const [post, occurrence] = toEvents(range, "Europe/Paris", "network");
    expect((post?.extendedProps as EventProps).networks).toEqual(["bluesky", "mastodon"]);
    expect((post?.extendedProps as EventProps).accounts[B]?.name).toBe("Musée @ piaille.fr");
    expect(post).toMatchObject({ id: P, start: "2030-03-28T18:00:00", title: "Vernissage jeudi 🎨", editable: true });
    expect(post?.backgroundColor).not.toBe(HEX.gray);
    // A future occurrence of a series is not dragged (the series is); an empty excerpt still shows something.
    expect(occurrence).toMatchObject({ editable: false, title: "…" });
    const byCampaign = toEvents(range, "Europe/Paris", "campaign");
    expect(byCampaign[0]?.backgroundColor).toBe("#e8590c");
    expect(byCampaign[1]?.backgroundColor).toBe(HEX.gray);
  });

  it("shows another zone's wall clock when the page's zone differs from the range's", () => {
    const [post] = toEvents(range, "America/Montreal", "network");
    expect(post?.start).toBe("2030-03-28T13:00:00");
  });

  it("is empty before the range has loaded", () => {
    expect(toEvents(undefined, "Europe/Paris", "network")).toEqual([]);
  });
});
