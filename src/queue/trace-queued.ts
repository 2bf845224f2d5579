import type { Queryable } from '../db/knex.ts';

export const OUTBOX_CHANNEL = 'trace_outbox';

export interface QueuedTrace {
  id: string;
  urgent: boolean;
  queue_run: number;
}

/**
 * The one place where a trace that has just become `queued` is handed to the trace pipeline: an outbox row written in
 * the transaction of the transition, so it commits or rolls back with it. The relay moves it to BullMQ; NOTIFY (sent on
 * commit) wakes the relay at once instead of at its next poll.
 */
export const onTraceQueued = (db: Queryable, trace: QueuedTrace) => onTracesQueued(db, [trace]);

export async function onTracesQueued(db: Queryable, traces: QueuedTrace[]): Promise<void> {
  if (!traces.length) return;
  const insert = outboxInsert(db, traces).toSQL();
  await db.raw(`WITH queued AS (${insert.sql}) ${NOTIFY_SELECT}`, insert.bindings);
}

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
