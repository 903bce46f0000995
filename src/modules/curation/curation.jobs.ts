import { defineJob } from "../../jobs/job.js";
import { runDueSchedules } from "./review-schedule.service.js";

/** Weekly press reviews: creates the due ones and sends them (once per period, see review-schedule.service). */
export const pressReviewTickJob = defineJob({
  name: "curation.press-review-tick",
  description: "Create and send the weekly press reviews that are due",
  cron: "* * * * *",
  retryLimit: 0,
  async handler(ctx) {
    const { created, sent } = await runDueSchedules(ctx);
    if (created || sent) ctx.logger.info({ created, sent }, "weekly press reviews");
  },
});
