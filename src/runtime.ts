import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { ConfigError, loadConfig, webhookSecretKey, type Config } from './config.ts';
import { createDb, ensureDatabase, type Db } from './db/knex.ts';
import { migrateToLatest, pendingMigrations } from './db/migrate.ts';
import { createLogger } from './logger.ts';
import { Metrics } from './operations/metrics.ts';
import { startPipeline, type Pipeline } from './worker/pipeline.ts';
import { createRedis } from './platform/redis.ts';
import { replicaRouting } from './db/read-routing.ts';
import { createTraceQueue } from './traces/pipeline/queue.ts';

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

/**
 * Graceful HTTP shutdown without a single reset for a request the server read:
 * - stop accepting connections (the listener closes: new connections are refused, a load balancer moves on);
 * - every answer from now on — the ones in flight included — says `Connection: close`, so its socket ends right after;
 * - keep-alive sockets that are idle are not cut at once (a client may be writing its next request into one at that
 *   very moment: that is where resets come from); each ends when its advertised keep-alive (`Keep-Alive: timeout=5`)
 *   runs out, which clients know and respect, or on its next answer;
 * - whatever is still open at the deadline is cut.
 */
export function gracefulHttp(server: Server, logger: Logger) {
  const inFlight = new Set<ServerResponse>();
  let closing = false;
  server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => {
    if (closing) res.setHeader('Connection', 'close');
    inFlight.add(res);
    res.once('close', () => inFlight.delete(res));
  });
  return {
    get closing() {
      return closing;
    },
    async close(deadlineMs: number): Promise<void> {
      closing = true;
      for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
      // net.Server's close, not http.Server's: the latter also destroys idle keep-alive sockets at once.
      const closed = new Promise<void>((resolve) => net.Server.prototype.close.call(server, () => resolve()));
      const timer = setTimeout(() => {
        logger.warn({ open: inFlight.size }, 'connections still open at the shutdown deadline; closing them');
        server.closeAllConnections();
      }, deadlineMs);
      await closed;
      clearTimeout(timer);
    },
  };
}

