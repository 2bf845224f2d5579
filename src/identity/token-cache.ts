import type { Queryable } from '../db/knex.ts';
import type { Actor } from '../shared/actor.ts';

/** Channel of the NOTIFY sent with every change that must drop cached tokens: `user:<id>`, `agency:<id>`. */
export const IDENTITY_CHANNEL = 'identity_changed';

interface Entry {
  actor: Actor;
  /** The entry is used until then. */
  validUntil: number;
}

const MAX_ENTRIES = 10_000;

/**
 * Who a token belongs to, remembered for a few seconds so that most requests need no lookup. An entry is dropped at once
 * when its user's tokens, role or activity, or its agency, change — in this process directly, in the others by the
 * NOTIFY sent with the change — and after `ttlMs` in any case, so a missed notification costs at most that long.
 */
export class TokenCache {
  private readonly entries = new Map<string, Entry>();

  constructor(readonly ttlMs: number) {}

  get(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (Date.now() < entry.validUntil) return entry;
    this.entries.delete(key);
    return undefined;
  }

  set(key: string, actor: Actor): void {
    if (this.ttlMs <= 0) return;
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { actor, validUntil: Date.now() + this.ttlMs });
  }

  /** Applies an identity change: `user:<id>` or `agency:<id>`; anything else (or a lost listener) drops everything. */
  forget(change: string): void {
    const [kind, id] = change.split(':');
    for (const [key, entry] of this.entries) {
      if (
        (kind === 'user' && entry.actor.id === id) ||
        (kind === 'agency' && entry.actor.agency.id === id) ||
        (kind !== 'user' && kind !== 'agency')
      ) {
        this.entries.delete(key);
      }
    }
  }

  clear(): void {
    this.entries.clear();
  }
}

/** The cache of the app that owns a database pool (shared by its transactions): services drop entries through it. */
const caches = new WeakMap<object, TokenCache>();

export const registerTokenCache = (db: Queryable, cache: TokenCache) => caches.set(db.client, cache);
export const tokenCacheOf = (db: Queryable): TokenCache | undefined => caches.get(db.client);
