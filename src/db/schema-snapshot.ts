import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { createDb, dropDatabase, ensureDatabase } from './knex.ts';
import { migrateToLatest } from './migrate.ts';

/** The committed picture of the schema every migration leads to (tables, constraints, indexes, functions, triggers). */
export const SNAPSHOT_FILE = new URL('../../migrations/schema.snapshot.sql', import.meta.url);

/**
 * `pg_dump --schema-only` of a database, without what differs between machines and runs (comments, SET lines, the
 * dump's version header, the random key of its `\restrict` guard): any change to a table, constraint, index, function or trigger shows as a diff in review.
 */
export async function dumpSchema(url: string): Promise<string> {
  const { stdout } = await promisify(execFile)(
    'pg_dump',
    // Month partitions (audit_log_2026_12…) depend on the day the dump is made: the partitioned parent stands for them.
    [
      '--schema-only',
      '--no-owner',
      '--no-privileges',
      '--no-comments',
      '--exclude-table=public.*_[0-9][0-9][0-9][0-9]_[0-9][0-9]',
      '--dbname',
      url,
    ],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  return (
    stdout
      .split('\n')
      .filter((line) => !line.startsWith('--') && !/^SET |^SELECT pg_catalog\.set_config|^\\(un)?restrict /.test(line))
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trim() + '\n'
  );
}

/** Migrates a fresh database on `server` and dumps its schema. */
export async function migratedSchema(server: string): Promise<string> {
  const url = `${server}/rastreo_schema_${randomBytes(4).toString('hex')}`;
  await ensureDatabase(url);
  try {
    const db = createDb(url, 1);
    try {
      await migrateToLatest(db);
    } finally {
      await db.destroy();
    }
    return await dumpSchema(url);
  } finally {
    await dropDatabase(url);
  }
}
