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
