import { indicatorRulesJson } from './rules.ts';
import { runQuery, type Queryable } from '../db/knex.ts';
import { decodeIdCursor, pageOf } from '../db/pagination.ts';
import { scopedWithRegion } from '../db/scoped.ts';
import type { Scope } from '../shared/actor.ts';
import type { TraceResult } from '../traces/schemas.ts';
import type { Indicator, IndicatorQuery, WeaponLinks } from './schemas.ts';
import { LINKS_SHOWN, TRACES_SHOWN } from './schemas.ts';

/** The key of a scope's rows in `indicator_scopes` (written by the database's `record_indicators`). */
const scopeKey = (scope: Scope) =>
  scope.kind === 'all' ? 'all' : scope.kind === 'agency' ? `agency:${scope.agencyId}` : `region:${scope.region}`;

interface IndicatorRow {
  id: string;
  reference: string;
  kind: Indicator['kind'];
  key: string;
  severity: Indicator['severity'];
  first_seen: Date;
  last_seen: Date;
  trace_count: number;
  details: Indicator['details'];
}
interface MemberRow {
  indicator_id: string;
  id: string;
  reference: string;
  agency_id: string;
  in_scope: string;
}

/** The indicators a scope may list (those with a trace in it), newest activity first, each with its traces in scope. */
export async function listIndicators(db: Queryable, scope: Scope, query: IndicatorQuery, limit: number) {
  const key = scopeKey(scope);
  const after = decodeIdCursor(query.cursor);
  const rows = db('indicator_scopes as s')
    .join('indicators as i', 'i.id', 's.indicator_id')
    .where('s.scope', key)
    .select(
      'i.id',
      'i.reference',
      'i.kind',
      'i.key',
      'i.severity',
      'i.first_seen',
      'i.trace_count',
      'i.details',
      's.last_seen',
    )
    .orderBy([
      { column: 's.last_seen', order: 'desc' },
      { column: 's.indicator_id', order: 'desc' },
    ])
    .limit(limit + 1);
  if (query.kind) rows.where('s.kind', query.kind);
  if (query.from) rows.whereRaw('s.last_seen >= ?::date', [query.from]);
  if (query.to) rows.whereRaw('i.first_seen < ?::date + 1', [query.to]);
  if (query.traceId)
    // Only a trace in the caller's own scope: another agency's trace id tells nothing.
    rows.whereExists(
      scopedWithRegion(db, 'indicator_traces', 'x', scope)
        .select(db.raw('1'))
        .whereRaw('x.indicator_id = s.indicator_id')
        .where('x.trace_id', query.traceId),
    );
  if (after)
    rows.whereRaw(
      '(s.last_seen, s.indicator_id) < (SELECT last_seen, indicator_id FROM indicator_scopes WHERE indicator_id = ? AND scope = ?)',
      [after, key],
    );
  const found = await runQuery<IndicatorRow>(db, rows);
  const members = found.length
    ? await membersInScope(
        db,
        scope,
        found.slice(0, limit).map((r) => r.id),
      )
    : [];
  return pageOf(
    found,
    limit,
    (row) => [row.id],
    (row): Indicator => {
      const mine = members.filter((m) => m.indicator_id === row.id);
      const inScope = Number(mine[0]?.in_scope ?? 0);
      return {
        id: row.id,
        reference: row.reference,
        kind: row.kind,
        key: row.key,
        severity: row.severity,
        firstSeen: row.first_seen.toISOString(),
        lastSeen: row.last_seen.toISOString(),
        traceCount: row.trace_count,
        traces: mine.map((m) => ({ id: m.id, reference: m.reference, agencyId: m.agency_id })),
        tracesOutsideScope: Math.max(0, row.trace_count - inScope),
        details: row.details,
      };
    },
  );
}

async function membersInScope(db: Queryable, scope: Scope, ids: string[]): Promise<MemberRow[]> {
  const ranked = scopedWithRegion(db, 'indicator_traces', 'x', scope)
    .join('traces as t', 't.id', 'x.trace_id')
    .whereIn('x.indicator_id', ids)
    .where('x.qualifies', true)
    .select(
      'x.indicator_id',
      't.id',
      't.reference',
      't.agency_id',
      db.raw('count(*) OVER (PARTITION BY x.indicator_id) AS in_scope'),
      db.raw('row_number() OVER (PARTITION BY x.indicator_id ORDER BY x.seen_at DESC, t.id) AS n'),
    );
  return runQuery<MemberRow>(
    db,
    db
      .from(ranked.as('r'))
      .where('r.n', '<=', TRACES_SHOWN)
      .orderBy(['r.indicator_id', 'r.n'])
      .select('r.indicator_id', 'r.id', 'r.reference', 'r.agency_id', 'r.in_scope'),
  );
}

