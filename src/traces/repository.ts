import type { Queryable } from '../db/knex.ts';
import { scopedFrom } from '../db/scoped.ts';
import { decodeIdCursor, decodeSequenceCursor, pageOf } from '../http/pagination.ts';
import type { Role, Scope } from '../identity/actor.ts';
import { normalizeSerial } from '../weapons/identity.ts';
import type { WeaponDescription } from '../weapons/schemas.ts';
import type { QualityFlag, Stage, Trace, TraceCreate, TraceEvent, TraceQuery, TraceResult, TraceStatus } from './schemas.ts';

export interface TraceRow {
  id: string; reference: string; agency_id: string; case_id: string; weapon_id: string; weapon: WeaponDescription;
  status: TraceStatus; stage: Stage | null; urgent: boolean; urgent_reason: string | null; quality_flags: QualityFlag[];
  recovery_date: string; recovery_country: string | null; recovery_department: string | null;
  recovery_municipality: string | null; recovery_address: string | null; recovery_latitude: number | null;
  recovery_longitude: number | null; recovery_circumstance: Trace['recovery']['circumstance'];
  possessor: Trace['possessor']; notes: string | null; assigned_to: string | null; attempts: number;
  result: TraceResult | null; created_by: string; created_at: Date; updated_at: Date; status_changed_at: Date;
  submitted_at: Date | null; submitted_by: string | null; completed_at: Date | null; queue_run: number;
}

/** A stored trace as the fields a request would carry, for merging an edit into it (never a response). */
export function storedFields(row: TraceRow) {
  const weapon = row.weapon;
  const recovery = {
    date: row.recovery_date, country: row.recovery_country, department: row.recovery_department, municipality: row.recovery_municipality,
    address: row.recovery_address, latitude: row.recovery_latitude, longitude: row.recovery_longitude, circumstance: row.recovery_circumstance,
  };
  return {
    caseId: row.case_id,
    weapon: { ...weapon, serialNumber: weapon.serialNumber ?? undefined, importer: weapon.importer ?? undefined },
    recovery: withoutNulls(recovery),
    possessor: row.possessor && withoutNulls(row.possessor),
    urgent: row.urgent,
    urgentReason: row.urgent_reason,
    notes: row.notes,
  };
}

function withoutNulls<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], null> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null)) as { [K in keyof T]: Exclude<T[K], null> };
}

export const tracesInScope = (db: Queryable, scope: Scope) => scopedFrom(db, 'traces', 'agency_id', scope);

export async function findTraceRow(db: Queryable, scope: Scope, id: string): Promise<TraceRow | undefined> {
  return tracesInScope(db, scope).where({ id }).first();
}

/** Inserts traces, skipping (not failing on) any that duplicates a live trace of the same weapon, case and recovery date. */
export async function insertTracesUnlessDuplicate(db: Queryable, rows: Record<string, unknown>[]): Promise<TraceRow[]> {
  const insert = db('traces').insert(rows).toSQL();
  const { rows: inserted } = await db.raw(
    `${insert.sql} ON CONFLICT (case_id, weapon_id, recovery_date) WHERE status <> 'cancelled' DO NOTHING RETURNING *`,
    insert.bindings,
  );
  return inserted;
}

/** Updates a trace's fields only while it is still in `status`; undefined when it changed meanwhile. */
export async function updateTraceWhileStatus(db: Queryable, id: string, status: TraceStatus, columns: Record<string, unknown>) {
  const [row] = await db('traces').where({ id, status }).update({ ...columns, updated_at: db.fn.now() }).returning('*');
  return row as TraceRow | undefined;
}

export async function findDuplicateId(db: Queryable, caseId: string, weaponId: string, recoveryDate: string) {
  const row = await db('traces')
    .where({ case_id: caseId, weapon_id: weaponId, recovery_date: recoveryDate })
    .whereNot('status', 'cancelled')
    .first('id');
  return row?.id as string | undefined;
}

