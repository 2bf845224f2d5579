import { runQuery, type Queryable } from '../db/knex.ts';
import { decodeCursor, decodeIdCursor, pageOf } from '../db/pagination.ts';
import { applyScope } from '../db/scoped.ts';
import type { Scope } from '../shared/actor.ts';
import { normalizeManufacturer, normalizeSerial } from '../weapons/identity.ts';
import { invalidField } from '../shared/problem.ts';
import type { LineQuery, Stocktake, StocktakeLine, StocktakeQuery } from './schemas.ts';

/** A line's outcome as it stands now (`l` the line, `i` its item); `notCounted` names an expected item not counted yet. */
const outcomeNow = (notCounted: 'pending' | 'missing') =>
  `CASE WHEN NOT l.expected THEN 'unexpected' WHEN l.counted_at IS NOT NULL THEN 'counted'
        WHEN i.status = 'destroyed' THEN 'left' ELSE '${notCounted}' END`;
/** Why a line is not a plain count (`st` the stocktake). */
const EXPLANATION_NOW = `CASE
  WHEN NOT l.expected THEN CASE WHEN i.status = 'destroyed' THEN 'recorded_destroyed'
                                WHEN i.storage_location <> st.storage_location THEN 'recorded_elsewhere'
                                ELSE 'taken_in_during_count' END
  WHEN l.counted_at IS NULL AND i.status = 'destroyed' THEN 'destroyed_during_count' END`;
/** Closed lines keep the outcome they were signed off with. */
const OUTCOME = `coalesce(l.outcome, ${outcomeNow('pending')})`;
const EXPLANATION = `CASE WHEN l.outcome IS NOT NULL THEN l.explanation ELSE ${EXPLANATION_NOW} END`;

const TALLY = `(SELECT count(*) FILTER (WHERE x.expected) AS expected,
         count(*) FILTER (WHERE x.expected AND x.counted_at IS NOT NULL) AS counted,
         count(*) FILTER (WHERE NOT x.expected) AS unexpected,
         count(*) FILTER (WHERE x.outcome = 'missing') AS missing
    FROM stocktake_lines x WHERE x.stocktake_id = st.id)`;

interface StocktakeRow {
  id: string;
  reference: string;
  agency_id: string;
  agency_code: string;
  agency_name: string;
  agency_country: string;
  storage_location: string;
  status: Stocktake['status'];
  opening_note: string | null;
  opened_by: string;
  opened_by_name: string;
  opened_at: Date;
  closed_by: string | null;
  closed_by_name: string | null;
  closed_at: Date | null;
  closing_note: string | null;
  expected: string;
  counted: string;
  unexpected: string;
  missing: string;
}

const stocktakesInScope = (db: Queryable, scope: Scope) =>
  applyScope(
    db('stocktakes as st')
      .join('agencies as a', 'a.id', 'st.agency_id')
      .join('users as ou', 'ou.id', 'st.opened_by')
      .leftJoin('users as cu', 'cu.id', 'st.closed_by')
      .joinRaw(`CROSS JOIN LATERAL ${TALLY} t`),
    'st.agency_id',
    scope,
  ).select(
    'st.*',
    'a.code as agency_code',
    'a.name as agency_name',
    'a.country as agency_country',
    'ou.name as opened_by_name',
    'cu.name as closed_by_name',
    't.*',
  );

const toStocktake = (row: StocktakeRow): Stocktake => ({
  id: row.id,
  reference: row.reference,
  agencyId: row.agency_id,
  agency: { code: row.agency_code, name: row.agency_name, country: row.agency_country },
  storageLocation: row.storage_location,
  status: row.status,
  note: row.opening_note,
  expected: Number(row.expected),
  counted: Number(row.counted),
  unexpectedCount: Number(row.unexpected),
  missingCount: row.status === 'closed' ? Number(row.missing) : null,
  openedBy: row.opened_by,
  openedByName: row.opened_by_name,
  openedAt: row.opened_at.toISOString(),
  closedBy: row.closed_by,
  closedByName: row.closed_by_name,
  closedAt: row.closed_at?.toISOString() ?? null,
  closingNote: row.closing_note,
});

export async function findStocktake(db: Queryable, scope: Scope, id: string): Promise<Stocktake | undefined> {
  const [row] = await runQuery<StocktakeRow>(db, stocktakesInScope(db, scope).where('st.id', id).limit(1));
  return row ? toStocktake(row) : undefined;
}

