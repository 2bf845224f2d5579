import type { Knex } from 'knex';

/**
 * Each event keeps the snapshot its transaction wrote it under. A reconnecting stream replays the events with a smaller
 * id only if they were not visible in that snapshot of its Last-Event-ID (still in flight then, so possibly never
 * sent): `tx_xmin` alone also replayed events committed long before whenever any transaction of the cluster — another
 * database's included — stayed open a while. Events written before this keep the `tx_xmin` rule.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER TABLE events ADD COLUMN tx_snapshot pg_snapshot;
    ALTER TABLE events ALTER COLUMN tx_snapshot SET DEFAULT pg_current_snapshot();
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE events DROP COLUMN tx_snapshot');
}
