import { eventRoutes } from './events/routes.ts';
import { EventStreams } from './events/stream.ts';
import { webhookRoutes } from './webhooks/routes.ts';
import { WebhookService } from './webhooks/service.ts';
import { DEVELOPMENT_SECRET_KEY } from './webhooks/secrets.ts';
import { alertRoutes } from './alerts/routes.ts';
import { AlertService } from './alerts/service.ts';
import { registryRoutes } from './registry/routes.ts';
import { RegistryService } from './registry/service.ts';
import type { Queue } from 'bullmq';
import cors from 'cors';
import type { ReadRouting } from './db/read-routing.ts';
import express, { type Express } from 'express';
import helmet from 'helmet';
import type { RedisConnection } from './platform/redis.ts';
import type { Logger } from 'pino';
import { auditRoutes } from './audit/routes.ts';
import { caseRoutes } from './cases/routes.ts';
import { systemClock, type Clock } from './shared/clock.ts';
import type { Db } from './db/knex.ts';
import { Notifications } from './db/notifications.ts';
import { IDENTITY_CHANNEL, registerTokenCache, TokenCache } from './identity/token-cache.ts';
import { destructionRoutes } from './destructions/routes.ts';
import { DestructionService } from './destructions/service.ts';
import { compressResponses } from './http/compression.ts';
import { Api } from './http/api.ts';
import { errorHandler, requestTimeout, unknownRoute } from './http/errors.ts';
import { staticHeaders } from './http/static-headers.ts';
import { verifyJsonShape } from './http/json-shape.ts';
import { requestLog } from './http/request-log.ts';
import { buildOpenApi } from './http/openapi.ts';
import { WEBHOOKS } from './webhooks/openapi.ts';
import { admission, authenticate } from './identity/authenticate.ts';
import { RateLimiter, type RateLimitSettings } from './http/rate-limit.ts';
import { identityRoutes } from './identity/routes.ts';
import { docsRoutes } from './operations/docs.ts';
import { problemPages } from './operations/problem-pages.ts';
import { healthRoutes } from './operations/health.ts';
import { Metrics } from './operations/metrics.ts';
import { queueBoardRoutes } from './operations/queue-board.ts';
import { webUiRoutes } from './operations/web-ui.ts';
import { reportRoutes } from './reports/routes.ts';
import { ReportService } from './reports/service.ts';
import { reviewRoutes } from './review/routes.ts';
import { ReviewQueue, type Sla } from './review/service.ts';
import { stockpileRoutes } from './stockpile/routes.ts';
import { StockpileService } from './stockpile/service.ts';
import { stocktakeRoutes } from './stocktakes/routes.ts';
import { StocktakeService } from './stocktakes/service.ts';
import { TraceBulkImport } from './traces/bulk.ts';
import { traceRoutes } from './traces/routes.ts';
import { TraceService } from './traces/service.ts';
import { weaponRoutes } from './weapons/routes.ts';
import { intelligenceRoutes } from './intelligence/routes.ts';
import { attachmentRoutes } from './attachments/routes.ts';
import { AttachmentService } from './attachments/service.ts';
import { LocalStore } from './platform/local-store.ts';
import type { ObjectStore } from './platform/object-store.ts';

export const API_BASE = '/api/v1';

export interface AppDeps {
  db: Db;
  /** Where replica-eligible reads go (default: the primary, `db`). */
  reads?: ReadRouting;
  logger: Logger;
  clock?: Clock;
  sla?: Sla;
  /** The API's Redis (no offline queue): readiness, rate limiting and the queue board. */
  redis?: RedisConnection;
  queue?: Queue;
  metrics?: Metrics;
  rateLimit?: RateLimitSettings;
  corsOrigins?: string[];
  requestTimeoutMs?: number;
  /** The built web application (index.html + assets); not served when absent. */
  webRoot?: string;
  /** True once the process is shutting down: /readyz answers 503 so load balancers stop sending requests. */
  shuttingDown?: () => boolean;
  /** Remember who a token belongs to for this long (0: look every token up); needs a LISTEN connection, closed by `stop`. */
  tokenCacheMs?: number;
  /** Serve live event streams as events happen (a LISTEN connection, closed by `stop`); without it streams only replay. */
  liveEvents?: boolean;
  /** Webhook URLs may point at loopback, private and link-local addresses (development and tests). */
  webhookAllowPrivateNetworks?: boolean;
  /** The key that encrypts webhook secrets at rest (32 bytes). */
  webhookSecretKey?: Buffer;
  /** Where attachments are kept (default: the local directory `data/attachments`), and the largest one taken. */
  attachments?: { store: ObjectStore; maxBytes: number; tempDir?: string };
  /** A destruction is verified only with before and after photographs (default true). */
  destructionPhotosRequired?: boolean;
}

