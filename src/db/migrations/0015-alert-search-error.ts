import { type Kysely, sql } from "kysely";

/**
 * The network search's last error gets its own columns (network_error, network_error_at). Until now it
 * shared last_error with the delivery failures (a webhook or an e-mail refused for good): a successful
 * search erased a delivery failure the CM had to see, and a failed one replaced it. Now each run of the
 * network search writes only network_error (cleared when it succeeds) and a delivery only last_error.
 *
 * A search error already stored in last_error moves over: those read "<network>: <message>" (a lowercase
 * network id), while delivery failures start with their channel ("E-mail", "Webhook", "Résumé par e-mail").
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable("alerts")
    .addColumn("network_error", "text")
    .addColumn("network_error_at", "timestamptz")
    .execute();
  await sql`
    update alerts
       set network_error = last_error, network_error_at = last_error_at, last_error = null, last_error_at = null
     where last_error ~ '^[a-z_]+: '`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    update alerts
       set last_error = network_error, last_error_at = network_error_at
     where network_error is not null and last_error is null`.execute(db);
  await db.schema.alterTable("alerts").dropColumn("network_error").dropColumn("network_error_at").execute();
}
