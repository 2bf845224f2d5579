import { audit } from '../db/audit-log.ts';
import { uniqueViolation, type Queryable } from '../db/knex.ts';
import { conflict, invalidField, notFound } from '../shared/problem.ts';
import { readScope, type RequestContext } from '../shared/actor.ts';
import { hashPassword } from './passwords.ts';
import * as repo from './repository.ts';
import type { Agency, AgencyCreate, AgencyPatch, User, UserCreate, UserPatch } from './schemas.ts';
import { tokenCacheOf } from './token-cache.ts';
import { API_TOKEN_PREFIX, newToken } from './tokens.ts';

/**
 * Runs a change to who someone is (tokens, role, activity, agency) and tells every API process to drop what it cached:
 * the NOTIFY goes with the transaction, and this process drops its entries once it committed.
 */
async function changingIdentity<T>(db: Queryable, change: string, work: (trx: Queryable) => Promise<T>): Promise<T> {
  const result = await db.transaction(async (trx) => {
    const value = await work(trx);
    await repo.notifyIdentityChanged(trx, change);
    return value;
  });
  tokenCacheOf(db)?.forget(change);
  return result;
}

export async function createAgency(db: Queryable, ctx: RequestContext, body: AgencyCreate): Promise<Agency> {
  return db.transaction(async (trx) => {
    const agency = await repo.insertAgency(trx, body).catch((error: unknown) => {
      if (uniqueViolation(error) === 'agencies_code_key')
        throw conflict('agency-code-taken', `Agency code ${body.code} is already in use.`);
      throw error;
    });
    await audit(trx, ctx, {
      action: 'agency.created',
      entity: 'agency',
      entityId: agency.id,
      details: { code: agency.code },
    });
    return agency;
  });
}

/** The audit entry of an edit: which fields changed, never their values (a password among them). */
const updateEntry = (entity: 'agency' | 'user', id: string, patch: object) => ({
  action: `${entity}.updated`,
  entity,
  entityId: id,
  details: { fields: Object.keys(patch) },
});

export async function updateAgency(
  db: Queryable,
  ctx: RequestContext,
  id: string,
  patch: AgencyPatch,
): Promise<Agency> {
  return changingIdentity(db, `agency:${id}`, async (trx) => {
    const agency = await repo.updateAgency(trx, id, patch);
    if (!agency) throw notFound('Agency');
    await audit(trx, ctx, updateEntry('agency', id, patch));
    return agency;
  });
}

export async function getAgency(db: Queryable, ctx: RequestContext, id: string): Promise<Agency> {
  const agency = await repo.findAgency(db, readScope(ctx.actor), id);
  if (!agency) throw notFound('Agency');
  return agency;
}

export const listAgencies = (db: Queryable, ctx: RequestContext, limit: number, cursor?: string) =>
  repo.listAgencies(db, readScope(ctx.actor), limit, cursor);

/** Creates a user with a fresh API token; used by the admin API and by the CLI. */
export async function createUserWithToken(
  db: Queryable,
  body: UserCreate,
  onCreated: (trx: Queryable, user: User) => Promise<void>,
): Promise<{ user: User; token: string }> {
  const passwordHash = body.password ? await hashPassword(body.password) : null;
  return db.transaction(async (trx) => {
    if (!(await repo.agencyExists(trx, body.agencyId))) throw invalidField('/agencyId', 'is not a known agency');
    const user = await repo
      .insertUser(trx, {
        name: body.name,
        email: body.email.toLowerCase(),
        role: body.role,
        agencyId: body.agencyId,
        passwordHash,
      })
      .catch((error: unknown) => {
        if (uniqueViolation(error) === 'users_email_unique')
          throw conflict('email-taken', 'A user with this email already exists.');
        throw error;
      });
    const { token, hash } = newToken(API_TOKEN_PREFIX);
    await repo.insertToken(trx, user.id, hash);
    await onCreated(trx, user);
    return { user, token };
  });
}

export const createUser = (db: Queryable, ctx: RequestContext, body: UserCreate) =>
  createUserWithToken(db, body, (trx, user) =>
    audit(trx, ctx, {
      action: 'user.created',
      entity: 'user',
      entityId: user.id,
      details: { role: user.role, agencyId: user.agencyId },
    }),
  );

export async function updateUser(db: Queryable, ctx: RequestContext, id: string, patch: UserPatch): Promise<User> {
  const passwordHash = patch.password ? await hashPassword(patch.password) : undefined;
  return changingIdentity(db, `user:${id}`, async (trx) => {
    const user = await repo.updateUser(trx, id, { name: patch.name, role: patch.role, passwordHash });
    if (!user) throw notFound('User');
    if (passwordHash) await repo.revokeTokens(trx, id, 'session');
    await audit(trx, ctx, updateEntry('user', id, patch));
    return user;
  });
}

export async function rotateToken(db: Queryable, ctx: RequestContext, id: string): Promise<string> {
  return changingIdentity(db, `user:${id}`, async (trx) => {
    const user = await repo.findUser(trx, id);
    if (!user) throw notFound('User');
    if (!user.active) throw conflict('user-inactive', 'The user is deactivated.');
    await repo.revokeTokens(trx, id, 'api');
    const { token, hash } = newToken(API_TOKEN_PREFIX);
    await repo.insertToken(trx, id, hash);
    await audit(trx, ctx, { action: 'user.token_rotated', entity: 'user', entityId: id });
    return token;
  });
}

export async function deactivateUser(db: Queryable, ctx: RequestContext, id: string): Promise<void> {
  if (id === ctx.actor.id) throw conflict('self-deactivation', 'You cannot deactivate your own account.');
  await changingIdentity(db, `user:${id}`, async (trx) => {
    const user = await repo.deactivateUser(trx, id);
    if (!user) throw notFound('User');
    await repo.revokeTokens(trx, id);
    await audit(trx, ctx, { action: 'user.deactivated', entity: 'user', entityId: id });
  });
}

export async function getUser(db: Queryable, id: string): Promise<User> {
  const user = await repo.findUser(db, id);
  if (!user) throw notFound('User');
  return user;
}
