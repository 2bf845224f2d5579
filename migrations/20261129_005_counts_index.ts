import type { Knex } from 'knex';

// Lets the queue summary count a region's traces by status from the index alone (index-only scan).
export async function up(knex: Knex): Promise<void> {
  await knex.raw('CREATE INDEX traces_agency_status ON traces (agency_id, status)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX traces_agency_status');
}
