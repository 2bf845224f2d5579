import type { Queryable } from '../db/knex.ts';
import type { ObjectStore } from '../platform/object-store.ts';
import { unreferencedKeys } from './repository.ts';

/**
 * Removes stored objects that no attachment names and that are older than `before`: what an upload left when its
 * process died between storing the bytes and recording the row. Returns how many went.
 */
export async function sweepOrphans(db: Queryable, store: ObjectStore, before: Date): Promise<number> {
  let removed = 0;
  let batch: string[] = [];
  const sweep = async () => {
    for (const key of await unreferencedKeys(db, batch)) {
      await store.delete(key);
      removed += 1;
    }
    batch = [];
  };
  for await (const key of store.keysBefore(before)) {
    batch.push(key);
    if (batch.length === 500) await sweep();
  }
  await sweep();
  return removed;
}
