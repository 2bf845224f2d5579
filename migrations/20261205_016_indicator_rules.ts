import type { Knex } from 'knex';

/**
 * The indicator functions take their thresholds as an argument now (src/intelligence/rules.ts): the versions without it
 * go, and the database code loaded after the migrations (src/intelligence/sql/indicators.sql) brings the new ones.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    DROP FUNCTION IF EXISTS record_indicator_outbox(integer), record_indicators(uuid[]), indicator_candidates(uuid[]),
      indicator_met(text, integer, integer);
  `);
}

export async function down(): Promise<void> {
  // The old functions are in migration 012; going back means re-running it.
}
