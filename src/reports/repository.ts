import type { Knex } from 'knex';
import type { Queryable } from '../db/knex.ts';
import type { Scope } from '../identity/actor.ts';
import { scopedFrom } from '../db/scoped.ts';
import type { GROUP_BY } from './schemas.ts';

const OUTCOME = "coalesce(CASE WHEN t.status IN ('completed', 'not_traceable') THEN t.result->>'outcome' END, 'pending')";

const KEYS: Record<(typeof GROUP_BY)[number], string> = {
  outcome: OUTCOME,
  manufacturer: 'w.manufacturer_normalized',
  type: "t.weapon->>'type'",
  department: "coalesce(t.recovery_department, 'unknown')",
  sourceCountry: "coalesce(t.result->>'sourceCountry', 'unknown')",
  agency: 'a.code',
  month: "to_char(t.recovery_date, 'YYYY-MM')",
};

export interface ReportFilter {
  from: string;
  to: string;
  agencyId?: string;
  groupBy: (typeof GROUP_BY)[number];
}

/** The counted traces, one row each with its group key, outcome and time-to-crime. */
function counted(db: Queryable, scope: Scope, filter: ReportFilter): Knex.QueryBuilder {
  const query = scopedFrom(db, 'traces as t', 't.agency_id', scope)
    .join('weapons as w', 'w.id', 't.weapon_id')
    .join('agencies as a', 'a.id', 't.agency_id')
    .whereBetween('t.recovery_date', [filter.from, filter.to])
    .whereNotIn('t.status', ['draft', 'cancelled'])
    .select(
      db.raw(`${KEYS[filter.groupBy]} AS key`),
      db.raw(`${OUTCOME} AS outcome`),
      't.status',
      db.raw("(t.result->>'timeToCrimeDays')::int AS ttc"),
    );
  if (filter.agencyId) query.where('t.agency_id', filter.agencyId);
  return query;
}

const median = 'percentile_cont(0.5) WITHIN GROUP (ORDER BY ttc)';

export async function reportGroups(db: Queryable, scope: Scope, filter: ReportFilter) {
  return db.with('counted', counted(db, scope, filter)).from('counted')
    .groupBy('key')
    .orderBy([{ column: 'count', order: 'desc' }, { column: 'key' }])
    .select('key', db.raw('count(*)::int AS count'), db.raw("count(*) FILTER (WHERE status = 'completed')::int AS completed"),
      db.raw(`${median} AS median`)) as Promise<{ key: string | null; count: number; completed: number; median: number | null }[]>;
}

export async function reportTotals(db: Queryable, scope: Scope, filter: ReportFilter) {
  const [outcomes, ttc] = await Promise.all([
    db.with('counted', counted(db, scope, filter)).from('counted').groupBy('outcome')
      .select('outcome', db.raw('count(*)::int AS count')) as Promise<{ outcome: string; count: number }[]>,
    db.with('counted', counted(db, scope, filter)).from('counted').whereNotNull('ttc').first(
      db.raw('count(*)::int AS count'),
      db.raw('percentile_cont(0.25) WITHIN GROUP (ORDER BY ttc) AS p25'),
      db.raw(`${median} AS p50`),
      db.raw('percentile_cont(0.75) WITHIN GROUP (ORDER BY ttc) AS p75'),
      db.raw('avg((ttc < 1095)::int) AS under3'),
    ),
  ]);
  return { outcomes, ttc: ttc as { count: number; p25: number | null; p50: number | null; p75: number | null; under3: number | null } };
}
