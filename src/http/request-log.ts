import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** The request id: a sane X-Request-Id from the caller, or a new one; returned in the response. */
      id: string;
      /** A logger that carries the request id (made on first use). */
      log: Logger;
    }
  }
}

const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * One pino line per request when it ends — id, method, URL, headers (the logger redacts credentials), status, time, and
 * the user and agency — and a request id for everything logged meanwhile. A child logger is made only when something
 * logs for the request, not for every request.
 */
export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const given = req.headers['x-request-id'];
    const id = typeof given === 'string' && SANE_REQUEST_ID.test(given) ? given : randomUUID();
    res.setHeader('X-Request-Id', id);
    req.id = id;
    let child: Logger | undefined;
    Object.defineProperty(req, 'log', { configurable: true, get: () => (child ??= logger.child({ req: { id } })) });
    const started = performance.now();
    res.once('finish', () => {
      const level = res.statusCode >= 500 ? 'error' : 'info';
      if (!logger.isLevelEnabled(level)) return;
      const actor = res.locals.actor as { id: string; agency: { id: string } } | null | undefined;
      logger[level](
        {
          req: { id, method: req.method, url: req.originalUrl, headers: req.headers, remoteAddress: req.ip },
          res: { statusCode: res.statusCode },
          responseTime: Math.round(performance.now() - started),
          ...(actor ? { userId: actor.id, agencyId: actor.agency.id } : {}),
        },
        'request completed',
      );
    });
    next();
  };
}