/** The agency of a stocktake in scope (undefined outside it): what a count needs, without the tally. */
export async function agencyOfStocktake(db: Queryable, scope: Scope, id: string): Promise<string | undefined> {
  const row = await applyScope(db('stocktakes as st'), 'st.agency_id', scope)
    .where('st.id', id)
    .first<{ agency_id: string } | undefined>('st.agency_id');
  return row?.agency_id;
}

export async function listStocktakes(db: Queryable, scope: Scope, query: StocktakeQuery, limit: number) {
  const after = decodeIdCursor(query.cursor);
  const rows = stocktakesInScope(db, scope)
    .orderBy([
      { column: 'st.opened_at', order: 'desc' },
      { column: 'st.id', order: 'desc' },
    ])
    .limit(limit + 1);
  if (query.status) rows.where('st.status', query.status);
  if (query.storageLocation) rows.where('st.storage_location', query.storageLocation);
  if (after) rows.whereRaw('(st.opened_at, st.id) < (SELECT opened_at, id FROM stocktakes WHERE id = ?)', [after]);
  return pageOf(await runQuery<StocktakeRow>(db, rows), limit, (row) => [row.id], toStocktake);
}

/**
 * Opens a stocktake of a store, its expected lines the items in custody or scheduled there now, in one statement.
 * The partial unique key `stocktakes_one_unclosed` refuses a second unclosed stocktake of the store.
 */
export async function openStocktake(
  db: Queryable,
  open: { agencyId: string; storageLocation: string; note: string | null; userId: string },
): Promise<string> {
  const result = await db.raw(
    `WITH st AS (
       INSERT INTO stocktakes (agency_id, storage_location, opening_note, opened_by)
       VALUES (:agencyId, :storageLocation, :note, :userId) RETURNING id),
     lines AS (
       INSERT INTO stocktake_lines (stocktake_id, item_id, expected)
       SELECT st.id, i.id, true FROM st, stockpile_items i
        WHERE i.agency_id = :agencyId AND i.storage_location = :storageLocation AND i.status IN ('in_custody', 'scheduled'))
     SELECT id FROM st`,
    open,
  );
  return result.rows[0].id;
}

/** The unclosed stocktake of a store, for a 409 that names it. */
export async function unclosedOf(db: Queryable, agencyId: string, storageLocation: string) {
  return db('stocktakes')
    .where({ agency_id: agencyId, storage_location: storageLocation })
    .whereNot('status', 'closed')
    .first<{ id: string; reference: string } | undefined>('id', 'reference');
}

/**
 * Takes the stocktake for a count: its first count moves it open → counting (holding the row's lock), later ones share
 * the row with other counts and wait only for a close. Answers its status before the count, or undefined if absent.
 */
export async function lockForCount(db: Queryable, id: string): Promise<Stocktake['status'] | undefined> {
  const started = await db('stocktakes').where({ id, status: 'open' }).update({ status: 'counting' });
  if (started === 1) return 'open';
  const row = await db('stocktakes')
    .where({ id })
    .forShare()
    .first<{ status: Stocktake['status'] } | undefined>('status');
  return row?.status;
}

/** Locks a stocktake for its close: counts in flight finish first, later ones see it closed. */
export async function lockForClose(db: Queryable, id: string) {
  return db('stocktakes')
    .where({ id })
    .forUpdate()
    .first<{ status: Stocktake['status']; opened_by: string; agency_id: string } | undefined>(
      'status',
      'opened_by',
      'agency_id',
    );
}

/** The agency's item a count names: by reference, or by its gun's identity (an item not destroyed first). */
export async function itemOfAgency(
  db: Queryable,
  agencyId: string,
  named: { itemReference?: string; manufacturer?: string; serialNumber?: string },
): Promise<string | undefined> {
  if (named.itemReference) {
    const row = await db('stockpile_items')
      .where({ reference: named.itemReference, agency_id: agencyId })
      .first<{ id: string } | undefined>('id');
    return row?.id;
  }
  const row = await db('stockpile_items as i')
    .join('weapons as w', 'w.id', 'i.weapon_id')
    .where({
      'w.manufacturer_normalized': normalizeManufacturer(named.manufacturer!),
      'w.serial_normalized': normalizeSerial(named.serialNumber!),
      'i.agency_id': agencyId,
    })
    .orderByRaw("(i.status <> 'destroyed') DESC, i.created_at DESC")
    .first<{ id: string } | undefined>('i.id');
  return row?.id;
}

