import { audit, writeAudit } from '../db/audit-log.ts';
import type { Queryable } from '../db/knex.ts';
import { Problem, unauthenticated } from '../shared/problem.ts';
import type { RequestContext } from '../shared/actor.ts';
import { hashPassword, needsRehash, verifyPassword } from './passwords.ts';
import {
  clearSignInFailures,
  insertToken,
  notifyIdentityChanged,
  recordSignInFailure,
  revokeSession,
  signInCandidate,
  toUser,
} from './repository.ts';
import { tokenCacheOf } from './token-cache.ts';
import type { User } from './schemas.ts';
import { LOCK_AFTER_FAILURES, LOCK_MINUTES, SESSION_IDLE_MINUTES } from './rules.ts';
import { hashToken, newToken, SESSION_TOKEN_PREFIX } from './tokens.ts';

const WRONG = 'Wrong email or password.';
// Compared against when the email is unknown or has no password, so every failure takes as long.
let decoy: Promise<string> | undefined;
const decoyHash = () => (decoy ??= hashPassword('decoy-password-for-timing'));

interface Origin {
  requestId: string;
  ip: string | null;
}

/** The same answer for a locked address, whether or not a user has it. */
const locked = (until: Date) =>
  unauthenticated(`Too many failed sign-ins: this address is locked until ${until.toISOString()}.`, 'account-locked', {
    lockedUntil: until.toISOString(),
  });

/**
 * Signs a person in with email and password. Failures are counted per address, known or not: five in a row lock the
 * address for ten minutes, and a locked address answers the same whether an account has it or not.
 */
export async function signIn(
  db: Queryable,
  email: string,
  password: string,
  origin: Origin,
): Promise<{ token: string; expiresAt: string; user: User }> {
  const address = email.toLowerCase();
  const addressHash = hashToken(address);
  const { user: row, lockedUntil } = await signInCandidate(db, address, addressHash);
  const who = {
    component: 'api' as const,
    requestId: origin.requestId,
    ip: origin.ip,
    actorId: row?.id ?? null,
    role: row?.role ?? null,
    agencyId: row?.agency_id ?? null,
  };
  if (lockedUntil) {
    await writeAudit(db, who, {
      action: 'session.refused_locked',
      entity: 'user',
      entityId: row?.id ?? null,
      outcome: 'denied',
      details: { email: address },
    });
    throw locked(lockedUntil);
  }
  const matches =
    (await verifyPassword(password, row?.password_hash ?? (await decoyHash()))) && Boolean(row?.password_hash);
  if (!row || !matches || !row.active) {
    const nowLocked = await recordSignInFailure(db, addressHash, LOCK_AFTER_FAILURES, LOCK_MINUTES);
    await writeAudit(db, who, {
      action: 'auth.sign_in_failed',
      entity: 'user',
      entityId: row?.id ?? null,
      outcome: 'failure',
      details: { email: address },
    });
    if (nowLocked) {
      await writeAudit(db, who, {
        action: 'user.locked',
        entity: 'user',
        entityId: row?.id ?? null,
        outcome: 'denied',
        details: { email: address, minutes: LOCK_MINUTES },
      });
      throw locked(nowLocked);
    }
    throw unauthenticated(WRONG);
  }
  const { token, hash } = newToken(SESSION_TOKEN_PREFIX);
  const expiresAt = new Date(Date.now() + SESSION_IDLE_MINUTES * 60_000);
  const rehashed = needsRehash(row.password_hash!) ? await hashPassword(password) : undefined;
  await db.transaction(async (trx) => {
    await clearSignInFailures(trx, addressHash);
    if (rehashed)
      await trx('users').where({ id: row.id, password_hash: row.password_hash }).update({ password_hash: rehashed });
    await insertToken(trx, row.id, hash, 'session', expiresAt);
    await writeAudit(trx, who, { action: 'session.created', entity: 'user', entityId: row.id });
  });
  return { token, expiresAt: expiresAt.toISOString(), user: toUser(row) };
}

/** Ends the session whose token made this request. */
export async function signOut(db: Queryable, ctx: RequestContext, authorization: string | undefined): Promise<void> {
  const token = /^Bearer (rss_\S+)$/.exec(authorization ?? '')?.[1];
  if (!token)
    throw new Problem(
      409,
      'not-a-session',
      'This request was not made with a session token; API tokens are revoked by an admin.',
    );
  await revokeSession(db, hashToken(token));
  await notifyIdentityChanged(db, `user:${ctx.actor.id}`);
  tokenCacheOf(db)?.forget(`user:${ctx.actor.id}`);
  await audit(db, ctx, { action: 'session.ended', entity: 'user', entityId: ctx.actor.id });
}
