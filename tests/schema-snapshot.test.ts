import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { migratedSchema, SNAPSHOT_FILE } from '../src/db/schema-snapshot.ts';

/**
 * The schema every migration leads to — tables, constraints, indexes, functions and triggers — is committed in
 * migrations/schema.snapshot.sql, so any change to it shows in review. After a migration that changes it on purpose:
 * `npm run schema:snapshot`, and commit the file with the migration.
 */
describe('the database schema', () => {
  it('is what migrations/schema.snapshot.sql says (npm run schema:snapshot after an intended change)', async () => {
    const server = process.env.TEST_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432';
    const actual = await migratedSchema(server);
    const committed = await readFile(SNAPSHOT_FILE, 'utf8');
    expect(actual.split('\n')).toEqual(committed.split('\n'));
  }, 120_000);
});

describe('the database code (src/<domain>/sql)', () => {
  it('loads once per change: processes that start together take turns, and the later ones find nothing to do', async () => {
    const { createDb, dropDatabase, ensureDatabase } = await import('../src/db/knex.ts');
    const { migrateToLatest } = await import('../src/db/migrate.ts');
    const { loadDatabaseCode } = await import('../src/db/database-code.ts');
    const server = process.env.TEST_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432';
    const url = `${server}/rastreo_code_${Math.random().toString(16).slice(2, 10)}`;
    await ensureDatabase(url);
    const db = createDb(url, 4);
    try {
      await migrateToLatest(db);
      expect(await Promise.all([loadDatabaseCode(db), loadDatabaseCode(db), loadDatabaseCode(db)])).toEqual([
        false,
        false,
        false,
      ]);
      // What was loaded differs from the files (a file changed): the next starts reload it, exactly once.
      await db('database_code').update({ hash: '0'.repeat(64) });
      expect((await Promise.all([loadDatabaseCode(db), loadDatabaseCode(db)])).sort()).toEqual([false, true]);
    } finally {
      await db.destroy();
      await dropDatabase(url);
    }
  }, 120_000);
});