/**
 * Counts an item once: a line the open statement made (expected) gains its count, an item not expected gets a line of
 * its own; a line already counted is left as it is. Answers whether this call counted it, and whether it was expected.
 */
export async function countItem(
  db: Queryable,
  count: { stocktakeId: string; itemId: string; userId: string; condition: string; note: string | null },
): Promise<{ counted: boolean; expected: boolean }> {
  const result = await db.raw(
    `INSERT INTO stocktake_lines AS l (stocktake_id, item_id, expected, counted_at, counted_by, condition, note)
     VALUES (:stocktakeId, :itemId, false, clock_timestamp(), :userId, :condition, :note)
     ON CONFLICT (stocktake_id, item_id) DO UPDATE
        SET counted_at = EXCLUDED.counted_at, counted_by = EXCLUDED.counted_by, condition = EXCLUDED.condition,
            note = EXCLUDED.note
      WHERE l.counted_at IS NULL
     RETURNING l.expected`,
    count,
  );
  if (result.rows.length) return { counted: true, expected: result.rows[0].expected };
  const line = await db('stocktake_lines')
    .where({ stocktake_id: count.stocktakeId, item_id: count.itemId })
    .first<{ expected: boolean }>('expected');
  return { counted: false, expected: line!.expected };
}

export async function tallyOf(db: Queryable, stocktakeId: string) {
  const result = await db.raw(`SELECT t.* FROM (SELECT :stocktakeId::uuid AS id) st CROSS JOIN LATERAL ${TALLY} t`, {
    stocktakeId,
  });
  const row = result.rows[0] as { expected: string; counted: string; unexpected: string } | undefined;
  return { expected: Number(row!.expected), counted: Number(row!.counted), unexpected: Number(row!.unexpected) };
}

/** Freezes each line's outcome and explanation as the stocktake closes, and closes it; one transaction with the alerts. */
export async function closeStocktake(db: Queryable, id: string, userId: string, note: string): Promise<void> {
  await db.raw(
    `UPDATE stocktake_lines l SET outcome = ${outcomeNow('missing')}, explanation = ${EXPLANATION_NOW}
       FROM stockpile_items i, stocktakes st
      WHERE l.stocktake_id = :id AND i.id = l.item_id AND st.id = l.stocktake_id`,
    { id },
  );
  await db('stocktakes')
    .where({ id })
    .update({ status: 'closed', closed_by: userId, closed_at: db.fn.now(), closing_note: note });
}

interface LineRow {
  item_id: string;
  reference: string;
  manufacturer: string;
  model: string;
  caliber: string;
  type: StocktakeLine['weapon']['type'];
  serial_number: string | null;
  item_status: StocktakeLine['itemStatus'];
  item_location: string;
  expected: boolean;
  outcome: StocktakeLine['outcome'];
  explanation: StocktakeLine['explanation'];
  counted_at: Date | null;
  counted_by: string | null;
  counted_by_name: string | null;
  condition: StocktakeLine['condition'];
  note: string | null;
}

const toLine = (row: LineRow): StocktakeLine => ({
  itemId: row.item_id,
  itemReference: row.reference,
  weapon: {
    manufacturer: row.manufacturer,
    model: row.model,
    caliber: row.caliber,
    type: row.type,
    serialNumber: row.serial_number,
  },
  itemStatus: row.item_status,
  itemLocation: row.item_location,
  expected: row.expected,
  outcome: row.outcome,
  explanation: row.explanation,
  countedAt: row.counted_at?.toISOString() ?? null,
  countedBy: row.counted_by ? { id: row.counted_by, name: row.counted_by_name ?? '' } : null,
  condition: row.condition,
  note: row.note,
});

