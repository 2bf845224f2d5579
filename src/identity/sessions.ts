import { writeAudit } from '../audit/audit-log.ts';
import type { Queryable } from '../db/knex.ts';
import { Problem, unauthenticated } from '../http/problem.ts';
import type { RequestContext } from './actor.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import { insertToken, toUser } from './repository.ts';
import type { User } from './schemas.ts';
import { LOCK_AFTER_FAILURES, LOCK_MINUTES, SESSION_IDLE_MINUTES } from './session-policy.ts';
import { hashToken, newToken, SESSION_TOKEN_PREFIX } from './tokens.ts';


const WRONG = 'Wrong email or password.';
// Compared against when the email is unknown, so both answers take as long.
let decoy: Promise<string> | undefined;
const decoyHash = () => (decoy ??= hashPassword('decoy-password-for-timing'));

interface Origin {
  requestId: string;
  ip: string | null;
}

/** Signs a person in with email and password; five failures in a row lock the account for ten minutes. */
export async function signIn(db: Queryable, email: string, password: string, origin: Origin): Promise<{ token: string; expiresAt: string; user: User }> {
  const row = await db('users').whereRaw('email = lower(?)', [email]).first();
  const who = { component: 'api' as const, requestId: origin.requestId, ip: origin.ip, actorId: row?.id ?? null, role: row?.role ?? null, agencyId: row?.agency_id ?? null };
  if (row?.locked_until && row.locked_until > new Date()) {
    await writeAudit(db, who, { action: 'session.refused_locked', entity: 'user', entityId: row.id, outcome: 'denied' });
    throw new Problem(401, 'account-locked', `Too many failed sign-ins: this account is locked until ${row.locked_until.toISOString()}.`, {
      lockedUntil: row.locked_until.toISOString(),
    });
  }
  const matches = row?.password_hash ? await verifyPassword(password, row.password_hash) : (await verifyPassword(password, await decoyHash()), false);
  if (!row || !matches || !row.active) {
    if (row) {
      const [updated] = await db('users').where({ id: row.id }).update({
        failed_sign_ins: db.raw('failed_sign_ins + 1'),
        locked_until: db.raw(`CASE WHEN failed_sign_ins + 1 >= ? THEN now() + make_interval(mins => ?) END`, [LOCK_AFTER_FAILURES, LOCK_MINUTES]),
      }).returning(['failed_sign_ins', 'locked_until']);
      if (updated.locked_until) {
        await db('users').where({ id: row.id }).update({ failed_sign_ins: 0 });
        await writeAudit(db, who, { action: 'user.locked', entity: 'user', entityId: row.id, outcome: 'denied', details: { minutes: LOCK_MINUTES } });
      }
    }
    await writeAudit(db, who, { action: 'auth.sign_in_failed', entity: 'user', entityId: row?.id ?? null, outcome: 'failure', details: { email: email.toLowerCase() } });
    throw unauthenticated(WRONG);
  }
  const { token, hash } = newToken(SESSION_TOKEN_PREFIX);
  const expiresAt = new Date(Date.now() + SESSION_IDLE_MINUTES * 60_000);
  await db.transaction(async (trx) => {
    await trx('users').where({ id: row.id }).update({ failed_sign_ins: 0, locked_until: null });
    await insertToken(trx, row.id, hash, 'session', expiresAt);
    await writeAudit(trx, who, { action: 'session.created', entity: 'user', entityId: row.id });
  });
  return { token, expiresAt: expiresAt.toISOString(), user: toUser(row) };
}

/** Ends the session whose token made this request. */
export async function signOut(db: Queryable, ctx: RequestContext, authorization: string | undefined): Promise<void> {
  const token = /^Bearer (rss_\S+)$/.exec(authorization ?? '')?.[1];
  if (!token) throw new Problem(409, 'not-a-session', 'This request was not made with a session token; API tokens are revoked by an admin.');
  await db('api_tokens').where({ token_hash: hashToken(token), kind: 'session' }).whereNull('revoked_at').update({ revoked_at: db.fn.now() });
  await writeAudit(db, { component: 'api', actorId: ctx.actor.id, role: ctx.actor.role, agencyId: ctx.actor.agency.id, requestId: ctx.requestId, ip: ctx.ip }, {
    action: 'session.ended', entity: 'user', entityId: ctx.actor.id,
  });
}
