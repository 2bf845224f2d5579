import { loadConfig } from '../config.ts';
import { createDb, ensureDatabase } from './knex.ts';
import { migrateToLatest } from './migrate.ts';

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  console.log(`usage: npm run migrate

Creates the database named by DATABASE_URL if it is missing and applies every pending migration (the API does the
same at start). Prints what it applied.`);
} else if (args.length) {
  console.error(`unknown argument: ${args[0]}\nusage: npm run migrate [--help]`);
  process.exitCode = 2;
} else {
  const config = loadConfig();
  await ensureDatabase(config.DATABASE_URL);
  const db = createDb(config.DATABASE_URL, 1);
  try {
    const applied = await migrateToLatest(db);
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
  } finally {
    await db.destroy();
  }
}
