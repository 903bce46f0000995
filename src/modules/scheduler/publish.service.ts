import type { AppContext } from "../../context.js";

/** Claims and publishes the given targets (implementation in progress). */
export async function publishTargets(ctx: AppContext, targetIds: string[]): Promise<void> {
  ctx.logger.warn({ targetIds }, "scheduler.publish-target: publishing not implemented yet");
}
