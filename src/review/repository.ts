import { runStatement, type Queryable } from '../db/knex.ts';
import { decodeCursor } from '../db/pagination.ts';
import { regionScopeSql } from '../db/scoped.ts';
import { invalidField } from '../shared/problem.ts';
import type { Scope } from '../shared/actor.ts';
import { openAlertsColumn, registryMatchesColumn, tracesInScope, type TraceRow } from '../traces/repository.ts';
import type { AlertReader } from '../alerts/repository.ts';
import type { TraceStatus } from '../traces/schemas.ts';
import { OPEN_STATUSES } from './schemas.ts';

export interface QueueFilter {
  statuses: string[];
  agencyId?: string;
  urgent?: boolean;
  assignedTo?: string | null;
}

export type QueueRow = TraceRow & { changed_at_text: string };

/** Queue keyset: [urgent, exact status_changed_at text, id]. */
export type QueueCursor = [boolean, string, string];

const TIMESTAMP_TEXT = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2})?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function decodeQueueCursor(cursor: string | undefined): QueueCursor | undefined {
  const values = decodeCursor(cursor, 3);
  if (!values) return undefined;
  const [urgent, changedAt, id] = values;
  if (
    typeof urgent === 'boolean' &&
    typeof changedAt === 'string' &&
    TIMESTAMP_TEXT.test(changedAt) &&
    typeof id === 'string' &&
    UUID.test(id)
  ) {
    return [urgent, changedAt, id];
  }
  throw invalidField('/query/cursor', 'is not a cursor returned by this list');
}

/** Urgent first, then longest waiting since the last status change; keyset on exactly that order. */
/** A page of the queue, as a query of `limit` + 1 rows (shown to a reader through `readTraces`). */
export function queueQuery(
  db: Queryable,
  scope: Scope,
  filter: QueueFilter,
  limit: number,
  after: QueueCursor | undefined,
  alerts: AlertReader,
) {
  const query = tracesInScope(db, scope)
    .whereIn('status', filter.statuses)
    .orderBy([{ column: 'urgent', order: 'desc' }, { column: 'status_changed_at' }, { column: 'id' }])
    .limit(limit + 1)
    .select(
      '*',
      db.raw('status_changed_at::text AS changed_at_text'),
      registryMatchesColumn(db),
      openAlertsColumn(db, alerts),
    );
  if (filter.agencyId) query.where('agency_id', filter.agencyId);
  if (filter.urgent !== undefined) query.where('urgent', filter.urgent);
  if (filter.assignedTo === null) query.whereNull('assigned_to');
  else if (filter.assignedTo) query.where('assigned_to', filter.assignedTo);
  if (after) {
    const [urgent, changedAt, id] = after;
    query.where((q) => {
      if (urgent) q.where('urgent', false);
      q.orWhere((same) =>
        same.where('urgent', urgent).whereRaw('(status_changed_at, id) > (?::timestamptz, ?::uuid)', [changedAt, id]),
      );
    });
  }
  return query;
}

export interface SummaryRow {
  counts: { agency_id: string; code: string; status: TraceStatus | null; n: number; urgent: number }[];
  overdue: number;
  oldest_seconds: number | null;
  completed_last_24h: number;
  median_turnaround: number | null;
}

const OPEN_SQL = OPEN_STATUSES.map((s) => `'${s}'`).join(', ');

/**
 * The queue summary in one statement, without counting the region's traces: counts by agency and status (and urgent
 * ones) come from the maintained `trace_counts`; only what depends on the clock reads traces, and then only the recent
 * ones — overdue is the open count less those that changed within the SLA (a range of the open-status index as long as
 * the SLA, however many old traces wait), the oldest wait is the first entry of each range, and completions of the last
 * 30 days (the completion index) give the median turnaround (`date_part`, a float: `extract` sorts slower numerics).
 */
export async function summaryRow(
  db: Queryable,
  scope: Scope,
  now: Date,
  sla: { urgentSeconds: number; routineSeconds: number },
): Promise<SummaryRow> {
  const traces = regionScopeSql(scope, 't');
  const agencies =
    scope.kind === 'region'
      ? 'SELECT a.id, a.code FROM agencies a WHERE a.region = :scopeValue'
      : scope.kind === 'agency'
        ? 'SELECT a.id, a.code FROM agencies a WHERE a.id = :scopeValue'
        : 'SELECT a.id, a.code FROM agencies a';
  const open = `FROM traces t WHERE ${traces.sql} AND t.status IN (${OPEN_SQL})`;
  const {
    rows: [row],
  } = await runStatement<SummaryRow>(
    db,
    `WITH scoped AS (${agencies}),
     counts AS (SELECT c.agency_id, c.status, sum(c.n)::int AS n, sum(c.urgent)::int AS urgent
                  FROM trace_counts c WHERE c.agency_id IN (SELECT id FROM scoped) GROUP BY 1, 2 HAVING sum(c.n) <> 0),
     done AS (SELECT t.completed_at, t.submitted_at FROM traces t
               WHERE ${traces.sql} AND t.status IN ('completed', 'not_traceable')
                 AND t.completed_at > CAST(:now AS timestamptz) - interval '30 days')
     SELECT
       (SELECT coalesce(json_agg(json_build_object('agency_id', a.id, 'code', a.code, 'status', c.status, 'n', coalesce(c.n, 0),
                                                   'urgent', coalesce(c.urgent, 0)) ORDER BY a.code), '[]')
          FROM scoped a LEFT JOIN counts c ON c.agency_id = a.id) AS counts,
       (SELECT coalesce(sum(c.n), 0) FROM counts c WHERE c.status IN (${OPEN_SQL}))::int
       - (SELECT count(*) ${open} AND t.urgent AND t.status_changed_at >= CAST(:now AS timestamptz) - make_interval(secs => :urgentSla))::int
       - (SELECT count(*) ${open} AND NOT t.urgent AND t.status_changed_at >= CAST(:now AS timestamptz) - make_interval(secs => :routineSla))::int AS overdue,
       floor(extract(epoch FROM CAST(:now AS timestamptz) - least(
         (SELECT min(t.status_changed_at) ${open} AND t.urgent), (SELECT min(t.status_changed_at) ${open} AND NOT t.urgent))))::int AS oldest_seconds,
       (SELECT count(*) FROM done WHERE completed_at > CAST(:now AS timestamptz) - interval '24 hours')::int AS completed_last_24h,
       (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY date_part('epoch', completed_at - submitted_at)) FROM done) AS median_turnaround`,
    { now: now.toISOString(), urgentSla: sla.urgentSeconds, routineSla: sla.routineSeconds, scopeValue: traces.value },
  );
  return row!;
}
