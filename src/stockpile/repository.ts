import { registryMatchesSql } from '../registry/repository.ts';
import type { RegistryMatch } from '../shared/registry-match.ts';
import { runQuery, type Queryable } from '../db/knex.ts';
import { CRITICAL_ALERT_EXISTS, destructionBlockers, OPEN_TRACE_EXISTS, OWN_OPEN_TRACE } from './eligibility.ts';
import { openAlertsSql, type AlertReader } from '../alerts/repository.ts';
import type { OpenAlert } from '../alerts/schemas.ts';
import { applyScope } from '../db/scoped.ts';
import { decodeSequenceCursor, newestFirst, pageOf } from '../db/pagination.ts';
import type { Role, Scope } from '../shared/actor.ts';
import { versioned } from '../shared/versioned.ts';
import { toWeapon } from '../weapons/repository.ts';
import type { ItemEvent, ItemQuery, StockpileItem } from './schemas.ts';

const WEAPON_COLUMNS = [
  'id',
  'manufacturer',
  'model',
  'caliber',
  'type',
  'serial_number',
  'serial_obliterated',
  'importer',
  'country_of_manufacture',
  'created_at',
];

/** Items in scope with their weapon as one JSON column and what blocks their destruction, so one query serves lists and details. */
export const itemsInScope = (db: Queryable, reader: AlertReader) =>
  applyScope(
    db('stockpile_items as s').join('weapons as w', 'w.id', 's.weapon_id'),
    's.agency_id',
    reader.scope,
  ).select(
    's.*',
    db.raw(`json_build_object(${WEAPON_COLUMNS.map((c) => `'${c}', w.${c}`).join(', ')}) AS weapon_row`),
    db.raw(`${OPEN_TRACE_EXISTS} AS open_trace`),
    db.raw(`${OWN_OPEN_TRACE} AS own_open_trace`),
    db.raw(`${registryMatchesSql('s.weapon_id')} AS registry_matches`),
    db.raw(`${CRITICAL_ALERT_EXISTS} AS critical_alert`),
    db.raw('? AS open_alerts', [openAlertsSql(db, 's.weapon_id', reader)]),
  );

interface ItemRow {
  id: string;
  reference: string;
  agency_id: string;
  weapon_id: string;
  case_id: string | null;
  source: StockpileItem['source'];
  intake_date: string;
  storage_location: string;
  status: StockpileItem['status'];
  evidence_hold: boolean;
  destruction_id: string | null;
  created_by: string;
  created_at: Date;
  updated_at: Date;
  version: number;
  weapon_row: Parameters<typeof toWeapon>[0] & { created_at: string };
  open_trace: boolean;
  own_open_trace: { id: string; reference: string } | null;
  registry_matches: RegistryMatch[];
  critical_alert: boolean;
  open_alerts: OpenAlert[];
}

export const toItem = (row: ItemRow): StockpileItem =>
  versioned(
    {
      id: row.id,
      reference: row.reference,
      agencyId: row.agency_id,
      weaponId: row.weapon_id,
      weapon: toWeapon({ ...row.weapon_row, created_at: new Date(row.weapon_row.created_at) }),
      caseId: row.case_id,
      source: row.source,
      intakeDate: row.intake_date,
      storageLocation: row.storage_location,
      status: row.status,
      evidenceHold: row.evidence_hold,
      destructionId: row.destruction_id,
      destructionBlockers: destructionBlockers({
        status: row.status,
        evidenceHold: row.evidence_hold,
        openTrace: row.open_trace,
        stolenReport: row.registry_matches.length > 0,
        criticalAlert: row.critical_alert,
      }),
      openTrace: row.own_open_trace,
      registryMatches: row.registry_matches,
      openAlerts: row.open_alerts,
      createdBy: row.created_by,
      createdAt: row.created_at.toISOString(),
      updatedAt: row.updated_at.toISOString(),
    },
    row.version,
  );

export async function findItem(db: Queryable, reader: AlertReader, id: string): Promise<StockpileItem | undefined> {
  const row = await itemsInScope(db, reader).where('s.id', id).first();
  return row ? toItem(row) : undefined;
}

