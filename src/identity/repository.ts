import type { Queryable } from '../db/knex.ts';
import { applyScope } from '../db/scoped.ts';
import { decodeCursor, decodeIdCursor, pageOf } from '../db/pagination.ts';
import type { Actor, Role, Scope } from '../shared/actor.ts';
import { SESSION_IDLE_MINUTES, SESSION_MAX_HOURS } from './rules.ts';
import { IDENTITY_CHANNEL } from './token-cache.ts';
import type { Agency, AgencyCreate, AgencyPatch, User, UserQuery } from './schemas.ts';

interface AgencyRow {
  id: string;
  code: string;
  name: string;
  country: string;
  region: string;
  review_required: boolean;
  created_at: Date;
  updated_at: Date;
}
interface UserRow {
  id: string;
  agency_id: string;
  name: string;
  email: string;
  role: Role;
  active: boolean;
  password_hash: string | null;
  created_at: Date;
  deactivated_at: Date | null;
}

export const toAgency = (row: AgencyRow): Agency => ({
  id: row.id,
  code: row.code,
  name: row.name,
  country: row.country,
  region: row.region,
  reviewRequired: row.review_required,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

export const toUser = (row: UserRow): User => ({
  id: row.id,
  name: row.name,
  email: row.email,
  role: row.role,
  agencyId: row.agency_id,
  active: row.active,
  hasPassword: row.password_hash !== null,
  createdAt: row.created_at.toISOString(),
  deactivatedAt: row.deactivated_at?.toISOString() ?? null,
});

export type TokenKind = 'api' | 'session' | 'board';

/** The columns an actor is read from (users `u` joined to their agency `a`), and the actor they make. */
const ACTOR_COLUMNS =
  'u.id, u.name, u.email, u.role, a.id AS agency_id, a.code, a.name AS agency_name, a.country, a.region';
interface ActorRow {
  id: string;
  name: string;
  email: string;
  role: Actor['role'];
  agency_id: string;
  code: string;
  agency_name: string;
  country: string;
  region: string;
}
const actorOfRow = (row: ActorRow): Actor => ({
  id: row.id,
  name: row.name,
  email: row.email,
  role: row.role,
  agency: { id: row.agency_id, code: row.code, name: row.agency_name, country: row.country, region: row.region },
});

/** The active user a token of this kind belongs to; a token is only ever accepted as its own kind. */
export async function findActorByTokenHash(
  db: Queryable,
  hash: Buffer,
  kind: TokenKind = 'api',
): Promise<(Actor & { tokenId: string; expiresAt?: Date }) | undefined> {
  if (kind === 'session') return touchSession(db, hash);
  const row = await db('api_tokens as t')
    .join('users as u', 'u.id', 't.user_id')
    .join('agencies as a', 'a.id', 'u.agency_id')
    .where({ 't.token_hash': hash, 't.kind': kind })
    .whereNull('t.revoked_at')
    .where('u.active', true)
    .where((q) => q.whereNull('t.expires_at').orWhere('t.expires_at', '>', db.fn.now()))
    .first('t.id as token_id', db.raw(ACTOR_COLUMNS));
  return row && { tokenId: row.token_id, ...actorOfRow(row) };
}

/**
 * Who each of these tokens (any kind) belongs to now, without extending a session: a live stream re-checks its caller
 * with it. A token that no longer authenticates (revoked, rotated, expired, its user deactivated) is absent.
 */
export async function actorsOfTokens(db: Queryable, hashes: Buffer[]): Promise<Map<string, Actor>> {
  if (!hashes.length) return new Map();
  const { rows } = (await db.raw(
    `SELECT encode(t.token_hash, 'base64') AS key, ${ACTOR_COLUMNS}
       FROM api_tokens t JOIN users u ON u.id = t.user_id JOIN agencies a ON a.id = u.agency_id
      WHERE t.token_hash = ANY(?::bytea[]) AND t.revoked_at IS NULL AND u.active
        AND (t.expires_at IS NULL OR t.expires_at > now())
        AND (t.kind <> 'session' OR t.created_at > now() - make_interval(hours => ?))`,
    [hashes, SESSION_MAX_HOURS],
  )) as { rows: (ActorRow & { key: string })[] };
  return new Map(rows.map((row) => [row.key, actorOfRow(row)]));
}

/** A session token's lookup also extends it: idle expiry moves on with each use, up to the session's maximum age. */
async function touchSession(
  db: Queryable,
  hash: Buffer,
): Promise<(Actor & { tokenId: string; expiresAt: Date }) | undefined> {
  const { rows } = await db.raw(
    `WITH touched AS (
       UPDATE api_tokens SET last_used_at = now(),
              expires_at = LEAST(created_at + make_interval(hours => ?), now() + make_interval(mins => ?))
        WHERE token_hash = ? AND kind = 'session' AND revoked_at IS NULL AND expires_at > now()
          AND created_at > now() - make_interval(hours => ?)
        RETURNING id, user_id, expires_at)
     SELECT t.id AS token_id, t.expires_at, ${ACTOR_COLUMNS}
       FROM touched t JOIN users u ON u.id = t.user_id JOIN agencies a ON a.id = u.agency_id
      WHERE u.active`,
    [SESSION_MAX_HOURS, SESSION_IDLE_MINUTES, hash, SESSION_MAX_HOURS],
  );
  const row = rows[0];
  return row && { tokenId: row.token_id, expiresAt: row.expires_at, ...actorOfRow(row) };
}

/** Creates agencies by code, or leaves an existing one (same code) as it is; returns them all. */
export async function upsertAgencies(
  db: Queryable,
  agencies: { code: string; name: string; country: string; region: string; review_required?: boolean }[],
): Promise<AgencyRow[]> {
  return db('agencies').insert(agencies).onConflict('code').merge(['updated_at']).returning('*');
}

export async function usersByEmail(
  db: Queryable,
  emails: string[],
): Promise<{ id: string; email: string; role: Role }[]> {
  return db('users').whereIn('email', emails).select('id', 'email', 'role');
}

export async function setPasswordHash(db: Queryable, userId: string, hash: string): Promise<void> {
  await db('users').where({ id: userId }).update({ password_hash: hash, updated_at: db.fn.now() });
}

export async function agencyExists(db: Queryable, id: string): Promise<boolean> {
  return Boolean(await db('agencies').where({ id }).first('id'));
}

export async function insertAgency(db: Queryable, body: AgencyCreate): Promise<Agency> {
  const [row] = await db('agencies')
    .insert({
      code: body.code,
      name: body.name,
      country: body.country,
      region: body.region,
      review_required: body.reviewRequired ?? false,
    })
    .returning('*');
  return toAgency(row);
}

/** Updates an agency; a new region moves its traces' region with it, in the same statement. */
export async function updateAgency(db: Queryable, id: string, patch: AgencyPatch): Promise<Agency | undefined> {
  const update = db('agencies')
    .where({ id })
    .update({
      name: patch.name,
      country: patch.country,
      region: patch.region,
      review_required: patch.reviewRequired,
      updated_at: db.fn.now(),
    })
    .returning('*')
    .toSQL();
  const {
    rows: [row],
  } = await db.raw(
    `WITH agency AS (${update.sql}),
     moved AS (UPDATE traces t SET region = agency.region FROM agency WHERE t.agency_id = agency.id AND t.region <> agency.region)
     SELECT * FROM agency`,
    update.bindings,
  );
  return row ? toAgency(row) : undefined;
}

/** Tells every API process that someone's identity changed (sent when the transaction commits). */
export async function notifyIdentityChanged(db: Queryable, change: string): Promise<void> {
  await db.raw(`SELECT pg_notify('${IDENTITY_CHANNEL}', ?)`, [change]);
}

export const agenciesInScope = (db: Queryable, scope: Scope) => applyScope(db('agencies'), 'id', scope);

export async function findAgency(db: Queryable, scope: Scope, id: string): Promise<Agency | undefined> {
  const row = await agenciesInScope(db, scope).where({ id }).first();
  return row ? toAgency(row) : undefined;
}

export async function listAgencies(db: Queryable, scope: Scope, limit: number, cursor?: string) {
  const after = decodeCursor(cursor, 1);
  const query = agenciesInScope(db, scope)
    .orderBy('code')
    .limit(limit + 1);
  if (after) query.where('code', '>', String(after[0]));
  return pageOf(await query, limit, (row: AgencyRow) => [row.code], toAgency);
}

export async function insertUser(
  db: Queryable,
  user: { name: string; email: string; role: Role; agencyId: string; passwordHash: string | null },
): Promise<User> {
  const [row] = await db('users')
    .insert({
      name: user.name,
      email: user.email,
      role: user.role,
      agency_id: user.agencyId,
      password_hash: user.passwordHash,
    })
    .returning('*');
  return toUser(row);
}

export async function findUser(db: Queryable, id: string): Promise<User | undefined> {
  const row = await db('users').where({ id }).first();
  return row ? toUser(row) : undefined;
}

export async function updateUser(
  db: Queryable,
  id: string,
  patch: { name?: string; role?: Role; passwordHash?: string },
): Promise<User | undefined> {
  const [row] = await db('users')
    .where({ id })
    .update({ name: patch.name, role: patch.role, password_hash: patch.passwordHash, updated_at: db.fn.now() })
    .returning('*');
  return row ? toUser(row) : undefined;
}

export async function deactivateUser(db: Queryable, id: string): Promise<User | undefined> {
  const [row] = await db('users')
    .where({ id })
    .update({ active: false, deactivated_at: db.raw('coalesce(deactivated_at, now())'), updated_at: db.fn.now() })
    .returning('*');
  return row ? toUser(row) : undefined;
}

export async function listUsers(db: Queryable, query: UserQuery, limit: number) {
  const after = decodeIdCursor(query.cursor);
  const rows = db('users')
    .orderBy([{ column: 'created_at' }, { column: 'id' }])
    .limit(limit + 1);
  if (query.agencyId) rows.where('agency_id', query.agencyId);
  if (query.role) rows.where('role', query.role);
  if (after) rows.whereRaw('(created_at, id) > (SELECT created_at, id FROM users WHERE id = ?)', [after]);
  return pageOf(await rows, limit, (row: UserRow) => [row.id], toUser);
}

type SignInRow = UserRow & { role: Role };

/** The user with this (lower-cased) address, if any, and until when the address is locked, if it is. */
export async function signInCandidate(
  db: Queryable,
  address: string,
  addressHash: Buffer,
): Promise<{ user?: SignInRow; lockedUntil?: Date }> {
  const {
    rows: [row],
  } = await db.raw(
    `SELECT to_jsonb(u) AS "user", f.locked_until
       FROM (SELECT 1) one
       LEFT JOIN users u ON u.email = ?
       LEFT JOIN sign_in_failures f ON f.email_hash = ? AND f.locked_until > now()`,
    [address, addressHash],
  );
  const user = row.user
    ? {
        ...row.user,
        created_at: new Date(row.user.created_at),
        deactivated_at: row.user.deactivated_at && new Date(row.user.deactivated_at),
      }
    : undefined;
  return { user, lockedUntil: row.locked_until ?? undefined };
}

/**
 * Counts one more failure in a row for an address (after an expired lock, counting starts again); the failure that makes
 * `lockAfter` locks it: returns until when, else undefined. One statement, so concurrent failures all count.
 */
export async function recordSignInFailure(
  db: Queryable,
  addressHash: Buffer,
  lockAfter: number,
  lockMinutes: number,
): Promise<Date | undefined> {
  const count = 'CASE WHEN f.locked_until IS NOT NULL THEN 1 ELSE f.failures + 1 END';
  const {
    rows: [row],
  } = await db.raw(
    `INSERT INTO sign_in_failures AS f (email_hash, failures, locked_until)
     VALUES (:hash, CASE WHEN 1 >= :after THEN 0 ELSE 1 END, CASE WHEN 1 >= :after THEN now() + make_interval(mins => :minutes) END)
     ON CONFLICT (email_hash) DO UPDATE
       SET failures = CASE WHEN ${count} >= :after THEN 0 ELSE ${count} END,
           locked_until = CASE WHEN ${count} >= :after THEN now() + make_interval(mins => :minutes) END,
           updated_at = now()
     RETURNING locked_until`,
    { hash: addressHash, after: lockAfter, minutes: lockMinutes },
  );
  return row.locked_until ?? undefined;
}

/** Revokes one web session by its token's hash; true when it was active. */
export async function revokeSession(db: Queryable, hash: Buffer): Promise<boolean> {
  return (
    (await db('api_tokens')
      .where({ token_hash: hash, kind: 'session' })
      .whereNull('revoked_at')
      .update({ revoked_at: db.fn.now() })) > 0
  );
}

export async function clearSignInFailures(db: Queryable, addressHash: Buffer): Promise<void> {
  await db('sign_in_failures').where({ email_hash: addressHash }).delete();
}

export async function insertToken(
  db: Queryable,
  userId: string,
  hash: Buffer,
  kind: TokenKind = 'api',
  expiresAt?: Date,
) {
  await db('api_tokens').insert({ user_id: userId, token_hash: hash, kind, expires_at: expiresAt ?? null });
}

export async function revokeTokens(db: Queryable, userId: string, kind?: TokenKind) {
  const query = db('api_tokens').where({ user_id: userId }).whereNull('revoked_at');
  if (kind) query.where({ kind });
  await query.update({ revoked_at: db.fn.now() });
}
