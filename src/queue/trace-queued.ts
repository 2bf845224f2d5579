import type { Queryable } from '../db/knex.ts';

/**
 * The one place where a trace that has just become `queued` is handed to the trace pipeline.
 * It runs inside the transaction of the transition, so whatever it writes commits or rolls back with it.
 * Until the pipeline exists, a queued trace simply waits in the database.
 */
export async function onTraceQueued(_db: Queryable, _trace: { id: string; urgent: boolean }): Promise<void> {}
