import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import type { TestProject } from 'vitest/node';
import { createDb, dropDatabase, ensureDatabase } from '../../src/db/knex.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    /** The web UI, built once per run from the sources under test. */
    webRoot: string;
  }
}

const SERVER = process.env.TEST_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432';

export default async function setup(project: TestProject) {
  const databaseUrl = `${SERVER}/rastreo_test_${process.pid}_${randomBytes(3).toString('hex')}`;
  await ensureDatabase(databaseUrl);
  const db = createDb(databaseUrl, 1);
  await migrateToLatest(db);
  await db.destroy();
  project.provide('databaseUrl', databaseUrl);
  const webRoot = await mkdtemp(join(tmpdir(), 'rastreo-web-'));
  // The production build, as `npm run build` makes it: Vite keeps an already set NODE_ENV (vitest's `test`), which would
  // bundle React's development code (40 % more to send, and not what people get).
  const testEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      configFile: 'src/web/vite.config.ts',
      mode: 'production',
      logLevel: 'warn',
      build: { outDir: webRoot, emptyOutDir: true },
    });
  } finally {
    process.env.NODE_ENV = testEnv;
  }
  project.provide('webRoot', webRoot);
  return async () => {
    await dropDatabase(databaseUrl);
    await rm(webRoot, { recursive: true, force: true });
  };
}
