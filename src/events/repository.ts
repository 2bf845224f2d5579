import type { Queryable } from '../db/knex.ts';
import type { Event } from './schemas.ts';

export interface EventRow {
  id: string;
  type: Event['type'];
  occurred_at: Date;
  subject_id: string;
  agency_ids: string[];
  data: Event['data'];
  /** The regions of the agencies concerned (for advisors' scope). */
  regions: string[];
}

const SELECT = `SELECT e.id::text AS id, e.type, e.occurred_at, e.subject_id, e.agency_ids, e.data,
  ARRAY(SELECT DISTINCT a.region FROM agencies a WHERE a.id = ANY(e.agency_ids)) AS regions FROM events e`;

/** A stored event as sent; the database pairs each `type` with its `data` (the triggers that write them). */
export const toEvent = (row: EventRow): Event =>
  ({
    id: row.id,
    type: row.type,
    occurredAt: row.occurred_at.toISOString(),
    data: row.data,
  }) as Event;

/**
 * The events some NOTIFYs named (each ids `lo`…`hi`; others' committed events may fall between, readers skip what they
 * sent), in id order.
 */
export async function eventsBetween(db: Queryable, ranges: [lo: string, hi: string][]): Promise<EventRow[]> {
  const { rows } = (await db.raw(
    `${SELECT} WHERE e.id IN (SELECT e2.id FROM unnest(?::bigint[], ?::bigint[]) r(lo, hi) JOIN events e2 ON e2.id BETWEEN r.lo AND r.hi)
       AND e.type <> 'ping' ORDER BY e.id`,
    [ranges.map(([lo]) => lo), ranges.map(([, hi]) => hi)],
  )) as { rows: EventRow[] };
  return rows;
}

/** What came after `afterId` by id, for a live reader that lost its notifications for a while. */
export async function eventsAfter(db: Queryable, afterId: string, limit: number): Promise<EventRow[]> {
  const { rows } = (await db.raw(`${SELECT} WHERE e.id > ? AND e.type <> 'ping' ORDER BY e.id LIMIT ?`, [
    afterId,
    limit,
  ])) as { rows: EventRow[] };
  return rows;
}

/** Whether an event with this id is stored (a reconnect's Last-Event-ID must name one; events are kept `EVENT_RETENTION_HOURS`). */
export async function eventExists(db: Queryable, id: string): Promise<boolean> {
  const { rows } = (await db.raw('SELECT 1 FROM events WHERE id = ?', [id])) as { rows: unknown[] };
  return rows.length > 0;
}

/**
 * What a stream that last received event `lastId` has not seen: every event committed after it. Ids are taken at insert,
 * not at commit, so besides the larger ids this includes a smaller id whose transaction was not visible in the snapshot
 * `lastId` was written under (still open then, so it may have committed after). Such an event that the stream had in
 * fact sent is sent again: readers dedupe by id.
 */
export async function eventsCommittedAfter(db: Queryable, lastId: string, limit: number): Promise<EventRow[]> {
  const { rows } = (await db.raw(
    `${SELECT}, (SELECT id, tx, tx_xmin, tx_snapshot, occurred_at FROM events WHERE id = :lastId) l
      WHERE e.type <> 'ping'
        AND (e.id > l.id
             OR (e.id < l.id AND e.tx <> l.tx AND e.occurred_at > l.occurred_at - interval '10 minutes'
                 AND CASE WHEN l.tx_snapshot IS NOT NULL THEN NOT pg_visible_in_snapshot(e.tx, l.tx_snapshot)
                          ELSE e.tx >= l.tx_xmin END))
      ORDER BY e.id LIMIT :limit`,
    { lastId, limit },
  )) as { rows: EventRow[] };
  return rows;
}

export async function latestEventId(db: Queryable): Promise<string> {
  const {
    rows: [row],
  } = (await db.raw('SELECT coalesce(max(id), 0)::text AS id FROM events')) as { rows: { id: string }[] };
  return row!.id;
}

/** Events older than the retention go (their outbox rows and deliveries with them). */
export async function purgeEvents(db: Queryable, olderThanHours: number): Promise<number> {
  return db('events')
    .where('occurred_at', '<', db.raw('now() - make_interval(hours => ?)', [olderThanHours]))
    .delete();
}