export async function listTraces(db: Queryable, scope: Scope, query: TraceQuery, limit: number) {
  const after = decodeIdCursor(query.cursor);
  const rows = tracesInScope(db, scope).orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(limit + 1);
  if (query.status) rows.whereIn('status', query.status.split(','));
  if (query.caseId) rows.where('case_id', query.caseId);
  if (query.weaponId) rows.where('weapon_id', query.weaponId);
  if (query.urgent !== undefined) rows.where('urgent', query.urgent);
  if (query.q) {
    // The matches are few: find them through the reference and serial indexes first, then scope, order and page them
    // (an OR in the outer query would make PostgreSQL walk every trace of the scope in date order).
    const serial = normalizeSerial(query.q).replace(/[\\%_]/g, (c) => `\\${c}`);
    rows.whereIn('id', (matches) => {
      matches.select('id').from('traces').where('reference', query.q!.toUpperCase());
      if (serial) {
        matches.union((bySerial) => bySerial.select('t2.id').from('traces as t2')
          .join('weapons as w2', 'w2.id', 't2.weapon_id').where('w2.serial_normalized', 'like', `${serial}%`));
      }
    });
  }
  if (after) rows.whereRaw('(created_at, id) < (SELECT created_at, id FROM traces WHERE id = ?)', [after]);
  return pageOf(await rows as TraceRow[], limit, (row) => [row.id], (row) => row);
}

interface EventRow {
  id: number; at: Date; type: string; from_status: TraceStatus | null; to_status: TraceStatus; stage: Stage | null;
  message: string | null; actor_id: string | null; actor_name: string | null; actor_role: Role | null;
}

export async function listEvents(db: Queryable, traceId: string, limit: number, cursor?: string) {
  const after = decodeSequenceCursor(cursor);
  const rows = db('trace_events as e').leftJoin('users as u', 'u.id', 'e.actor_id').where('e.trace_id', traceId)
    .orderBy('e.id').limit(limit + 1)
    .select('e.*', 'u.name as actor_name', 'u.role as actor_role');
  if (after !== undefined) rows.where('e.id', '>', after);
  return pageOf(await rows, limit, (row: EventRow) => [row.id], (row: EventRow): TraceEvent => ({
    at: row.at.toISOString(),
    type: row.type,
    fromStatus: row.from_status,
    toStatus: row.to_status,
    ...(row.stage ? { stage: row.stage } : {}),
    actor: row.actor_id ? { id: row.actor_id, name: row.actor_name!, role: row.actor_role! } : { system: 'worker' },
    ...(row.message ? { message: row.message } : {}),
  }));
}

export async function tracesOfWeapon(db: Queryable, scope: Scope, weaponId: string) {
  const rows = await tracesInScope(db, scope).where('weapon_id', weaponId).orderBy('created_at')
    .select('id', 'reference', 'status', 'case_id', 'outcome');
  return rows.map((r: { id: string; reference: string; status: string; case_id: string; outcome: string | null }) => ({
    id: r.id, reference: r.reference, status: r.status, outcome: r.outcome, caseId: r.case_id,
  }));
}

/** The columns a trace's request fields are stored in. */
export function traceColumns(fields: TraceCreate, weapon: WeaponDescription, weaponId: string, flags: QualityFlag[]) {
  const r = fields.recovery;
  return {
    case_id: fields.caseId,
    weapon_id: weaponId,
    weapon: JSON.stringify(weapon),
    urgent: fields.urgent ?? false,
    urgent_reason: fields.urgent ? fields.urgentReason : null,
    quality_flags: flags,
    recovery_date: r.date,
    recovery_country: r.country ?? null,
    recovery_department: r.department ?? null,
    recovery_municipality: r.municipality ?? null,
    recovery_address: r.address ?? null,
    recovery_latitude: r.latitude ?? null,
    recovery_longitude: r.longitude ?? null,
    recovery_circumstance: r.circumstance,
    possessor: fields.possessor ? JSON.stringify(fields.possessor) : null,
    notes: fields.notes ?? null,
  };
}

/** The columns of a trace being created in `status` by an investigator of `agencyId`. */
export function newTraceColumns(
  db: Queryable,
  creation: { fields: TraceCreate; weapon: WeaponDescription; weaponId: string; flags: QualityFlag[]; status: TraceStatus; agencyId: string; userId: string },
) {
  return {
    ...traceColumns(creation.fields, creation.weapon, creation.weaponId, creation.flags),
    agency_id: creation.agencyId,
    status: creation.status,
    created_by: creation.userId,
    submitted_at: creation.status === 'draft' ? null : db.fn.now(),
    submitted_by: creation.status === 'draft' ? null : creation.userId,
    queue_run: creation.status === 'queued' ? 1 : 0,
  };
}
