import type { Queryable } from '../db/knex.ts';
import { applyScope } from '../db/scoped.ts';
import { decodeCursor } from '../http/pagination.ts';
import { invalidField } from '../http/problem.ts';
import type { Scope } from '../identity/actor.ts';
import { tracesInScope, type TraceRow } from '../traces/repository.ts';
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
  if (typeof urgent === 'boolean' && typeof changedAt === 'string' && TIMESTAMP_TEXT.test(changedAt) && typeof id === 'string' && UUID.test(id)) {
    return [urgent, changedAt, id];
  }
  throw invalidField('/query/cursor', 'is not a cursor returned by this list');
}

/** Urgent first, then longest waiting since the last status change; keyset on exactly that order. */
export async function listQueue(db: Queryable, scope: Scope, filter: QueueFilter, limit: number, after?: QueueCursor): Promise<QueueRow[]> {
  const query = tracesInScope(db, scope)
    .whereIn('status', filter.statuses)
    .orderBy([{ column: 'urgent', order: 'desc' }, { column: 'status_changed_at' }, { column: 'id' }])
    .limit(limit + 1)
    .select('*', db.raw('status_changed_at::text AS changed_at_text'));
  if (filter.agencyId) query.where('agency_id', filter.agencyId);
  if (filter.urgent !== undefined) query.where('urgent', filter.urgent);
  if (filter.assignedTo === null) query.whereNull('assigned_to');
  else if (filter.assignedTo) query.where('assigned_to', filter.assignedTo);
  if (after) {
    const [urgent, changedAt, id] = after;
    query.where((q) => {
      if (urgent) q.where('urgent', false);
      q.orWhere((same) => same.where('urgent', urgent).whereRaw('(status_changed_at, id) > (?::timestamptz, ?::uuid)', [changedAt, id]));
    });
  }
  return query;
}

export interface StatusCountRow {
  agency_id: string;
  code: string;
  status: TraceStatus | null;
  n: number;
  urgent: number;
  overdue: number;
  oldest_seconds: number | null;
}

const OPEN_SQL = OPEN_STATUSES.map((s) => `'${s}'`).join(', ');

/**
 * Counts per agency and status over the scope (an index-only scan on (agency_id, status)), and urgent, overdue and
 * oldest wait computed over the open statuses alone (the partial queue index): finished traces are never read.
 */
export async function statusCounts(db: Queryable, scope: Scope, now: Date, sla: { urgentSeconds: number; routineSeconds: number }): Promise<StatusCountRow[]> {
  const agencies = applyScope(db('agencies as a'), 'a.id', scope).select('a.id', 'a.code');
  const waited = 'extract(epoch FROM (CAST(:now AS timestamptz) - t.status_changed_at))';
  const { rows } = await db.raw(
    `WITH scoped AS (${agencies.toQuery()}),
     counts AS (
       SELECT a.id AS agency_id, c.status, c.n FROM scoped a
       CROSS JOIN LATERAL (SELECT t.status, count(*)::int AS n FROM traces t WHERE t.agency_id = a.id GROUP BY t.status) c),
     waiting AS (
       SELECT t.agency_id, t.status,
              count(*) FILTER (WHERE t.urgent)::int AS urgent,
              count(*) FILTER (WHERE ${waited} > CASE WHEN t.urgent THEN CAST(:urgentSla AS numeric) ELSE CAST(:routineSla AS numeric) END)::int AS overdue,
              floor(max(${waited}))::int AS oldest_seconds
         FROM traces t
        WHERE t.agency_id IN (SELECT id FROM scoped) AND t.status IN (${OPEN_SQL})
        GROUP BY t.agency_id, t.status)
     SELECT a.id AS agency_id, a.code, c.status, coalesce(c.n, 0) AS n, coalesce(w.urgent, 0) AS urgent,
            coalesce(w.overdue, 0) AS overdue, w.oldest_seconds
       FROM scoped a
       LEFT JOIN counts c ON c.agency_id = a.id
       LEFT JOIN waiting w ON w.agency_id = a.id AND w.status = c.status
      ORDER BY a.code`,
    { now: now.toISOString(), urgentSla: sla.urgentSeconds, routineSla: sla.routineSeconds },
  );
  return rows;
}

export async function completionStats(db: Queryable, scope: Scope, now: Date) {
  const row = await tracesInScope(db, scope)
    .whereIn('status', ['completed', 'not_traceable'])
    .where('completed_at', '>', db.raw("?::timestamptz - interval '30 days'", [now.toISOString()]))
    .first(
      db.raw("count(*) FILTER (WHERE completed_at > ?::timestamptz - interval '24 hours')::int AS completed_last_24h", [now.toISOString()]),
      db.raw('percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM completed_at - submitted_at)) AS median_turnaround'),
    );
  return { completedLast24h: row?.completed_last_24h ?? 0, medianTurnaroundSeconds: row?.median_turnaround ?? null };
}
