import type { Queryable } from '../db/knex.ts';

/** Traces by status over every agency, from the maintained counts (no scan of the traces). */
export async function tracesByStatus(db: Queryable): Promise<Map<string, number>> {
  const { rows } = await db.raw('SELECT status, sum(n)::bigint AS n FROM trace_counts GROUP BY status');
  return new Map((rows as { status: string; n: number }[]).map((r) => [r.status, r.n]));
}

/** Alerts not yet closed, by kind and status (open, acknowledged): the partial index of unclosed alerts finds them. */
export async function unclosedAlerts(db: Queryable): Promise<{ kind: string; status: string; n: number }[]> {
  const { rows } = await db.raw(
    "SELECT kind, status, count(*)::int AS n FROM alerts WHERE status <> 'closed' GROUP BY kind, status",
  );
  return rows;
}

/** How many outbox rows wait for the relay, and how long the oldest has waited. */
export async function outboxState(db: Queryable): Promise<{ backlog: number; oldestSeconds: number }> {
  const {
    rows: [row],
  } = await db.raw(
    'SELECT count(*)::int AS backlog, coalesce(extract(epoch FROM now() - min(created_at)), 0)::float AS oldest FROM trace_outbox',
  );
  return { backlog: row.backlog, oldestSeconds: row.oldest };
}
