import { writeAudit } from '../db/audit-log.ts';
import type { Db, Queryable } from '../db/knex.ts';
import type { RequestContext } from '../shared/actor.ts';
import { findActorByTokenHash } from '../identity/repository.ts';
import { hashToken } from '../identity/tokens.ts';

/** A request context for work done from the command line on behalf of a user. */
export async function contextForToken(db: Db, token: string): Promise<RequestContext> {
  const actor = await findActorByTokenHash(db, hashToken(token), 'api');
  if (!actor) throw new Error('token does not resolve to an active user');
  const { tokenId: _tokenId, ...rest } = actor;
  return { actor: rest, requestId: `cli-${process.pid}`, ip: null };
}

export const cliAudit = (db: Queryable, action: string, entity: string, entityId: string) =>
  writeAudit(db, { component: 'cli', requestId: `cli-${process.pid}` }, { action, entity, entityId });
