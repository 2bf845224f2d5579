import type { Request, RequestHandler, Response } from 'express';
import { writeAudit } from '../db/audit-log.ts';
import type { Db } from '../db/knex.ts';
import type { Actor, RequestContext } from '../shared/actor.ts';
import { findActorByTokenHash } from './repository.ts';
import { tokenCacheOf } from './token-cache.ts';
import { hashToken, tokenKind } from './tokens.ts';
import { unauthenticated } from '../shared/problem.ts';
import { ipKey, tokenKey, type RateLimiter } from '../http/rate-limit.ts';
import { admitted, bearerToken, requestIdOf, languageOf } from '../http/credentials.ts';

/**
 * Who a token belongs to. API tokens — what integrations send, request after request — come from the process's token
 * cache when it knows them; web sessions are looked up every time, because each use extends their idle expiry.
 */
export async function actorOf(db: Db, token: string): Promise<Actor | undefined> {
  const hash = hashToken(token);
  const kind = tokenKind(token);
  const cache = kind === 'api' ? tokenCacheOf(db) : undefined;
  const key = hash.toString('base64');
  const hit = cache?.get(key);
  if (hit) return hit.actor;
  const found = await findActorByTokenHash(db, hash, kind);
  if (!found) return undefined;
  const { tokenId: _tokenId, expiresAt: _expiresAt, ...actor } = found;
  cache?.set(key, actor);
  return actor;
}

/** Who made the request, once known: an actor, or null when it carried no token that authenticates. */
const resolved = (res: Response) => res.locals.actor as Actor | null | undefined;

/**
 * Admission, before the body is read: who is calling (the token's lookup, usually from the token cache) and how often
 * (the rate-limit counter, started at once). A request is counted under its token only when the token authenticates;
 * otherwise — no token, a made-up one, a revoked one — under its IP address with the anonymous limit, so inventing
 * tokens never buys a fresh allowance. A read goes on while the counter answers (the route waits for both before it
 * answers); a write waits for the verdict first, since a write refused afterwards would already be done.
 */
export function admission(db: Db, limiter: RateLimiter | undefined): RequestHandler {
  return async (req, res, next) => {
    const token = bearerToken(req);
    const tokenCount = token ? limiter?.hit(tokenKey(token)) : undefined;
    const actor = token ? await actorOf(db, token) : undefined;
    res.locals.actor = actor ?? null;
    if (limiter) {
      const verdict = actor
        ? tokenCount!.then((count) => limiter.admit(res, count, limiter.settings.max))
        : limiter.hit(ipKey(req.ip)).then((count) => limiter.admit(res, count, limiter.settings.anonymousMax));
      verdict.catch(() => undefined);
      res.locals.admitted = verdict;
      if (req.method !== 'GET' && req.method !== 'HEAD') await verdict;
    }
    next();
  };
}

/** The caller of a route that needs a signed-in user; 401 (audited) when the request had no token that authenticates. */
export async function authenticate(db: Db, req: Request): Promise<RequestContext> {
  const res = req.res!;
  let actor = resolved(res);
  if (actor === undefined) {
    const token = bearerToken(req);
    actor = token ? ((await actorOf(db, token)) ?? null) : null;
    res.locals.actor = actor;
  }
  if (!actor) {
    await admitted(res);
    const header = req.get('authorization');
    await writeAudit(
      db,
      { component: 'api', requestId: requestIdOf(req), ip: req.ip ?? null },
      {
        action: 'auth.failed',
        outcome: 'failure',
        details: {
          reason: header ? 'invalid, revoked or expired token' : 'no bearer token',
          method: req.method,
          path: req.path,
        },
      },
    );
    throw unauthenticated();
  }
  return { actor, requestId: requestIdOf(req), ip: req.ip ?? null, language: languageOf(req) };
}
