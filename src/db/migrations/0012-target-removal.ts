import { type Kysely, sql } from "kysely";

/**
 * A published copy can be removed from its network from Relais (connector.delete). The target keeps its
 * history (status stays `published`: it was published) and records when and by whom it was taken down;
 * metric snapshots and interaction links stop for it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable("post_targets")
    .addColumn("removed_at", "timestamptz")
    .addColumn("removed_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .execute();
  await sql`comment on column post_targets.removed_at is 'When the published copy was deleted from the network'`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("post_targets").dropColumn("removed_by").dropColumn("removed_at").execute();
}
