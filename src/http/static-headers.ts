import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';

/**
 * The headers a middleware that only sets fixed headers (helmet) would set, worked out once and then set in one
 * step per request instead of by its chain of small middlewares.
 */
export function staticHeaders(
  middleware: (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void,
): RequestHandler {
  const headers = new Map<string, string | number | readonly string[]>();
  const removed = new Set<string>();
  const probe = {
    setHeader: (name: string, value: string | number | readonly string[]) => headers.set(name, value),
    removeHeader: (name: string) => removed.add(name),
    getHeader: () => undefined,
  };
  middleware(
    { headers: {}, method: 'GET', url: '/' } as IncomingMessage,
    probe as unknown as ServerResponse,
    () => undefined,
  );
  const fixed = [...headers];
  return (_req, res, next) => {
    for (const [name, value] of fixed) res.setHeader(name, value);
    for (const name of removed) res.removeHeader(name);
    next();
  };
}
