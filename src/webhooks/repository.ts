import { runQuery, type Queryable } from '../db/knex.ts';
import { decodeIdCursor, decodeSequenceCursor, pageOf } from '../db/pagination.ts';
import type { Event } from '../events/schemas.ts';
import type { Delivery, Webhook, WebhookCreate, WebhookQuery } from './schemas.ts';

interface WebhookRow {
  id: string;
  agency_id: string;
  url: string;
  events: Webhook['events'];
  description: string | null;
  secret_encrypted: string;
  created_by: string;
  created_at: Date;
}

const toWebhook = (row: WebhookRow): Webhook => ({
  id: row.id,
  agencyId: row.agency_id,
  url: row.url,
  events: row.events,
  description: row.description,
  createdBy: row.created_by,
  createdAt: row.created_at.toISOString(),
});

const live = (db: Queryable) => db('webhooks').whereNull('deleted_at');

export async function insertWebhook(
  db: Queryable,
  body: WebhookCreate,
  secretEncrypted: string,
  userId: string,
): Promise<Webhook> {
  const [row] = await db('webhooks')
    .insert({
      agency_id: body.agencyId,
      url: body.url,
      events: body.events,
      description: body.description ?? null,
      secret_encrypted: secretEncrypted,
      created_by: userId,
    })
    .returning('*');
  return toWebhook(row);
}

export async function findWebhook(
  db: Queryable,
  id: string,
): Promise<(Webhook & { secretEncrypted: string }) | undefined> {
  const row = (await live(db).where({ id }).first()) as WebhookRow | undefined;
  return row ? { ...toWebhook(row), secretEncrypted: row.secret_encrypted } : undefined;
}