/** The gun's newest completed trace in scope: whom it was sold to and by whom. */
export async function newestResultOf(db: Queryable, scope: Scope, weaponId: string): Promise<TraceResult | undefined> {
  const [row] = await runQuery<{ result: TraceResult }>(
    db,
    scopedWithRegion(db, 'traces', 't', scope)
      .where({ 't.weapon_id': weaponId, 't.status': 'completed' })
      .orderBy('t.completed_at', 'desc')
      .limit(1)
      .select('t.result'),
  );
  return row?.result;
}

const VIA_OF_KIND = {
  repeat_purchaser: 'purchaser',
  dealer_cluster: 'dealer',
  serial_sequence: 'serial_sequence',
} as const;

/**
 * The other guns in scope tied to this one: through the candidate indicators its completed traces belong to (same
 * purchaser, same dealer, same serial batch) and through its cases; for each gun and tie, its newest trace in scope.
 */
export async function linkedWeapons(
  db: Queryable,
  scope: Scope,
  weaponId: string,
  throughPurchaser: boolean,
): Promise<WeaponLinks['related']> {
  const kinds = Object.keys(VIA_OF_KIND).filter((k) => throughPurchaser || k !== 'repeat_purchaser');
  // Only this gun's own traces in scope lead anywhere: a tie found through another agency's trace of it would tell the
  // caller that agency's purchaser or dealer.
  const mine = scopedWithRegion(db, 'indicator_traces', 'm', scope)
    .join('indicators as i', 'i.id', 'm.indicator_id')
    .where('m.weapon_id', weaponId)
    .whereIn('i.kind', kinds)
    .distinct('m.indicator_id', 'i.kind');
  const viaIndicator = scopedWithRegion(db, 'indicator_traces', 'o', scope)
    .join(mine.as('mine'), 'mine.indicator_id', 'o.indicator_id')
    .whereNot('o.weapon_id', weaponId)
    .select(
      'o.weapon_id',
      'o.trace_id',
      'o.seen_at as at',
      db.raw(
        `CASE mine.kind ${Object.entries(VIA_OF_KIND)
          .map(([k, v]) => `WHEN '${k}' THEN '${v}'`)
          .join(' ')} END AS via`,
      ),
    );
  const viaCase = scopedWithRegion(db, 'traces', 't', scope)
    .whereIn('t.case_id', db('case_weapons').where('weapon_id', weaponId).select('case_id'))
    .whereNot('t.weapon_id', weaponId)
    .whereNot('t.status', 'cancelled')
    .select('t.weapon_id', 't.id as trace_id', 't.created_at as at', db.raw("'case' AS via"));
  const newest = db
    .from(viaIndicator.unionAll(viaCase).as('tied'))
    .distinctOn('tied.weapon_id', 'tied.via')
    .orderBy([{ column: 'tied.weapon_id' }, { column: 'tied.via' }, { column: 'tied.at', order: 'desc' }])
    .select('tied.*');
  const ranked = db
    .from(newest.as('n'))
    .select('n.*', db.raw('row_number() OVER (PARTITION BY n.via ORDER BY n.at DESC, n.weapon_id) AS r'));
  const rows = await runQuery<{ weapon_id: string; reference: string; via: WeaponLinks['related'][number]['via'] }>(
    db,
    db
      .from(ranked.as('k'))
      .join('traces as tr', 'tr.id', 'k.trace_id')
      .where('k.r', '<=', LINKS_SHOWN)
      .orderBy([{ column: 'k.via' }, { column: 'k.at', order: 'desc' }])
      .select('k.weapon_id', 'tr.reference', 'k.via'),
  );
  return rows.map((row) => ({ weaponId: row.weapon_id, reference: row.reference, via: row.via }));
}

/** Records the indicators of up to `batch` queued completions (see migration 012); how many it took. */
export async function recordQueuedIndicators(db: Queryable, batch: number): Promise<number> {
  const {
    rows: [row],
  } = await db.raw('SELECT record_indicator_outbox(?, ?::jsonb) AS n', [batch, indicatorRulesJson()]);
  return Number(row.n);
}