const linesOf = (db: Queryable, stocktakeId: string) =>
  db
    .select(
      db.raw(
        `* FROM (SELECT l.item_id, i.reference, w.manufacturer, w.model, w.caliber, w.type, w.serial_number,
                      i.status AS item_status, i.storage_location AS item_location, l.expected,
                      ${OUTCOME} AS outcome, ${EXPLANATION} AS explanation, l.counted_at, l.counted_by,
                      u.name AS counted_by_name, l.condition, l.note
                 FROM stocktake_lines l JOIN stocktakes st ON st.id = l.stocktake_id
                 JOIN stockpile_items i ON i.id = l.item_id JOIN weapons w ON w.id = i.weapon_id
                 LEFT JOIN users u ON u.id = l.counted_by
                WHERE l.stocktake_id = ?) line`,
        [stocktakeId],
      ),
    )
    .orderBy('reference');

/** A page of a stocktake's lines in item-reference order, optionally of one outcome. */
export async function listLines(db: Queryable, stocktakeId: string, query: LineQuery, limit: number) {
  const rows = linesOf(db, stocktakeId).limit(limit + 1);
  if (query.outcome) rows.where('outcome', query.outcome);
  const after = decodeCursor(query.cursor, 1);
  if (after) {
    if (typeof after[0] !== 'string') throw invalidField('/query/cursor', 'is not a cursor returned by this list');
    rows.where('reference', '>', after[0]);
  }
  return pageOf(await runQuery<LineRow>(db, rows), limit, (row) => [row.reference], toLine);
}

/** Every line of some outcomes (a closed stocktake's result, a count sheet), in item-reference order. */
export async function allLines(db: Queryable, stocktakeId: string, outcomes?: StocktakeLine['outcome'][]) {
  const rows = linesOf(db, stocktakeId);
  if (outcomes) rows.whereIn('outcome', outcomes);
  return (await runQuery<LineRow>(db, rows)).map(toLine);
}

export async function lineOf(db: Queryable, stocktakeId: string, itemId: string): Promise<StocktakeLine> {
  const [row] = await runQuery<LineRow>(db, linesOf(db, stocktakeId).where('item_id', itemId));
  return toLine(row!);
}

interface StoreRow {
  agency_id: string;
  code: string;
  name: string;
  country: string;
  storage_location: string;
  items: string;
  last_id: string | null;
  last_reference: string | null;
  last_closed_at: Date | null;
  last_missing: string | null;
  open_id: string | null;
  open_reference: string | null;
}

/**
 * The stores in scope — every storage location holding items now or counted before — with their last closed count and
 * any count under way, the longest uncounted first.
 */
export async function listStores(db: Queryable, scope: Scope): Promise<StoreRow[]> {
  const stores = db
    .select('agency_id', 'storage_location')
    .from('stockpile_items')
    .whereIn('status', ['in_custody', 'scheduled'])
    .union((u) => u.select('agency_id', 'storage_location').from('stocktakes'));
  const scoped = applyScope(
    db
      .from(stores.as('s'))
      .join('agencies as a', 'a.id', 's.agency_id')
      .joinRaw(
        `CROSS JOIN LATERAL (SELECT count(*) AS items FROM stockpile_items i
           WHERE i.agency_id = s.agency_id AND i.storage_location = s.storage_location
             AND i.status IN ('in_custody', 'scheduled')) n`,
      )
      .joinRaw(
        `LEFT JOIN LATERAL (SELECT c.id, c.reference, c.closed_at,
                (SELECT count(*) FROM stocktake_lines m WHERE m.stocktake_id = c.id AND m.outcome = 'missing') AS missing
           FROM stocktakes c WHERE c.agency_id = s.agency_id AND c.storage_location = s.storage_location
            AND c.status = 'closed' ORDER BY c.closed_at DESC LIMIT 1) last ON true`,
      )
      .joinRaw(
        `LEFT JOIN stocktakes o ON o.agency_id = s.agency_id AND o.storage_location = s.storage_location
                              AND o.status <> 'closed'`,
      ),
    's.agency_id',
    scope,
  )
    .select(
      's.agency_id',
      'a.code',
      'a.name',
      'a.country',
      's.storage_location',
      'n.items',
      'last.id as last_id',
      'last.reference as last_reference',
      'last.closed_at as last_closed_at',
      'last.missing as last_missing',
      'o.id as open_id',
      'o.reference as open_reference',
    )
    .orderByRaw('last.closed_at ASC NULLS FIRST, a.code, s.storage_location')
    .limit(2000);
  return runQuery<StoreRow>(db, scoped);
}
