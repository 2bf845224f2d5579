import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    -- The advisor queue: urgent first, then longest waiting, over the statuses an advisor acts on or watches.
    CREATE INDEX traces_review_queue ON traces (urgent DESC, status_changed_at, id)
      WHERE status IN ('pending_review', 'queued', 'in_progress', 'needs_info', 'failed');
    CREATE INDEX traces_review_queue_agency ON traces (agency_id, urgent DESC, status_changed_at, id)
      WHERE status IN ('pending_review', 'queued', 'in_progress', 'needs_info', 'failed');
    CREATE INDEX traces_completed_at ON traces (completed_at) WHERE completed_at IS NOT NULL;
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX traces_review_queue, traces_review_queue_agency, traces_completed_at');
}