export function createApp(deps: AppDeps): {
  app: Express;
  api: Api;
  openapi: ReturnType<typeof buildOpenApi>;
  closeStreams(): void;
  stop(): Promise<void>;
} {
  const { db, logger, clock = systemClock, sla = { urgentHours: 24, routineDays: 5 }, redis, queue } = deps;
  const metrics = deps.metrics ?? new Metrics();
  const app = express();
  app.disable('x-powered-by');
  // No hash of every body for a weak ETag: records that carry ETags set strong ones themselves.
  app.set('etag', false);
  app.set('trust proxy', 'loopback');
  app.use(requestLog(logger));
  app.use(metrics.httpMiddleware());
  // No upgrade-insecure-requests: the web UI is also served over plain HTTP inside agency networks (behind no TLS proxy).
  app.use(
    staticHeaders(
      helmet({
        // Attachments are fetched with the bearer token and shown through object URLs (blob:).
        contentSecurityPolicy: { directives: { upgradeInsecureRequests: null, imgSrc: ["'self'", 'data:', 'blob:'] } },
      }),
    ),
  );
  if (deps.corsOrigins?.length)
    app.use(cors({ origin: deps.corsOrigins, exposedHeaders: ['X-Request-Id', 'RateLimit', 'RateLimit-Policy'] }));
  app.use(requestTimeout(deps.requestTimeoutMs ?? 30_000));
  app.use(compressResponses());

  let notifications: Notifications | undefined;
  if (deps.tokenCacheMs || deps.liveEvents) notifications = new Notifications(db, logger);
  if (notifications && deps.tokenCacheMs) {
    const cache = new TokenCache(deps.tokenCacheMs);
    registerTokenCache(db, cache);
    notifications.on(IDENTITY_CHANNEL, (change) => cache.forget(change)).onLost(() => cache.clear());
  }
  const streams = new EventStreams(db, logger, (open) => metrics.openStreams.set(open));
  if (notifications && deps.liveEvents) streams.listen(notifications);
  void notifications?.start();

  const api = new Api(db, authenticate, deps.reads);
  identityRoutes(api);
  caseRoutes(api);
  weaponRoutes(api);
  traceRoutes(
    api,
    new TraceService(clock, (action) => metrics.reviewActions.inc({ action })),
    new TraceBulkImport(clock),
  );
  reviewRoutes(api, new ReviewQueue(clock, sla));
  stockpileRoutes(api, new StockpileService(clock));
  stocktakeRoutes(api, new StocktakeService(clock));
  const attachmentStorage = deps.attachments ?? {
    store: new LocalStore('data/attachments'),
    maxBytes: 20 * 1024 * 1024,
  };
  const attachments = new AttachmentService(attachmentStorage);
  destructionRoutes(
    api,
    new DestructionService(clock, {
      photosRequired: deps.destructionPhotosRequired ?? true,
      photos: (db, ctx, id) =>
        attachments.printable(db, ctx, 'destruction', id, ['before_destruction', 'after_destruction'] as const),
    }),
  );
  reportRoutes(api, new ReportService(clock));
  registryRoutes(api, new RegistryService(clock));
  alertRoutes(api, new AlertService());
  intelligenceRoutes(api);
  eventRoutes(api, streams);
  webhookRoutes(
    api,
    new WebhookService({
      allowPrivateNetworks: deps.webhookAllowPrivateNetworks ?? false,
      secretKey: deps.webhookSecretKey ?? DEVELOPMENT_SECRET_KEY,
    }),
  );
  attachmentRoutes(api, attachments, attachmentStorage.maxBytes);
  auditRoutes(api);
  api.finish();

  metrics.watch(db, queue);
  healthRoutes(app, db, redis, logger, deps.shuttingDown);
  const openapi = buildOpenApi(api.routes, API_BASE, WEBHOOKS);
  app.get('/openapi.json', (_req, res) => {
    res.json(openapi);
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  docsRoutes(app);
  problemPages(app);
  const limiter = redis && deps.rateLimit ? new RateLimiter(redis, deps.rateLimit) : undefined;
  if (queue) queueBoardRoutes(app, db, queue, limiter);

  app.use(API_BASE, (_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  app.use(API_BASE, admission(db, limiter));
  app.use(
    API_BASE,
    express.json({ limit: '1mb', type: ['application/json', 'application/*+json'], verify: verifyJsonShape }),
  );
  app.use(API_BASE, express.text({ limit: '1mb', type: ['text/csv'] }));
  app.use(API_BASE, api.router);
  if (deps.webRoot && !webUiRoutes(app, deps.webRoot))
    logger.warn({ webRoot: deps.webRoot }, 'web UI not built: run npm run build');
  app.use(unknownRoute);
  app.use(errorHandler);
  return {
    app,
    api,
    openapi,
    closeStreams: () => streams.close(),
    stop: async () => {
      streams.close();
      await notifications?.stop();
    },
  };
}
