/**
 * Writes the OpenAPI document the API serves at /openapi.json to a file, without a database or Redis (nothing is
 * queried to build it), for the linters and client generators: `tsx scripts/openapi.ts <file>`.
 */
import { writeFileSync } from 'node:fs';
import { createApp } from '../src/app.ts';
import { createDb } from '../src/db/knex.ts';
import { createLogger } from '../src/logger.ts';

const file = process.argv[2];
if (!file) {
  console.error('usage: tsx scripts/openapi.ts <file>');
  process.exit(2);
}
const db = createDb('postgres://127.0.0.1:1/never-connected');
const { openapi } = createApp({ db, logger: createLogger('silent') });
writeFileSync(file, `${JSON.stringify(openapi, null, 2)}\n`);
await db.destroy();
