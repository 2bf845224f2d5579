import type { Request } from 'express';
import { writeAudit } from '../audit/audit-log.ts';
import type { Db } from '../db/knex.ts';
import type { RequestContext } from '../identity/actor.ts';
import { findActorByTokenHash } from '../identity/repository.ts';
import { hashToken } from '../identity/tokens.ts';
import { unauthenticated } from './problem.ts';

const BEARER = /^Bearer (rs[ts]_[A-Za-z0-9_-]{20,200})$/;

export const requestIdOf = (req: Request) => String(req.id ?? '');

export async function authenticate(db: Db, req: Request): Promise<RequestContext> {
  const header = req.get('authorization');
  const match = header ? BEARER.exec(header) : null;
  const actor = match ? await findActorByTokenHash(db, hashToken(match[1]!), match[1]!.startsWith('rss_')) : undefined;
  if (!actor) {
    await writeAudit(db, { component: 'api', requestId: requestIdOf(req), ip: req.ip ?? null }, {
      action: 'auth.failed',
      outcome: 'failure',
      details: { reason: header ? 'invalid, revoked or expired token' : 'no bearer token', method: req.method, path: req.path },
    });
    throw unauthenticated();
  }
  const { tokenId: _tokenId, ...rest } = actor;
  if (req.res) req.res.locals.actor = rest;
  return { actor: rest, requestId: requestIdOf(req), ip: req.ip ?? null };
}
