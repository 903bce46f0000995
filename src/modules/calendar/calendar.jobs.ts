import { defineJob } from "../../jobs/job.js";
import { materialiseOccurrences, recycleEvergreen } from "./recycling.service.js";

/** Creates the next day's occurrences of recurring posts as real posts (each with its own targets). */
export const materialiseOccurrencesJob = defineJob({
  name: "calendar.materialise-occurrences",
  description: "Create recurring posts' occurrences due within 26 hours as scheduled child posts",
  cron: "*/10 * * * *",
  retryLimit: 2,
  async handler(ctx) {
    const created = await materialiseOccurrences(ctx);
    if (created) ctx.logger.info({ created }, "recurring occurrences created");
  },
});

/** Re-queues published evergreen posts into a free slot once their minimum gap has passed. */
export const recycleEvergreenJob = defineJob({
  name: "calendar.recycle-evergreen",
  description: "Schedule a new copy of each published evergreen post in the next free slot after its gap",
  cron: "7 * * * *",
  retryLimit: 2,
  async handler(ctx) {
    const recycled = await recycleEvergreen(ctx);
    if (recycled) ctx.logger.info({ recycled }, "evergreen posts re-queued");
  },
});
