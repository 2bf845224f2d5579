import type { Knex } from 'knex';
import { migrations } from '../../migrations/index.ts';
import { loadDatabaseCode } from './database-code.ts';
import { ensureMonthPartitions } from './partitions.ts';

const source: Knex.MigrationSource<string> = {
  getMigrations: async () => Object.keys(migrations).sort(),
  getMigrationName: (name) => name,
  getMigration: async (name) => migrations[name]!,
};

export const migrationConfig: Knex.MigratorConfig = { migrationSource: source, tableName: 'knex_migrations' };

/** Applies the pending migrations, then (re)loads the database code they leave to `src/<domain>/sql` (see database-code.ts). */
export async function migrateToLatest(db: Knex): Promise<string[]> {
  const [, applied] = (await db.migrate.latest(migrationConfig)) as [number, string[]];
  await loadDatabaseCode(db);
  await ensureMonthPartitions(db);
  return applied;
}

export async function pendingMigrations(db: Knex): Promise<number> {
  const [, pending] = (await db.migrate.list(migrationConfig)) as [unknown[], unknown[]];
  return pending.length;
}
