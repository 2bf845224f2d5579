import type { Knex } from 'knex';

// Reports count traces by recovery date over a region: with the outcome and time-to-crime as stored columns, a covering
// index answers the common reports (by outcome, month, department) with an index-only scan.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER TABLE traces
      ADD COLUMN outcome text GENERATED ALWAYS AS
        (CASE WHEN status IN ('completed', 'not_traceable') THEN result->>'outcome' END) STORED,
      ADD COLUMN time_to_crime_days int GENERATED ALWAYS AS ((result->>'timeToCrimeDays')::int) STORED;
    CREATE INDEX traces_report ON traces (agency_id, recovery_date)
      INCLUDE (status, outcome, time_to_crime_days, recovery_department)
      WHERE status NOT IN ('draft', 'cancelled');
    -- The queue's default view (pending_review, failed) is a small part of the open statuses: its own partial index.
    CREATE INDEX traces_default_queue ON traces (urgent DESC, status_changed_at, id) WHERE status IN ('pending_review', 'failed');
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(
    'DROP INDEX traces_default_queue, traces_report; ALTER TABLE traces DROP COLUMN outcome, DROP COLUMN time_to_crime_days',
  );
}
