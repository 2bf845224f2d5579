import type { Request, Response } from 'express';

const BEARER = /^Bearer (rs[ts]_[A-Za-z0-9_-]{20,200})$/;

export const requestIdOf = (req: Request) => String(req.id ?? '');

/** The language a caller reads (Accept-Language: Spanish or English, English when it names neither). */
export const languageOf = (req: Request): 'en' | 'es' => (req.acceptsLanguages('en', 'es') === 'es' ? 'es' : 'en');

/** The bearer token of a request, when it has the shape of one of ours. */
export const bearerToken = (req: Request) => BEARER.exec(req.get('authorization') ?? '')?.[1];

/** The rate limiter's verdict on this request (resolved at once when nothing counts). */
export const admitted = (res: Response): Promise<void> =>
  (res.locals.admitted as Promise<void> | undefined) ?? Promise.resolve();
