import { defineJob } from "../../jobs/job.js";
import * as invitations from "../members/members.service.js";
import * as auth from "./auth.service.js";

/** Deletes expired sessions and long-expired invitations. Proves the worker and scheduler roles run. */
export const purgeExpiredJob = defineJob({
  name: "auth.purge-expired",
  description: "Delete expired sessions and invitations expired for more than 30 days",
  cron: "*/15 * * * *",
  retryLimit: 2,
  async handler(ctx) {
    const sessions = await auth.purgeExpiredSessions(ctx);
    const invites = await invitations.purgeExpiredInvitations(ctx, 30);
    ctx.logger.info({ sessions, invitations: invites }, "purged expired sessions and invitations");
  },
});
