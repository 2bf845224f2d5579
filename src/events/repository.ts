import type { Queryable } from '../db/knex.ts';
import type { Event } from './schemas.ts';

export interface EventRow {
  id: string; type: Event['type']; occurred_at: Date; subject_id: string; agency_ids: string[]; data: Event['data'];
  /** The regions of the agencies concerned (for advisors' scope). */
  regions: string[];
}

const SELECT = `SELECT e.id::text AS id, e.type, e.occurred_at, e.subject_id, e.agency_ids, e.data,
  ARRAY(SELECT DISTINCT a.region FROM agencies a WHERE a.id = ANY(e.agency_ids)) AS regions FROM events e`;

export const toEvent = (row: EventRow): Event => ({ id: row.id, type: row.type, occurredAt: row.occurred_at.toISOString(), data: row.data });

/** The events a NOTIFY named (ids `lo`…`hi`; others' committed events may fall between, readers skip what they sent). */
export async function eventsBetween(db: Queryable, lo: string, hi: string): Promise<EventRow[]> {
  const { rows } = await db.raw(`${SELECT} WHERE e.id BETWEEN ? AND ? AND e.type <> 'ping' ORDER BY e.id`, [lo, hi]) as { rows: EventRow[] };
  return rows;
}

/** What came after `afterId`, for a reconnecting stream (events are kept `EVENT_RETENTION_HOURS`). */
export async function eventsAfter(db: Queryable, afterId: string, limit: number): Promise<EventRow[]> {
  const { rows } = await db.raw(`${SELECT} WHERE e.id > ? AND e.type <> 'ping' ORDER BY e.id LIMIT ?`, [afterId, limit]) as { rows: EventRow[] };
  return rows;
}

export async function latestEventId(db: Queryable): Promise<string> {
  const { rows: [row] } = await db.raw('SELECT coalesce(max(id), 0)::text AS id FROM events') as { rows: { id: string }[] };
  return row!.id;
}

/** Events older than the retention go (their outbox rows and deliveries with them). */
export async function purgeEvents(db: Queryable, olderThanHours: number): Promise<number> {
  return db('events').where('occurred_at', '<', db.raw('now() - make_interval(hours => ?)', [olderThanHours])).delete();
}
