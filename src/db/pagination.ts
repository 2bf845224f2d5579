import type { Knex } from 'knex';
import { invalidField } from '../shared/problem.ts';
import { hostileTextErrors } from '../shared/hostile-text.ts';

export type CursorValues = (string | number | boolean | null)[];

export function encodeCursor(values: CursorValues): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

export function decodeCursor(cursor: string | undefined, arity: number): CursorValues | undefined {
  if (cursor === undefined) return undefined;
  try {
    const values: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    const usable = Array.isArray(values) && values.length === arity && hostileTextErrors(values).length === 0;
    if (usable) return values as CursorValues;
  } catch {
    // fall through to the 400 below
  }
  throw invalidField('/query/cursor', 'is not a cursor returned by this list');
}

export interface PageOf<T> {
  items: T[];
  nextCursor: string | null;
}

/** rows were fetched with limit + 1; the extra row only tells that another page exists. */
export function pageOf<Row, T>(
  rows: Row[],
  limit: number,
  key: (row: Row) => CursorValues,
  map: (row: Row) => T,
): PageOf<T> {
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  return { items: page.map(map), nextCursor: more ? encodeCursor(key(page[page.length - 1]!)) : null };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Lists ordered by an immutable column keep only the last row's id in the cursor; SQL looks up the exact sort values. */
export function decodeIdCursor(cursor: string | undefined): string | undefined {
  const values = decodeCursor(cursor, 1);
  if (values === undefined) return undefined;
  if (typeof values[0] === 'string' && UUID.test(values[0])) return values[0];
  throw invalidField('/query/cursor', 'is not a cursor returned by this list');
}

/** Lists ordered by a generated sequence (events, audit entries) keep that number in the cursor. */
export function decodeSequenceCursor(cursor: string | undefined): number | undefined {
  const values = decodeCursor(cursor, 1);
  if (values === undefined) return undefined;
  if (typeof values[0] === 'number' && Number.isSafeInteger(values[0])) return values[0];
  throw invalidField('/query/cursor', 'is not a cursor returned by this list');
}

/**
 * A list newest first by (created_at, id), one page after the row the cursor names (its sort values looked up by id,
 * so the cursor holds only the id). `table` is the listed table, `alias` its name in the query when it has one.
 */
export function newestFirst<Q extends Knex.QueryBuilder>(
  rows: Q,
  table: string,
  alias: string | null,
  cursor: string | undefined,
  limit: number,
): Q {
  const column = (name: string) => (alias ? `${alias}.${name}` : name);
  const after = decodeIdCursor(cursor);
  rows
    .orderBy([
      { column: column('created_at'), order: 'desc' },
      { column: column('id'), order: 'desc' },
    ])
    .limit(limit + 1);
  if (after)
    rows.whereRaw(`(${column('created_at')}, ${column('id')}) < (SELECT created_at, id FROM ${table} WHERE id = ?)`, [
      after,
    ]);
  return rows;
}
