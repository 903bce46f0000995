import { type Kysely, sql } from "kysely";

/**
 * The delivery outbox of alert notifications (docs/ALERTS.md, "Notifications").
 * - alert_deliveries: one row per immediate e-mail (per recipient), per webhook POST (per batch of matches)
 *   and per digest e-mail (per recipient), written in the transaction that claims its matches or builds
 *   its digest. The id is permanent: it is the webhook's Idempotency-Key / X-Relais-Delivery and the
 *   e-mail's Message-ID, so a re-send after a crash is recognisable. Sending claims a row
 *   pending → sending with a lease (SKIP LOCKED); the outcome is sent, pending again with next_attempt_at
 *   (transient failure, backoff), failed (permanent, or attempts / age exhausted) or cancelled (the alert
 *   no longer has that recipient or webhook). A row left in sending past its lease (a process killed
 *   mid-send) goes back to pending: delivery is at least once.
 * No foreign-key cycle: alert_deliveries references workspaces, alerts and alert_digests, none of which
 * references it (backups restore tables in dependency order).
 *
 * Digests still pending when this runs (built by the previous code, not yet sent) are queued here, so the
 * upgrade loses none; they move to `sending`, which the previous code never claims.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("alert_deliveries")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("workspace_id", "uuid", (c) => c.notNull().references("workspaces.id").onDelete("cascade"))
    .addColumn("alert_id", "uuid", (c) => c.notNull().references("alerts.id").onDelete("cascade"))
    .addColumn("channel", "text", (c) => c.notNull().check(sql`channel in ('email', 'webhook', 'digest')`))
    .addColumn("recipient", "text")
    .addColumn("match_ids", "jsonb", (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn("digest_id", "uuid", (c) => c.references("alert_digests.id").onDelete("cascade"))
    .addColumn("status", "text", (c) =>
      c.notNull().defaultTo("pending").check(sql`status in ('pending', 'sending', 'sent', 'failed', 'cancelled')`),
    )
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("next_attempt_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("lease_until", "timestamptz")
    .addColumn("last_error", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("sent_at", "timestamptz")
    .addCheckConstraint(
      "alert_deliveries_shape",
      sql`(channel = 'webhook' and recipient is null and digest_id is null)
       or (channel = 'email' and recipient is not null and digest_id is null)
       or (channel = 'digest' and recipient is not null and digest_id is not null)`,
    )
    .execute();
  await sql`create index alert_deliveries_due_idx on alert_deliveries (next_attempt_at) where status = 'pending'`.execute(
    db,
  );
  await sql`create index alert_deliveries_lease_idx on alert_deliveries (lease_until) where status = 'sending'`.execute(
    db,
  );
  await sql`create index alert_deliveries_alert_idx on alert_deliveries (alert_id, created_at desc)`.execute(db);
  await sql`create index alert_deliveries_digest_idx on alert_deliveries (digest_id) where digest_id is not null`.execute(
    db,
  );

  // Digests the previous code built but had not sent yet: one delivery per recipient.
  await sql`
    with moved as (
      update alert_digests d set status = 'sending'
       where d.status = 'pending' and d.match_count > 0
         and exists (select 1 from alerts a where a.id = d.alert_id and jsonb_array_length(a.email_recipients) > 0)
      returning d.id, d.workspace_id, d.alert_id)
    insert into alert_deliveries (workspace_id, alert_id, channel, recipient, digest_id)
    select m.workspace_id, m.alert_id, 'digest', r.recipient, m.id
      from moved m
      join alerts a on a.id = m.alert_id
      cross join lateral jsonb_array_elements_text(a.email_recipients) as r(recipient)`.execute(db);
  await sql`update alert_digests set status = 'failed', error = 'nothing to send' where status = 'pending'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("alert_deliveries").execute();
}
