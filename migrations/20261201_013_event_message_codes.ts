import type { Knex } from 'knex';

// A tracing-center message also gets a code and its values, which the web UI words in the reader's language; the English
// text stays for API clients.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER TABLE trace_events
      ADD COLUMN message_code text CHECK (message_code ~ '^[a-z][a-z_]{0,63}$'),
      ADD COLUMN message_params jsonb CHECK (message_params IS NULL OR jsonb_typeof(message_params) = 'object');
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE trace_events DROP COLUMN message_code, DROP COLUMN message_params');
}
