import { loadConfig } from '../config.ts';
import { createDb, ensureDatabase } from './knex.ts';
import { migrateToLatest } from './migrate.ts';

const config = loadConfig();
await ensureDatabase(config.DATABASE_URL);
const db = createDb(config.DATABASE_URL, 1);
try {
  const applied = await migrateToLatest(db);
  console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
} finally {
  await db.destroy();
}
