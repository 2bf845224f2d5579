import { once } from 'node:events';
import type { Server } from 'node:http';
import { createApp } from './app.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { createDb, ensureDatabase, type Db } from './db/knex.ts';
import { migrateToLatest, pendingMigrations } from './db/migrate.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { createLogger } from './logger.ts';
import { startPipeline, type Pipeline } from './queue/pipeline.ts';

function configOrExit(overrides: Partial<NodeJS.ProcessEnv>): Config {
  try {
    return loadConfig({ ...process.env, ...overrides });
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

async function waitForMigrations(db: Db, logger: Logger): Promise<void> {
  for (let logged = false; ; logged = true) {
    const pending = await pendingMigrations(db).catch(() => -1);
    if (pending === 0) return;
    if (!logged) logger.info('waiting for the API to create and migrate the database');
    await sleep(1_000);
  }
}

/** Starts what PROCESS_ROLES asks for (API, worker or both), and stops it cleanly on SIGTERM/SIGINT. */
export async function run(overrides: Partial<NodeJS.ProcessEnv> = {}): Promise<void> {
  const config = configOrExit(overrides);
  const roles = config.PROCESS_ROLES.split(',');
  const logger = createLogger(config.LOG_LEVEL);
  let db;
  if (roles.includes('api')) {
    await ensureDatabase(config.DATABASE_URL);
    db = createDb(config.DATABASE_URL, config.DB_POOL_MAX);
    const applied = await migrateToLatest(db);
    if (applied.length) logger.info({ applied }, 'migrations applied');
  } else {
    // A worker alone leaves migrations to the API, so scaled workers never race for the migration lock.
    db = createDb(config.DATABASE_URL, config.DB_POOL_MAX);
    await waitForMigrations(db, logger);
  }

  let server: Server | undefined;
  let pipeline: Pipeline | undefined;
  if (roles.includes('worker')) pipeline = await startPipeline(config, db, logger);
  if (roles.includes('api')) {
    const sla = { urgentHours: config.SLA_URGENT_HOURS, routineDays: config.SLA_ROUTINE_DAYS };
    server = createApp({ db, logger, sla }).app.listen(config.PORT);
    await once(server, 'listening');
    logger.info({ port: config.PORT }, 'rastreo api listening');
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    await Promise.all([
      server ? new Promise<void>((resolve) => server.close(() => resolve())) : undefined,
      pipeline?.close(),
    ]);
    await db.destroy();
    logger.info('stopped');
    process.exit(0);
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void stop(signal));
}
