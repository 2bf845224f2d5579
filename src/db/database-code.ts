import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Knex } from 'knex';

/**
 * The database's own code — PL/pgSQL functions and triggers, for what must be atomic with the change that causes it —
 * as files beside the domain that owns each, in the order they load (the platform's first). Each file is idempotent
 * (`CREATE OR REPLACE`), so a change to a function is a change to its file; a function or trigger that goes away still
 * needs a migration that drops it. The build copies these files next to the compiled code.
 */
export const DATABASE_CODE = [
  'db/sql/records.sql',
  'db/sql/partitions.sql',
  'traces/sql/counts.sql',
  'stockpile/sql/destroyed-items.sql',
  'destructions/sql/finished-destructions.sql',
  'events/sql/events.sql',
  'intelligence/sql/indicators.sql',
  'attachments/sql/kept-attachments.sql',
] as const;

const SRC = new URL('../', import.meta.url);

/**
 * Loads the database code after the migrations, in one transaction, when its text differs from what was loaded last
 * (a hash in `database_code`): processes that start together take turns on an advisory lock, and the second finds
 * nothing to do, so no start replaces a function under the feet of running statements without need.
 */
export async function loadDatabaseCode(db: Knex): Promise<boolean> {
  const texts = await Promise.all(DATABASE_CODE.map((file) => readFile(new URL(file, SRC), 'utf8')));
  const hash = createHash('sha256').update(texts.join('\n;\n')).digest('hex');
  return db.transaction(async (trx) => {
    await trx.raw("SELECT pg_advisory_xact_lock(hashtext('rastreo_database_code'))");
    const loaded = await trx('database_code').first('hash');
    if (loaded?.hash === hash) return false;
    for (const text of texts) await trx.raw(text);
    await trx.raw(
      `INSERT INTO database_code (hash) VALUES (?) ON CONFLICT (only_row) DO UPDATE SET hash = EXCLUDED.hash, loaded_at = now()`,
      [hash],
    );
    return true;
  });
}
