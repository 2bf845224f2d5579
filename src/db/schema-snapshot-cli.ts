import { writeFile } from 'node:fs/promises';
import { migratedSchema, SNAPSHOT_FILE } from './schema-snapshot.ts';

// npm run schema:snapshot — rewrites migrations/schema.snapshot.sql after a migration changed the schema on purpose (the
// schema snapshot test compares a freshly migrated database with it).
const server = process.env.TEST_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432';
await writeFile(SNAPSHOT_FILE, await migratedSchema(server));
console.log(`wrote ${SNAPSHOT_FILE.pathname}`);
