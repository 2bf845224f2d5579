import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { createDb, ensureDatabase, type Db } from './db/knex.ts';
import { migrateToLatest, pendingMigrations } from './db/migrate.ts';
import { createLogger } from './logger.ts';
import { Metrics } from './operations/metrics.ts';
import { startPipeline, type Pipeline } from './queue/pipeline.ts';
import { createRedis } from './queue/redis.ts';
import { createTraceQueue } from './queue/trace-queue.ts';

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

/** Stops accepting, lets in-flight requests finish until the deadline, then cuts what is left. */
async function closeServer(server: Server, deadlineMs: number, logger: Logger): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const timer = setTimeout(() => {
    logger.warn('requests still running at the shutdown deadline; closing their connections');
    server.closeAllConnections();
  }, deadlineMs);
  await closed;
  clearTimeout(timer);
}

/** Starts what PROCESS_ROLES asks for (API, worker or both), and stops it cleanly on SIGTERM/SIGINT. */
export async function run(overrides: Partial<NodeJS.ProcessEnv> = {}): Promise<void> {
  const config = configOrExit(overrides);
  const roles = config.PROCESS_ROLES.split(',');
  const logger = createLogger(config.LOG_LEVEL);
  const dbOptions = { poolMax: config.DB_POOL_MAX, acquireTimeoutMs: config.DB_ACQUIRE_TIMEOUT_MS, statementTimeoutMs: config.DB_STATEMENT_TIMEOUT_MS };
  let db: Db;
  if (roles.includes('api')) {
    await ensureDatabase(config.DATABASE_URL);
    db = createDb(config.DATABASE_URL, dbOptions);
    const applied = await migrateToLatest(db);
    if (applied.length) logger.info({ applied }, 'migrations applied');
  } else {
    // A worker alone leaves migrations to the API, so scaled workers never race for the migration lock.
    db = createDb(config.DATABASE_URL, dbOptions);
    await waitForMigrations(db, logger);
  }

  const metrics = new Metrics();
  const redis = createRedis(config.REDIS_URL, 'producer');
  redis.on('error', (error) => logger.debug({ err: error }, 'redis connection error'));
  const queue = createTraceQueue(redis, config.QUEUE_PREFIX);
  queue.on('error', (error) => logger.debug({ err: error }, 'queue error'));

  let pipeline: Pipeline | undefined;
  if (roles.includes('worker')) pipeline = await startPipeline(config, db, logger, { metrics });

  let server: Server;
  if (roles.includes('api')) {
    // Imported here so a worker-only process never loads the HTTP side (express, pdfkit, bull-board, schemas).
    const { createApp } = await import('./app.ts');
    const { app } = createApp({
      db, logger, redis, queue, metrics,
      sla: { urgentHours: config.SLA_URGENT_HOURS, routineDays: config.SLA_ROUTINE_DAYS },
      rateLimit: {
        windowMs: config.RATE_LIMIT_WINDOW_MS, max: config.RATE_LIMIT_MAX, anonymousMax: config.RATE_LIMIT_ANONYMOUS_MAX,
        prefix: `${config.QUEUE_PREFIX}:rate-limit:`,
      },
      corsOrigins: config.CORS_ORIGINS ? config.CORS_ORIGINS.split(',') : [],
      requestTimeoutMs: config.REQUEST_TIMEOUT_MS,
      webRoot: config.WEB_ROOT,
    });
    server = app.listen(config.PORT);
    server.requestTimeout = config.REQUEST_TIMEOUT_MS + 5_000;
    await once(server, 'listening');
    logger.info({ port: config.PORT }, 'rastreo api listening');
  } else {
    metrics.watch(db, queue);
    server = createServer((req, res) => {
      if (req.url !== '/metrics') {
        res.writeHead(404).end();
        return;
      }
      void metrics.registry.metrics().then((text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text));
    }).listen(config.WORKER_METRICS_PORT);
    await once(server, 'listening');
    logger.info({ port: config.WORKER_METRICS_PORT }, 'worker metrics listening');
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    await Promise.all([closeServer(server, config.SHUTDOWN_TIMEOUT_MS, logger), pipeline?.close()]);
    await queue.close().catch(() => undefined);
    redis.disconnect();
    await db.destroy();
    logger.info('stopped');
    process.exit(0);
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void stop(signal));
}
