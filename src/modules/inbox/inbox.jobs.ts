import { defineJob } from "../../jobs/job.js";
import { enqueueDueSyncs, SYNC_JOB, syncAccountInteractions } from "./sync.service.js";

/**
 * One account's interactions sync. Policy "stately": at most one queued and one running job per account
 * (singleton key = account id), and the account's sync lease guards the rest. Transient network errors
 * throw, so pg-boss retries with exponential backoff; other outcomes are recorded on the account.
 */
export const syncAccountJob = defineJob<{ workspaceId: string; accountId: string }>({
  name: SYNC_JOB,
  description: "Read new interactions (replies, mentions, quotes, reposts, likes, follows) of one account",
  policy: "stately",
  retryLimit: 4,
  retryDelaySeconds: 30,
  expireInSeconds: 15 * 60,
  work: { batchSize: 1, loops: 2 },
  async handler(ctx, data) {
    const r = await syncAccountInteractions(ctx, data.workspaceId, data.accountId);
    if (r.retry) throw new Error(`interactions sync failed, will retry: ${r.error ?? r.status}`);
    if (r.inserted)
      ctx.logger.info({ accountId: data.accountId, inserted: r.inserted, pages: r.pages }, "interactions synced");
  },
});

/** Every 5 minutes: queue a sync of every active account whose network can be read. */
export const syncDueJob = defineJob({
  name: "inbox.sync-due",
  description: "Queue the interactions sync of every active account (every 5 minutes)",
  cron: "*/5 * * * *",
  retryLimit: 0,
  expireInSeconds: 5 * 60,
  async handler(ctx) {
    await enqueueDueSyncs(ctx);
  },
});