export async function listWebhooks(db: Queryable, query: WebhookQuery, limit: number) {
  const after = decodeIdCursor(query.cursor);
  const rows = live(db)
    .orderBy([
      { column: 'created_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .limit(limit + 1);
  if (query.agencyId) rows.where('agency_id', query.agencyId);
  if (after) rows.whereRaw('(created_at, id) < (SELECT created_at, id FROM webhooks WHERE id = ?)', [after]);
  return pageOf(await runQuery<WebhookRow>(db, rows), limit, (row) => [row.id], toWebhook);
}

/** Deleted webhooks keep their delivery log; they get no new deliveries. */
export async function deleteWebhook(db: Queryable, id: string): Promise<boolean> {
  return (await live(db).where({ id }).update({ deleted_at: db.fn.now() })) === 1;
}

/** A `ping` for one webhook: the event, its delivery and the outbox row that hands it to the worker, in one statement. */
export async function insertPing(db: Queryable, webhook: Webhook): Promise<string> {
  const {
    rows: [row],
  } = (await db.raw(
    `WITH e AS (INSERT INTO events (type, subject_id, agency_ids, data)
                VALUES ('ping', :id, ARRAY[:agency]::uuid[], jsonb_build_object('webhookId', :id::uuid, 'message', 'Test from Rastreo'))
                RETURNING id),
          o AS (INSERT INTO event_outbox (event_id) SELECT id FROM e),
          n AS (SELECT pg_notify('rastreo_webhook_outbox', ''))
     SELECT e.id::text AS id FROM e, n`,
    { id: webhook.id, agency: webhook.agencyId },
  )) as { rows: { id: string }[] };
  return row!.id;
}

interface DeliveryRow {
  id: string;
  event_id: string;
  type: Delivery['type'];
  attempts: number;
  status: Delivery['status'];
  last_response_status: number | null;
  last_attempt_at: Date | null;
}

export async function listDeliveries(db: Queryable, webhookId: string, limit: number, cursor?: string) {
  const after = decodeSequenceCursor(cursor);
  const rows = db('webhook_deliveries')
    .where({ webhook_id: webhookId })
    .orderBy('webhook_deliveries.event_id', 'desc')
    .limit(limit + 1)
    .select(
      'id',
      db.raw('event_id::text AS event_id'),
      'type',
      'attempts',
      'status',
      'last_response_status',
      'last_attempt_at',
    );
  if (after !== undefined) rows.where('event_id', '<', after);
  return pageOf(
    await runQuery<DeliveryRow>(db, rows),
    limit,
    (row) => [Number(row.event_id)],
    (row): Delivery => ({
      id: row.id,
      eventId: row.event_id,
      type: row.type,
      attempts: row.attempts,
      status: row.status,
      lastResponseStatus: row.last_response_status,
      lastAttemptAt: row.last_attempt_at?.toISOString() ?? null,
    }),
  );
}

/**
 * The relay's step, in the caller's transaction: takes up to `limit` events from the outbox (skipping rows another relay
 * holds), creates one delivery per webhook that wants each (its agency concerned, its type subscribed; a ping only for
 * its own webhook) and removes the outbox rows. Returns every delivery of those events, new or already there, so a
 * relay that died after creating them re-adds their jobs (job ids are the delivery ids: adding twice adds once).
 */
export async function fanOutEvents(db: Queryable, limit: number): Promise<(DeliveryRun & { eventId: string })[]> {
  const { rows } = (await db.raw(
    `WITH taken AS (SELECT o.event_id FROM event_outbox o ORDER BY o.event_id LIMIT :limit FOR UPDATE SKIP LOCKED),
          gone AS (DELETE FROM event_outbox o USING taken WHERE o.event_id = taken.event_id RETURNING o.event_id),
          made AS (
            INSERT INTO webhook_deliveries (webhook_id, event_id, type, subject_id)
            SELECT w.id, e.id, e.type, e.subject_id
              FROM gone JOIN events e ON e.id = gone.event_id
              JOIN webhooks w ON w.deleted_at IS NULL AND w.agency_id = ANY(e.agency_ids)
                AND (CASE WHEN e.type = 'ping' THEN w.id = (e.data->>'webhookId')::uuid ELSE e.type = ANY(w.events) END)
             ORDER BY e.id
            ON CONFLICT (webhook_id, event_id) DO UPDATE SET type = EXCLUDED.type
            RETURNING id, event_id, run)
     SELECT id, run, event_id::text AS "eventId" FROM made ORDER BY event_id`,
    { limit },
  )) as { rows: (DeliveryRun & { eventId: string })[] };
  return rows;
}

export interface DeliveryWork {
  id: string;
  status: Delivery['status'];
  attempts: number;
  run: number;
  parked: boolean;
  subjectId: string;
  webhookId: string;
  eventId: string;
  url: string;
  secretEncrypted: string;
  deleted: boolean;
  event: Event;
}

export async function deliveryWork(db: Queryable, id: string): Promise<DeliveryWork | undefined> {
  const {
    rows: [row],
  } = (await db.raw(
    `SELECT d.id, d.status, d.attempts, d.run, d.parked, d.subject_id AS "subjectId", d.webhook_id AS "webhookId", d.event_id::text AS "eventId",
            w.url, w.secret_encrypted AS "secretEncrypted", w.deleted_at IS NOT NULL AS deleted,
            jsonb_build_object('id', e.id::text, 'type', e.type, 'occurredAt', to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'data', e.data) AS event
       FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id JOIN events e ON e.id = d.event_id
      WHERE d.id = ?`,
    [id],
  )) as { rows: DeliveryWork[] };
  return row;
}

/** Whether an earlier event still waits for this webhook: deliveries to one webhook are made in event order. */
export async function earlierPending(db: Queryable, work: DeliveryWork): Promise<boolean> {
  const row = await db('webhook_deliveries')
    .where({ webhook_id: work.webhookId, status: 'pending' })
    .where('event_id', '<', work.eventId)
    .first('id');
  return Boolean(row);
}

/** Sets a delivery aside (this run of it) until the earlier ones of its webhook have been delivered or have failed. */
export async function park(db: Queryable, work: DeliveryWork): Promise<void> {
  await db('webhook_deliveries').where({ id: work.id, run: work.run, status: 'pending' }).update({ parked: true });
}

export interface DeliveryRun {
  id: string;
  run: number;
}

/**
 * Takes the parked deliveries whose turn has come (no earlier delivery still pending for their webhook), in the caller's
 * transaction, each with a new run (so a new job id), so each is sent on exactly once.
 */
export async function takeUnparked(db: Queryable, limit: number): Promise<DeliveryRun[]> {
  const { rows } = (await db.raw(
    `UPDATE webhook_deliveries d SET parked = false, run = d.run + 1
      WHERE d.id IN (SELECT p.id FROM webhook_deliveries p WHERE p.parked AND p.status = 'pending'
                       AND NOT EXISTS (SELECT 1 FROM webhook_deliveries e WHERE e.webhook_id = p.webhook_id
                                         AND e.status = 'pending' AND e.event_id < p.event_id)
                     ORDER BY p.event_id LIMIT ? FOR UPDATE SKIP LOCKED)
      RETURNING d.id, d.run`,
    [limit],
  )) as { rows: DeliveryRun[] };
  return rows;
}

/**
 * Pending deliveries that should have a live job: not parked, and untouched for longer than `afterMs` (a delivery being
 * retried is touched at each attempt). The reconciler's candidates; the oldest first.
 */
export async function stalePendingDeliveries(db: Queryable, afterMs: number, limit = 500): Promise<DeliveryRun[]> {
  const { rows } = (await db.raw(
    `SELECT d.id, d.run FROM webhook_deliveries d
      WHERE d.status = 'pending' AND NOT d.parked
        AND coalesce(d.last_attempt_at, d.created_at) < now() - make_interval(secs => ?)
      ORDER BY d.event_id LIMIT ?`,
    [afterMs / 1000, limit],
  )) as { rows: DeliveryRun[] };
  return rows;
}

export async function deliveryUnchanged(db: Queryable, delivery: DeliveryRun): Promise<boolean> {
  return Boolean(
    await db('webhook_deliveries')
      .where({ id: delivery.id, run: delivery.run, status: 'pending', parked: false })
      .first('id'),
  );
}

/** The next run of a delivery that lost its job, only if it is still pending in the same run; undefined otherwise. */
export async function nextRun(db: Queryable, delivery: DeliveryRun): Promise<DeliveryRun | undefined> {
  const [row] = (await db('webhook_deliveries')
    .where({ id: delivery.id, run: delivery.run, status: 'pending', parked: false })
    .update({ run: db.raw('run + 1') })
    .returning(['id', 'run'])) as DeliveryRun[];
  return row;
}

/** Webhooks an agency has (not deleted). */
export async function webhookCount(db: Queryable, agencyId: string): Promise<number> {
  const [row] = await live(db).where({ agency_id: agencyId }).count({ n: '*' });
  return Number(row?.n ?? 0);
}

export async function recordAttempt(
  db: Queryable,
  id: string,
  outcome: { status: Delivery['status']; responseStatus: number | null; error: string | null },
) {
  await db('webhook_deliveries')
    .where({ id })
    .update({
      attempts: db.raw('attempts + 1'),
      status: outcome.status,
      last_response_status: outcome.responseStatus,
      last_error: outcome.error?.slice(0, 500) ?? null,
      last_attempt_at: db.fn.now(),
    });
}
