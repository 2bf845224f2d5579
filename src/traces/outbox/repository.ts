import type { Queryable } from '../../db/knex.ts';
import type { WeaponDescription } from '../../weapons/schemas.ts';

/**
 * The trace outbox: a trace that becomes `queued` gets a row in the very statement of its transition (see the traces'
 * write repository), so it commits or rolls back with it; the relay moves rows to BullMQ. NOTIFY (sent on commit) wakes
 * the relay at once instead of at its next poll.
 */
export const OUTBOX_CHANNEL = 'trace_outbox';

/** pg_notify as a SELECT, so the NOTIFY rides in the same statement (and round trip) as the outbox insert that needs it. */
export const NOTIFY_OUTBOX = `pg_notify('${OUTBOX_CHANNEL}', '')`;

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
/** Whether the trace is still open in the same run, status and moment as when it was listed (the reconciler's re-check). */
export async function isUnchanged(db: Queryable, trace: StaleTrace): Promise<boolean> {
  const row = await db('traces')
    .where({ id: trace.id, queue_run: trace.queue_run })
    .whereIn('status', ['queued', 'in_progress'])
    .whereRaw('status_changed_at = ?::timestamptz', [trace.changed_at])
    .first('id');
  return Boolean(row);
}

export async function requeueIfUnchanged(db: Queryable, trace: StaleTrace): Promise<boolean> {
  const { rows } = await db.raw(
    `WITH queued AS (
       INSERT INTO trace_outbox (trace_id, kind, run, urgent)
       SELECT t.id, 'enqueue', t.queue_run, t.urgent FROM traces t
        WHERE t.id = ? AND t.queue_run = ? AND t.status IN ('queued', 'in_progress') AND t.status_changed_at = ?::timestamptz
          AND NOT EXISTS (SELECT 1 FROM trace_outbox o WHERE o.trace_id = t.id)
       RETURNING trace_id)
     SELECT trace_id, ${NOTIFY_OUTBOX} FROM queued`,
    [trace.id, trace.queue_run, trace.changed_at],
  );
  return rows.length > 0;
}

export interface OutboxRow {
  id: number;
  trace_id: string;
  kind: 'enqueue' | 'reprioritize';
  run: number;
  urgent: boolean;
  /** What the tracing center will be asked (no personal data): the job carries it. */
  reference: string;
  weapon: WeaponDescription;
  recovery_date: string;
  recovery_country: string | null;
}

/** The oldest outbox rows, with their traces' request data. */
export async function pendingOutbox(db: Queryable, limit: number): Promise<OutboxRow[]> {
  const { rows } = await db.raw(
    `SELECT o.id, o.trace_id, o.kind, o.run, o.urgent, t.reference, t.weapon, t.recovery_date, t.recovery_country
       FROM trace_outbox o JOIN traces t ON t.id = o.trace_id ORDER BY o.id LIMIT ?`,
    [limit],
  );
  return rows;
}

export async function deleteOutbox(db: Queryable, ids: number[]): Promise<void> {
  await db('trace_outbox').whereIn('id', ids).delete();
}
