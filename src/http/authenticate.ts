import type { Request, RequestHandler, Response } from 'express';
import { writeAudit } from '../audit/audit-log.ts';
import type { Db } from '../db/knex.ts';
import type { Actor, RequestContext } from '../identity/actor.ts';
import { findActorByTokenHash } from '../identity/repository.ts';
import { hashToken, tokenKind } from '../identity/tokens.ts';
import { unauthenticated } from './problem.ts';
import { ipKey, tokenKey, type RateLimiter } from './rate-limit.ts';

const BEARER = /^Bearer (rs[ts]_[A-Za-z0-9_-]{20,200})$/;

export const requestIdOf = (req: Request) => String(req.id ?? '');

/** The bearer token of a request, when it has the shape of one of ours. */
export const bearerToken = (req: Request) => BEARER.exec(req.get('authorization') ?? '')?.[1];

export async function actorOf(db: Db, token: string): Promise<Actor | undefined> {
  const found = await findActorByTokenHash(db, hashToken(token), tokenKind(token));
  if (!found) return undefined;
  const { tokenId: _tokenId, ...actor } = found;
  return actor;
}

/** Who made the request, once known: an actor, or null when it carried no token that authenticates. */
const resolved = (res: Response) => res.locals.actor as Actor | null | undefined;

/**
 * Admission, before the body is read: who is calling (the token's lookup) and how often (the rate-limit counter), the
 * two round trips in parallel. A request is counted under its token only when the token authenticates; otherwise —
 * no token, a made-up one, a revoked one — under its IP address with the anonymous limit, so inventing tokens never
 * buys a fresh allowance.
 */
export function admission(db: Db, limiter: RateLimiter | undefined): RequestHandler {
  return async (req, res, next) => {
    const token = bearerToken(req);
    const [actor, tokenCount] = token
      ? await Promise.all([actorOf(db, token), limiter?.hit(tokenKey(token))])
      : [undefined, undefined];
    res.locals.actor = actor ?? null;
    if (limiter) {
      if (actor) limiter.admit(res, tokenCount, limiter.settings.max);
      else limiter.admit(res, await limiter.hit(ipKey(req.ip)), limiter.settings.anonymousMax);
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
    actor = token ? (await actorOf(db, token)) ?? null : null;
    res.locals.actor = actor;
  }
  if (!actor) {
    const header = req.get('authorization');
    await writeAudit(db, { component: 'api', requestId: requestIdOf(req), ip: req.ip ?? null }, {
      action: 'auth.failed',
      outcome: 'failure',
      details: { reason: header ? 'invalid, revoked or expired token' : 'no bearer token', method: req.method, path: req.path },
    });
    throw unauthenticated();
  }
  return { actor, requestId: requestIdOf(req), ip: req.ip ?? null };
}