/** Starts what PROCESS_ROLES asks for (API, worker or both), and stops it cleanly on SIGTERM/SIGINT. */
export async function run(overrides: Partial<NodeJS.ProcessEnv> = {}): Promise<void> {
  const config = configOrExit(overrides);
  const roles = config.PROCESS_ROLES.split(',');
  const logger = createLogger(config.LOG_LEVEL);
  if (!config.WEBHOOK_SECRET_KEY)
    logger.warn('WEBHOOK_SECRET_KEY is not set: webhook secrets are encrypted with the development key');
  const dbOptions = {
    poolMax: config.DB_POOL_MAX,
    acquireTimeoutMs: config.DB_ACQUIRE_TIMEOUT_MS,
    statementTimeoutMs: config.DB_STATEMENT_TIMEOUT_MS,
    logger,
  };
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
  const redis = createRedis(config, 'producer');
  redis.on('error', (error) => logger.debug({ err: error }, 'redis connection error'));
  const queue = createTraceQueue(redis, config.QUEUE_PREFIX);
  queue.on('error', (error) => logger.debug({ err: error }, 'queue error'));

  // Reports, summaries, intelligence and search may read a streaming replica (READ_DATABASE_URL); the rest, the primary.
  const readDb =
    config.READ_DATABASE_URL && roles.includes('api') ? createDb(config.READ_DATABASE_URL, dbOptions) : undefined;
  const reads = readDb
    ? replicaRouting(db, readDb, redis, logger, {
        maxLagMs: config.READ_REPLICA_MAX_LAG_MS,
        probeMs: 1000,
        prefix: `${config.QUEUE_PREFIX}:reads:`,
        onRead: (from) => metrics.reads.inc({ from }),
      })
    : undefined;

  let pipeline: Pipeline | undefined;
  if (roles.includes('worker')) pipeline = await startPipeline(config, db, logger, { metrics });

  let server: Server;
  let http: ReturnType<typeof gracefulHttp> | undefined;
  let stopApi: (() => Promise<void>) | undefined;
  let closeStreams: (() => void) | undefined;
  if (roles.includes('api')) {
    // Imported here so a worker-only process never loads the HTTP side (express, pdfkit, bull-board, schemas).
    const { createApp } = await import('./app.ts');
    const { objectStoreFrom } = await import('./platform/open-object-store.ts');
    const { sweepOrphans } = await import('./attachments/sweeper.ts');
    const store = await objectStoreFrom(config);
    await store
      .prepare()
      .catch((error: unknown) =>
        logger.warn({ err: error }, 'attachment storage not ready: uploads answer 503 until it is'),
      );
    // Objects whose attachment row never came (a crash between the two) go after an hour; one API process or several.
    const sweeping = setInterval(
      () =>
        void sweepOrphans(db, store, new Date(Date.now() - 3_600_000)).then(
          (removed) => removed && logger.info({ removed }, 'orphan attachment objects removed'),
          (error: unknown) => logger.warn({ err: error }, 'attachment sweep failed'),
        ),
      15 * 60_000,
    );
    sweeping.unref();
    const {
      app,
      stop: stopApp,
      closeStreams: closeAppStreams,
    } = createApp({
      db,
      reads,
      logger,
      redis,
      queue,
      metrics,
      sla: { urgentHours: config.SLA_URGENT_HOURS, routineDays: config.SLA_ROUTINE_DAYS },
      rateLimit: {
        windowMs: config.RATE_LIMIT_WINDOW_MS,
        max: config.RATE_LIMIT_MAX,
        anonymousMax: config.RATE_LIMIT_ANONYMOUS_MAX,
        prefix: `${config.QUEUE_PREFIX}:rate-limit:`,
      },
      corsOrigins: config.CORS_ORIGINS ? config.CORS_ORIGINS.split(',') : [],
      requestTimeoutMs: config.REQUEST_TIMEOUT_MS,
      webRoot: config.WEB_ROOT,
      shuttingDown: () => http?.closing ?? false,
      tokenCacheMs: config.TOKEN_CACHE_MS,
      liveEvents: true,
      webhookAllowPrivateNetworks: config.WEBHOOK_ALLOW_PRIVATE_NETWORKS,
      webhookSecretKey: webhookSecretKey(config),
      attachments: { store, maxBytes: config.ATTACHMENT_MAX_BYTES },
      destructionPhotosRequired: config.DESTRUCTION_PHOTOS_REQUIRED,
    });
    closeStreams = closeAppStreams;
    stopApi = stopApp;
    server = app.listen(config.PORT);
    // The whole request may take an hour: a 20 MiB photograph over a field link. Handlers answer within
    // REQUEST_TIMEOUT_MS of their last progress (an upload's every chunk counts as progress).
    server.requestTimeout = Math.max(config.REQUEST_TIMEOUT_MS + 5_000, 3_600_000);
    http = gracefulHttp(server, logger);
    await once(server, 'listening');
    logger.info({ port: config.PORT }, 'rastreo api listening');
  } else {
    // A worker-only process reports its own metrics; the database- and queue-wide gauges come from the API processes.
    server = createServer((req, res) => {
      if (req.url !== '/metrics') {
        res.writeHead(404).end();
        return;
      }
      void metrics.registry
        .metrics()
        .then((text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text));
    }).listen(config.WORKER_METRICS_PORT);
    await once(server, 'listening');
    logger.info({ port: config.WORKER_METRICS_PORT }, 'worker metrics listening');
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    // Live event streams never end by themselves: end them first (clients reconnect elsewhere with Last-Event-ID).
    closeStreams?.();
    const closeHttp = http
      ? http.close(config.SHUTDOWN_TIMEOUT_MS)
      : new Promise<void>((resolve) => server.close(() => resolve()));
    await Promise.all([closeHttp, pipeline?.close()]);
    await stopApi?.();
    await queue.close().catch(() => undefined);
    redis.disconnect();
    reads?.close();
    await readDb?.destroy();
    await db.destroy();
    logger.info('stopped');
    process.exit(0);
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void stop(signal));
}
