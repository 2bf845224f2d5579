import type { Knex } from 'knex';

/**
 * PL/pgSQL functions and triggers live in `src/<domain>/sql/*.sql` and are (re)loaded after the migrations by
 * `loadDatabaseCode` whenever their text changes; this row remembers the hash of what was loaded last.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE database_code (
      only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
      hash text NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
      loaded_at timestamptz NOT NULL DEFAULT now()
    );
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE database_code');
}
