import { randomUUID } from 'node:crypto';
import express, { type Express } from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger } from 'pino';
import { caseRoutes } from './cases/routes.ts';
import { systemClock, type Clock } from './clock.ts';
import type { Db } from './db/knex.ts';
import { Api } from './http/api.ts';
import { errorHandler, unknownRoute } from './http/errors.ts';
import { buildOpenApi } from './http/openapi.ts';
import { identityRoutes } from './identity/routes.ts';
import { traceRoutes } from './traces/routes.ts';
import { TraceService } from './traces/service.ts';
import { TraceBulkImport } from './traces/bulk.ts';
import { weaponRoutes } from './weapons/routes.ts';
import { reviewRoutes } from './review/routes.ts';
import { ReviewQueue, type Sla } from './review/service.ts';
import { stockpileRoutes } from './stockpile/routes.ts';
import { StockpileService } from './stockpile/service.ts';
import { destructionRoutes } from './destructions/routes.ts';
import { DestructionService } from './destructions/service.ts';
import { reportRoutes } from './reports/routes.ts';
import { auditRoutes } from './audit/routes.ts';
import { ReportService } from './reports/service.ts';

export const API_BASE = '/api/v1';
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export interface AppDeps {
  db: Db;
  logger: Logger;
  clock?: Clock;
  sla?: Sla;
}

export function createApp({ db, logger, clock = systemClock, sla = { urgentHours: 24, routineDays: 5 } }: AppDeps): { app: Express; api: Api } {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(
    pinoHttp({
      logger,
      genReqId: (req, res) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && SANE_REQUEST_ID.test(given) ? given : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : 'info'),
    }),
  );
  app.use(express.json({ limit: '1mb', type: ['application/json', 'application/*+json'] }));
  app.use(express.text({ limit: '1mb', type: ['text/csv'] }));

  const api = new Api(db);
  identityRoutes(api);
  caseRoutes(api);
  weaponRoutes(api);
  traceRoutes(api, new TraceService(clock), new TraceBulkImport(clock));
  reviewRoutes(api, new ReviewQueue(clock, sla));
  stockpileRoutes(api, new StockpileService(clock));
  destructionRoutes(api, new DestructionService(clock));
  reportRoutes(api, new ReportService(clock));
  auditRoutes(api);

  const openapi = buildOpenApi(api.routes, API_BASE);
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/openapi.json', (_req, res) => {
    res.json(openapi);
  });
  app.use(API_BASE, api.router);
  app.use(unknownRoute);
  app.use(errorHandler);
  return { app, api };
}
