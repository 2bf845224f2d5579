import type { Queryable } from '../db/knex.ts';

export const OUTBOX_CHANNEL = 'trace_outbox';

export interface QueuedTrace {
  id: string;
  urgent: boolean;
  queue_run: number;
}

/**
 * The one place where a trace that has just become `queued` is handed to the trace pipeline: an outbox row written in
 * the statement of the transition, so it commits or rolls back with it. The relay moves it to BullMQ; NOTIFY (sent on
 * commit) wakes the relay at once instead of at its next poll.
 */
/** The outbox rows of newly queued traces, to run inside a statement that ends with NOTIFY_SELECT. */
export const outboxInsert = (db: Queryable, traces: QueuedTrace[]) =>
  db('trace_outbox').insert(traces.map((trace) => ({ trace_id: trace.id, kind: 'enqueue', run: trace.queue_run, urgent: trace.urgent })));

/** pg_notify as a SELECT, so the NOTIFY rides in the same statement (and round trip) as the outbox insert. */
export const NOTIFY_SELECT = `SELECT pg_notify('${OUTBOX_CHANNEL}', '')`;

/** Asks the relay to move an already queued job ahead (escalation to urgent). */
export async function onTraceReprioritized(db: Queryable, trace: QueuedTrace): Promise<void> {
  await db('trace_outbox').insert({ trace_id: trace.id, kind: 'reprioritize', run: trace.queue_run, urgent: trace.urgent });
  await db.raw(`NOTIFY ${OUTBOX_CHANNEL}`);
}

export interface StaleTrace {
  id: string;
  queue_run: number;
  urgent: boolean;
  /** status_changed_at as PostgreSQL prints it (microseconds kept), to compare exactly. */
  changed_at: string;
}

/** Traces queued or in progress for longer than `afterMs` with no outbox row: the reconciler's candidates. */
export async function staleOpenTraces(db: Queryable, afterMs: number, limit = 500): Promise<StaleTrace[]> {
  return db('traces as t')
    .whereIn('t.status', ['queued', 'in_progress'])
    .where('t.status_changed_at', '<', db.raw('now() - make_interval(secs => ?)', [afterMs / 1000]))
    .whereNotExists((sub) => sub.select(1).from('trace_outbox as o').whereRaw('o.trace_id = t.id'))
    .orderBy('t.status_changed_at')
    .limit(limit)
    .select('t.id', 't.queue_run', 't.urgent', db.raw('t.status_changed_at::text AS changed_at'));
}

/**
 * Hands a stale trace back to the pipeline — only if, under its row, it is still the same run in the same status since
 * the same moment and has no outbox row: a trace that finished (or moved on) after it was listed is left alone.
 */
export async function requeueIfUnchanged(db: Queryable, trace: StaleTrace): Promise<boolean> {
  const { rows } = await db.raw(
    `WITH queued AS (
       INSERT INTO trace_outbox (trace_id, kind, run, urgent)
       SELECT t.id, 'enqueue', t.queue_run, t.urgent FROM traces t
        WHERE t.id = ? AND t.queue_run = ? AND t.status IN ('queued', 'in_progress') AND t.status_changed_at = ?::timestamptz
          AND NOT EXISTS (SELECT 1 FROM trace_outbox o WHERE o.trace_id = t.id)
       RETURNING trace_id)
     SELECT trace_id, pg_notify('${OUTBOX_CHANNEL}', '') FROM queued`,
    [trace.id, trace.queue_run, trace.changed_at],
  );
  return rows.length > 0;
}
