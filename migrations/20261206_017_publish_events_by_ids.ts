import type { Knex } from 'knex';

/**
 * Events are published by their ids now (src/events/sql/events.sql: one function writes the webhook outbox rows and
 * sends the notifications for every trigger): the version over an id range goes, the database code brings the new one.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('DROP FUNCTION IF EXISTS publish_events(bigint, bigint, boolean)');
}

export async function down(): Promise<void> {
  // The old function is in migration 011; going back means re-running it.
}