export async function listItems(db: Queryable, reader: AlertReader, query: ItemQuery, limit: number) {
  const rows = newestFirst(itemsInScope(db, reader), 'stockpile_items', 's', query.cursor, limit);
  if (query.status) rows.where('s.status', query.status);
  if (query.evidenceHold !== undefined) rows.where('s.evidence_hold', query.evidenceHold);
  return pageOf(await rows, limit, (row: ItemRow) => [row.id], toItem);
}

export async function insertItem(db: Queryable, row: Record<string, unknown>): Promise<string> {
  const [inserted] = await db('stockpile_items').insert(row).returning('id');
  return inserted.id;
}

/** Sets or clears the evidence hold of an item in custody at `version`; false when the item was not in that state. */
export async function setHold(db: Queryable, id: string, version: number, hold: boolean): Promise<boolean> {
  const changed = await db('stockpile_items')
    .where({ id, version, status: 'in_custody', evidence_hold: !hold })
    .update({ evidence_hold: hold, updated_at: db.fn.now() });
  return changed === 1;
}

interface ItemEventRow {
  id: string;
  at: Date;
  type: ItemEvent['type'];
  actor_id: string | null;
  actor_name: string | null;
  actor_role: Role | null;
  reason: string | null;
  destruction_id: string | null;
}

/** An item's custody history, oldest first: intake, holds placed and released, scheduling, destruction. */
export async function itemEvents(db: Queryable, itemId: string, limit: number, cursor?: string) {
  const after = decodeSequenceCursor(cursor);
  const rows = db('stockpile_events as e')
    .leftJoin('users as u', 'u.id', 'e.actor_id')
    .where('e.item_id', itemId)
    .orderBy('e.id')
    .limit(limit + 1)
    .select('e.*', 'u.name as actor_name', 'u.role as actor_role');
  if (after !== undefined) rows.where('e.id', '>', after);
  return pageOf(
    await runQuery<ItemEventRow>(db, rows),
    limit,
    (row) => [Number(row.id)],
    (row): ItemEvent => ({
      at: row.at.toISOString(),
      type: row.type,
      actor:
        row.actor_id && row.actor_role ? { id: row.actor_id, name: row.actor_name ?? '', role: row.actor_role } : null,
      reason: row.reason,
      destructionId: row.destruction_id,
    }),
  );
}

export type ItemEventType = 'intake' | 'hold' | 'release_hold' | 'scheduled' | 'unscheduled' | 'destroyed';

/** One event per item, in one statement however many items. */
export async function insertItemEvents(
  db: Queryable,
  itemIds: string[],
  type: ItemEventType,
  actorId: string,
  extra: { reason?: string; destructionId?: string } = {},
) {
  await db.raw(
    `INSERT INTO stockpile_events (item_id, type, actor_id, reason, destruction_id)
     SELECT unnest(?::uuid[]), ?, ?, ?, ?`,
    [itemIds, type, actorId, extra.reason ?? null, extra.destructionId ?? null],
  );
}

/** What a label prints of each item in scope: by ids (in the order given), or every item in custody at a location. */
export async function labelItems(
  db: Queryable,
  scope: Scope,
  which: { itemIds: string[] } | { agencyId: string; storageLocation: string },
) {
  const rows = applyScope(db('stockpile_items as s').join('weapons as w', 'w.id', 's.weapon_id'), 's.agency_id', scope)
    .select('s.id', 's.reference', 'w.manufacturer', 'w.model', 'w.caliber', 'w.serial_number')
    .orderBy('s.reference');
  if ('itemIds' in which) rows.whereIn('s.id', which.itemIds);
  else
    rows
      .where({ 's.agency_id': which.agencyId, 's.storage_location': which.storageLocation })
      .whereIn('s.status', ['in_custody', 'scheduled']);
  return runQuery<{
    id: string;
    reference: string;
    manufacturer: string;
    model: string;
    caliber: string;
    serial_number: string | null;
  }>(db, rows);
}
