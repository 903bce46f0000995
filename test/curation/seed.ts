import type { Caller } from "../helpers/app.js";

/** A topic with one entry (title given: nothing fetched), a press review of it and a weekly schedule. */
export async function seedCuration(
  owner: Caller,
  workspaceId: string,
): Promise<{ topicId: string; entryId: string; reviewId: string }> {
  const base = `/api/workspaces/${workspaceId}`;
  const topic = await owner.post(`${base}/topics`, { name: "Veille musées", description: "Ce qui se dit de nous" });
  if (topic.statusCode !== 201) throw new Error(`topic: ${topic.statusCode} ${topic.body}`);
  const topicId = topic.json().id as string;
  const entry = await owner.post(`${base}/topics/${topicId}/entries`, {
    url: "https://exemple.fr/culture/nuit-des-musees",
    title: "La Nuit des musées bat des records",
    description: "Plus de 2 millions de visiteurs.",
    insight: "Bon exemple de communication 👏",
    tags: ["musées"],
  });
  if (entry.statusCode !== 201) throw new Error(`entry: ${entry.statusCode} ${entry.body}`);
  const now = Date.now();
  const review = await owner.post(`${base}/reviews`, {
    topicId,
    from: new Date(now - 86_400_000).toISOString(),
    to: new Date(now + 86_400_000).toISOString(),
  });
  if (review.statusCode !== 201) throw new Error(`review: ${review.statusCode} ${review.body}`);
  const schedule = await owner.request({
    method: "PUT",
    url: `${base}/topics/${topicId}/review-schedule`,
    payload: { weekday: 1, time: "09:00", recipients: ["equipe@agence.fr"], title: "Revue de presse" },
  });
  if (schedule.statusCode !== 200) throw new Error(`schedule: ${schedule.statusCode} ${schedule.body}`);
  return { topicId, entryId: entry.json().id, reviewId: review.json().id };
}
