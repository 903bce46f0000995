import type { AppContext } from "../../context.js";

/** The queue name of the job that publishes one target (see scheduler.jobs.ts). */
export const PUBLISH_JOB = "scheduler.publish-target";

/**
 * Sends the job that publishes `targetId` at `runAt`. The caller has already set the target
 * `status='scheduled', next_attempt_at=runAt` (and committed: the job may run at once).
 *
 * The singleton key is target + instant: sending the same schedule twice queues one job (the queue's
 * "short" policy refuses a second queued job with the key), while a reschedule sends a new job and the
 * old one finds nothing to claim (its target's next_attempt_at moved). Returns the job id, or null when
 * that exact job is already queued.
 */
export async function enqueueTarget(
  ctx: Pick<AppContext, "jobs">,
  input: { targetId: string; runAt: Date },
): Promise<string | null> {
  return ctx.jobs.send(
    PUBLISH_JOB,
    { targetId: input.targetId },
    { startAfter: input.runAt, singletonKey: `${input.targetId}:${input.runAt.toISOString()}` },
  );
}
