import type { Knex } from 'knex';
import type { Scope } from '../shared/actor.ts';
import type { Queryable } from './knex.ts';

/**
 * The one way repositories read agency-owned rows: the scope filter is part of the query from its first line.
 * `table` may carry an alias ("traces as t"); `agencyColumn` names the owning agency column.
 */
export function scopedFrom(db: Queryable, table: string, agencyColumn: string, scope: Scope): Knex.QueryBuilder {
  return applyScope(db(table), agencyColumn, scope);
}

export function applyScope(query: Knex.QueryBuilder, agencyColumn: string, scope: Scope): Knex.QueryBuilder {
  switch (scope.kind) {
    case 'all':
      return query;
    case 'agency':
      return query.where(agencyColumn, scope.agencyId);
    case 'region':
      return query.whereIn(agencyColumn, (sub) => sub.select('id').from('agencies').where('region', scope.region));
  }
}

/**
 * For tables that carry their agency's region (traces): a region scope filters on that column, so a region's rows are
 * one range of an index that leads with it.
 */
export function scopedWithRegion(db: Queryable, table: string, alias: string, scope: Scope): Knex.QueryBuilder {
  const from = db(`${table} as ${alias}`);
  return scope.kind === 'region'
    ? from.where(`${alias}.region`, scope.region)
    : applyScope(from, `${alias}.agency_id`, scope);
}

/** The same filter as raw SQL for hand-written statements: a predicate over `alias` and the value bound as `:scopeValue`. */
export function regionScopeSql(scope: Scope, alias: string): { sql: string; value: string | null } {
  if (scope.kind === 'region') return { sql: `${alias}.region = :scopeValue`, value: scope.region };
  if (scope.kind === 'agency') return { sql: `${alias}.agency_id = :scopeValue`, value: scope.agencyId };
  return { sql: 'TRUE', value: null };
}

/**
 * For records that concern several agencies (alerts, events: an `agency_ids` array): visible when one of those agencies
 * is the caller's, or in the caller's region, or to everyone for `all`.
 */
export function applyAgenciesScope(query: Knex.QueryBuilder, agenciesColumn: string, scope: Scope): Knex.QueryBuilder {
  if (scope.kind === 'agency') return query.whereRaw(`${agenciesColumn} @> ARRAY[?]::uuid[]`, [scope.agencyId]);
  if (scope.kind === 'region')
    return query.whereRaw(`${agenciesColumn} && ARRAY(SELECT id FROM agencies WHERE region = ?)`, [scope.region]);
  return query;
}

/** The same rule for a record already read, given its agencies and their regions (a live stream filtering what it sends). */
export const concernsScope = (scope: Scope, agencyIds: readonly string[], regions: readonly string[]) =>
  scope.kind === 'all' ||
  (scope.kind === 'agency' ? agencyIds.includes(scope.agencyId) : regions.includes(scope.region));
