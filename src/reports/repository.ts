import type { Knex } from 'knex';
import type { Queryable } from '../db/knex.ts';
import type { Scope } from '../shared/actor.ts';
import { scopedWithRegion } from '../db/scoped.ts';
import type { GROUP_BY } from './schemas.ts';

const OUTCOME = "coalesce(t.outcome, 'pending')";

const KEYS: Record<(typeof GROUP_BY)[number], string> = {
  outcome: OUTCOME,
  manufacturer: 'w.manufacturer_normalized',
  type: "t.weapon->>'type'",
  department: "coalesce(t.recovery_department, 'unknown')",
  sourceCountry: "coalesce(t.result->>'sourceCountry', 'unknown')",
  agency: 'a.code',
  month: "to_char(t.recovery_date, 'YYYY-MM')",
  dealer: "coalesce(t.result->'dealer'->>'licenseNumber', 'unknown')",
};

export interface ReportFilter {
  from: string;
  to: string;
  agencyId?: string;
  groupBy: (typeof GROUP_BY)[number];
}

/** The counted traces, one row each with its group key, outcome and time-to-crime. */
function counted(db: Queryable, scope: Scope, filter: ReportFilter): Knex.QueryBuilder {
  const query = scopedWithRegion(db, 'traces', 't', scope)
    .whereBetween('t.recovery_date', [filter.from, filter.to])
    .whereNotIn('t.status', ['draft', 'cancelled'])
    .select(
      db.raw(`${KEYS[filter.groupBy]} AS key`),
      db.raw(`${OUTCOME} AS outcome`),
      't.status',
      db.raw('t.time_to_crime_days AS ttc'),
    );
  // Join only what the grouping needs: each join costs a lookup per counted trace.
  if (filter.groupBy === 'manufacturer') query.join('weapons as w', 'w.id', 't.weapon_id');
  if (filter.groupBy === 'agency') query.join('agencies as a', 'a.id', 't.agency_id');
  if (filter.agencyId) query.where('t.agency_id', filter.agencyId);
  return query;
}

export interface ReportRow {
  by: 'group' | 'outcome' | 'total';
  key: string | null;
  outcome: string | null;
  count: number;
  completed: number;
  median: number | null;
  p25: number | null;
  p75: number | null;
  under3: number | null;
  ttc_count: number;
  under1_count: number;
  under3_count: number;
}

/** Groups, outcomes and the time-to-crime figures in one pass over the counted traces (GROUPING SETS). */
export async function reportRows(db: Queryable, scope: Scope, filter: ReportFilter): Promise<ReportRow[]> {
  return db
    .with('counted', counted(db, scope, filter))
    .from('counted')
    .groupByRaw('GROUPING SETS ((key), (outcome), ())')
    .select(
      db.raw(
        "CASE WHEN GROUPING(key) = 0 THEN 'group' WHEN GROUPING(outcome) = 0 THEN 'outcome' ELSE 'total' END AS by",
      ),
      'key',
      'outcome',
      db.raw('count(*)::int AS count'),
      db.raw("count(*) FILTER (WHERE status = 'completed')::int AS completed"),
      db.raw('percentile_cont(0.5) WITHIN GROUP (ORDER BY ttc) AS median'),
      db.raw('percentile_cont(0.25) WITHIN GROUP (ORDER BY ttc) AS p25'),
      db.raw('percentile_cont(0.75) WITHIN GROUP (ORDER BY ttc) AS p75'),
      db.raw('avg((ttc < 1095)::int) AS under3'),
      db.raw('count(ttc)::int AS ttc_count'),
      db.raw('count(*) FILTER (WHERE ttc < 365)::int AS under1_count'),
      db.raw('count(*) FILTER (WHERE ttc < 1095)::int AS under3_count'),
    ) as Promise<ReportRow[]>;
}
