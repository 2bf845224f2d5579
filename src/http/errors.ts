import type { ErrorRequestHandler, RequestHandler } from 'express';
import { isRowError } from '../db/batcher.ts';
import { isDatabaseUnavailable, uniqueViolation } from '../db/knex.ts';
import { Problem } from '../shared/problem.ts';

/** Every problem names the request it answers: `instance` (the path) and `requestId` (as in the logs and X-Request-Id). */
export const sendProblem = (
  req: Parameters<RequestHandler>[0],
  res: Parameters<RequestHandler>[1],
  problem: Problem,
) => {
  const headers =
    problem.status === 503 && !problem.headers['Retry-After']
      ? { ...problem.headers, 'Retry-After': '5' }
      : problem.headers;
  const body = { ...problem.toJSON(), instance: req.originalUrl.split('?')[0], requestId: String(req.id ?? '') };
  res.status(problem.status).set(headers).type('application/problem+json').send(JSON.stringify(body));
};

export const unknownRoute: RequestHandler = (req, res) =>
  sendProblem(req, res, new Problem(404, 'not-found', `No route ${req.method} ${req.path}.`));

export const errorHandler: ErrorRequestHandler = (error: unknown, req, res, _next) => {
  if (res.headersSent) return;
  if (error instanceof Problem) return sendProblem(req, res, error);
  const parserError = error as { type?: string; status?: number; reason?: string };
  if (parserError.type === 'entity.shape') {
    return sendProblem(
      req,
      res,
      new Problem(400, 'validation', `The body ${parserError.reason}.`, {
        errors: [{ path: '', message: parserError.reason }],
      }),
    );
  }
  if (parserError.type === 'entity.parse.failed')
    return sendProblem(
      req,
      res,
      new Problem(400, 'malformed-json', 'The body is not valid JSON.', {
        errors: [{ path: '', message: 'is not valid JSON' }],
      }),
    );
  if (parserError.type === 'entity.too.large')
    return sendProblem(req, res, new Problem(413, 'too-large', 'The body is larger than 1 MiB.'));
  if (parserError.type === 'encoding.unsupported' || parserError.type === 'charset.unsupported') {
    return sendProblem(req, res, new Problem(415, 'unsupported-media-type', 'Unsupported body encoding or charset.'));
  }
  if (parserError.status && parserError.status >= 400 && parserError.status < 500) {
    return sendProblem(req, res, new Problem(parserError.status, 'bad-request', 'The request could not be read.'));
  }
  // A value the database refused that validation let through: that row's request alone gets it (see Batcher), as a
  // client error, logged as a gap in validation to close.
  if (isRowError(error)) {
    req.log.warn({ err: error }, 'the database refused a value validation accepted');
    const constraint = uniqueViolation(error);
    return sendProblem(
      req,
      res,
      constraint
        ? new Problem(409, 'conflict', 'The request conflicts with a record that already exists.')
        : new Problem(400, 'validation', 'A value of the request was refused.', {
            errors: [{ path: '', message: 'has a value that cannot be stored' }],
          }),
    );
  }
  if (isDatabaseUnavailable(error)) {
    req.log.warn({ err: error }, 'database unavailable');
    return sendProblem(
      req,
      res,
      new Problem(503, 'unavailable', 'The database is not reachable right now; try again shortly.'),
    );
  }
  req.log.error({ err: error }, 'unhandled error');
  sendProblem(
    req,
    res,
    new Problem(
      500,
      'internal',
      `Something went wrong on our side. Quote request id ${String(req.id)} when reporting it.`,
    ),
  );
};

/** Answers 503 for a request still running after `ms`, so a stuck dependency never leaves a client hanging. */
export const requestTimeout =
  (ms: number): RequestHandler =>
  (req, res, next) => {
    const timer = setTimeout(() => {
      if (res.headersSent) return;
      req.log.warn({ ms }, 'request timed out');
      sendProblem(
        req,
        res,
        new Problem(503, 'timeout', `The request did not finish within ${ms / 1000} s; try again later.`),
      );
    }, ms);
    // A long upload is not a stuck request: its handler restarts the clock as bytes keep arriving.
    res.locals.stillWorking = () => timer.refresh();
    res.once('close', () => clearTimeout(timer));
    next();
  };
