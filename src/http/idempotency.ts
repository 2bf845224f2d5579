import { createHash } from 'node:crypto';
import type { Db, Queryable, Tx } from '../db/knex.ts';
import { conflict } from '../shared/problem.ts';
import { versioned, versionOf } from '../shared/versioned.ts';

export interface Reply {
  status: number;
  body?: unknown;
  /** Set for non-JSON bodies (a Buffer or string), e.g. PDF or CSV. */
  contentType?: string;
  headers?: Record<string, string>;
}

export const requestFingerprint = (method: string, path: string, body: unknown) =>
  createHash('sha256')
    .update(`${method} ${path}\n${typeof body === 'string' ? body : JSON.stringify(body ?? null)}`)
    .digest();

/**
 * Runs `create` at most once per (user, key) within 24 h. The key row is claimed first, inside the same transaction
 * as the work, so a concurrent request with the same key blocks on the unique index and then replays the stored reply.
 */
export async function withIdempotency(
  db: Db,
  userId: string,
  key: string,
  fingerprint: Buffer,
  create: (trx: Tx) => Promise<Reply>,
): Promise<Reply & { replayed: boolean }> {
  return db.transaction(async (trx) => {
    const claimed = await trx.raw(claimKeySql('?', '?', '?'), [userId, key, fingerprint]);
    if (claimed.rows.length === 0) {
      const stored = await trx('idempotency_keys').where({ user_id: userId, key }).first();
      if (!Buffer.from(stored.request_hash).equals(fingerprint)) {
        throw conflict('idempotency-key-reused', 'This Idempotency-Key was already used with a different request.');
      }
      return { ...storedReply(stored), replayed: true };
    }
    const reply = await create(trx);
    await storeReply(trx, { userId, key, fingerprint }, reply);
    return { ...reply, replayed: false };
  });
}

/**
 * Taking a key, as SQL over the given value expressions: a row comes back when the key is the caller's to use (new, or
 * last used more than 24 hours ago and so free again), none when it is held. `resource`: the id the work will create.
 */
export const claimKeySql = (user: string, key: string, fingerprint: string, resource = 'NULL') =>
  `INSERT INTO idempotency_keys (user_id, key, request_hash, resource_id) VALUES (${user}, ${key}, ${fingerprint}, ${resource})
   ON CONFLICT (user_id, key) DO UPDATE
     SET request_hash = EXCLUDED.request_hash, created_at = now(), status_code = NULL, response = NULL,
         resource_id = EXCLUDED.resource_id
     WHERE idempotency_keys.created_at < now() - interval '24 hours'
   RETURNING 1`;

/** The claim a creating statement takes for a request with an Idempotency-Key (see `idempotent: 'in-statement'`). */
export interface IdempotencyClaim {
  userId: string;
  key: string;
  fingerprint: Buffer;
}

/** Stores the answer of a request whose creating statement took the key. */
export async function storeReply(db: Queryable, claim: IdempotencyClaim, reply: Reply): Promise<void> {
  await db('idempotency_keys')
    .where({ user_id: claim.userId, key: claim.key })
    .update({
      status_code: reply.status,
      response: JSON.stringify(reply.body ?? null),
      version: versionOf(reply.body) ?? null,
    });
}

/** A stored answer as it was first given: its body, and the version (ETag) of the record it showed then. */
function storedReply(stored: { status_code: number; response: unknown; version: number | null }): Reply {
  const body = stored.response;
  return {
    status: stored.status_code,
    body: stored.version !== null && body !== null && typeof body === 'object' ? versioned(body, stored.version) : body,
  };
}

/** A refused request leaves no claim behind: its retry runs again, as a rolled-back transaction would. */
export async function releaseClaim(db: Queryable, claim: IdempotencyClaim): Promise<void> {
  await db('idempotency_keys').where({ user_id: claim.userId, key: claim.key }).whereNull('status_code').delete();
}

/**
 * The answer for a key that was taken already: 409 for another body; the stored answer; or, when the first request has
 * not stored its answer yet (in flight, or its process died right after its statement), the resource it created as it
 * is now, or 409 if there is none.
 */
export async function replay(
  db: Queryable,
  claim: IdempotencyClaim,
  render: (resourceId: string) => Promise<Reply | undefined>,
): Promise<Reply & { replayed: true }> {
  const stored = await db('idempotency_keys').where({ user_id: claim.userId, key: claim.key }).first();
  if (!stored || !Buffer.from(stored.request_hash).equals(claim.fingerprint)) {
    throw conflict('idempotency-key-reused', 'This Idempotency-Key was already used with a different request.');
  }
  if (stored.status_code !== null) return { ...storedReply(stored), replayed: true };
  const rendered = stored.resource_id ? await render(stored.resource_id) : undefined;
  if (!rendered)
    throw conflict(
      'idempotency-key-in-flight',
      'A request with this Idempotency-Key is still being processed; retry shortly.',
    );
  return { ...rendered, replayed: true };
}
