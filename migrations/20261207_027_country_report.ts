import type { Knex } from 'knex';

/**
 * The country report (contract, 2026-12-05; issue 34) counts the guns recovered in one country in one calendar year:
 * one range of this index per report, with what the counting reads beside the key.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE INDEX traces_country_report ON traces (recovery_country, recovery_date)
      INCLUDE (weapon_id, status, outcome, time_to_crime_days)
      WHERE status NOT IN ('draft', 'cancelled');
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`DROP INDEX traces_country_report`);
}
