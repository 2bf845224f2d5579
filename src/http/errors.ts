import type { ErrorRequestHandler, RequestHandler } from 'express';
import { isDatabaseUnavailable } from '../db/knex.ts';
import { Problem } from '../shared/problem.ts';

const send = (res: Parameters<RequestHandler>[1], problem: Problem) =>
  res.status(problem.status).set(problem.headers).type('application/problem+json').send(JSON.stringify(problem.toJSON()));

export const unknownRoute: RequestHandler = (req, res) =>
  send(res, new Problem(404, 'not-found', `No route ${req.method} ${req.path}.`));

export const errorHandler: ErrorRequestHandler = (error: unknown, req, res, _next) => {
  if (res.headersSent) return;
  if (error instanceof Problem) return send(res, error);
  const parserError = error as { type?: string; status?: number };
  if (parserError.type === 'entity.parse.failed') return send(res, new Problem(400, 'malformed-json', 'The body is not valid JSON.', { errors: [{ path: '', message: 'is not valid JSON' }] }));
  if (parserError.type === 'entity.too.large') return send(res, new Problem(413, 'too-large', 'The body is larger than 1 MiB.'));
  if (parserError.type === 'encoding.unsupported' || parserError.type === 'charset.unsupported') {
    return send(res, new Problem(415, 'unsupported-media-type', 'Unsupported body encoding or charset.'));
  }
  if (parserError.status && parserError.status >= 400 && parserError.status < 500) {
    return send(res, new Problem(parserError.status, 'bad-request', 'The request could not be read.'));
  }
  if (isDatabaseUnavailable(error)) {
    req.log.warn({ err: error }, 'database unavailable');
    res.set('Retry-After', '5');
    return send(res, new Problem(503, 'unavailable', 'The database is not reachable right now; try again shortly.'));
  }
  req.log.error({ err: error }, 'unhandled error');
  send(res, new Problem(500, 'internal', `Something went wrong on our side. Quote request id ${String(req.id)} when reporting it.`));
};

/** Answers 503 for a request still running after `ms`, so a stuck dependency never leaves a client hanging. */
export const requestTimeout = (ms: number): RequestHandler => (req, res, next) => {
  const timer = setTimeout(() => {
    if (res.headersSent) return;
    req.log.warn({ ms }, 'request timed out');
    send(res, new Problem(503, 'timeout', `The request did not finish within ${ms / 1000} s; try again later.`));
  }, ms);
  res.once('close', () => clearTimeout(timer));
  next();
};
