import type { Knex } from 'knex';

const VERSIONED = ['traces', 'cases', 'stockpile_items', 'destruction_events'];

/**
 * A version per record, for strong ETags and If-Match: it starts at 1 and the database itself adds one on every UPDATE,
 * so no write path can change a record without changing its version.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE FUNCTION next_version() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      NEW.version := OLD.version + 1;
      RETURN NEW;
    END $$;
    -- A stored idempotent answer keeps the version its record had then, for the replay's ETag.
    ALTER TABLE idempotency_keys ADD COLUMN version integer;
    ${VERSIONED.map(
      (table) => `
    ALTER TABLE ${table} ADD COLUMN version integer NOT NULL DEFAULT 1 CHECK (version >= 1);
    CREATE TRIGGER ${table}_version BEFORE UPDATE ON ${table} FOR EACH ROW EXECUTE FUNCTION next_version();`,
    ).join('')}
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    ${VERSIONED.map((table) => `DROP TRIGGER ${table}_version ON ${table}; ALTER TABLE ${table} DROP COLUMN version;`).join('\n')}
    DROP FUNCTION next_version();
    ALTER TABLE idempotency_keys DROP COLUMN version;
  `);
}
