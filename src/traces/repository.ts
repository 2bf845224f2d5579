import { runQuery, type Queryable } from '../db/knex.ts';
import { scopedWithRegion } from '../db/scoped.ts';
import { decodeIdCursor, decodeSequenceCursor, pageOf } from '../db/pagination.ts';
import type { Role, Scope } from '../shared/actor.ts';
import { registryMatchesSql } from '../registry/repository.ts';
import { openAlertsSql, type AlertReader } from '../alerts/repository.ts';
import type { OpenAlert } from '../alerts/schemas.ts';
import type { RegistryMatch } from '../registry/schemas.ts';
import { normalizeSerial } from '../weapons/identity.ts';
import type { WeaponDescription } from '../weapons/schemas.ts';
import type { QualityFlag, Stage, Trace, TraceEvent, TraceQuery, TraceResult, TraceStatus } from './schemas.ts';

export interface TraceRow {
  id: string;
  reference: string;
  agency_id: string;
  case_id: string;
  weapon_id: string;
  weapon: WeaponDescription;
  status: TraceStatus;
  stage: Stage | null;
  urgent: boolean;
  urgent_reason: string | null;
  quality_flags: QualityFlag[];
  recovery_date: string;
  recovery_country: string | null;
  recovery_department: string | null;
  recovery_municipality: string | null;
  recovery_address: string | null;
  recovery_latitude: number | null;
  recovery_longitude: number | null;
  recovery_circumstance: Trace['recovery']['circumstance'];
  possessor: Trace['possessor'];
  notes: string | null;
  assigned_to: string | null;
  attempts: number;
  result: TraceResult | null;
  created_by: string;
  created_at: Date;
  updated_at: Date;
  status_changed_at: Date;
  submitted_at: Date | null;
  submitted_by: string | null;
  completed_at: Date | null;
  queue_run: number;
  region: string;
  /** Kept by the database: one more on every UPDATE (the ETag). */
  version: number;
  /** The gun's active lost/stolen reports, when the query that read the row looked them up (else the presenter does). */
  registry_matches?: RegistryMatch[];
  /** The gun's open alerts the reader sees, when the row's query read them; null: not known, ask. */
  open_alerts?: OpenAlert[] | null;
}

const TIMESTAMPS = ['created_at', 'updated_at', 'status_changed_at', 'submitted_at', 'completed_at'] as const;

/** A trace row that came back as JSON (to_jsonb in a statement): its timestamps as Dates again. */
export function rowFromJson(json: Record<string, unknown>): TraceRow {
  const row = { ...json } as Record<string, unknown>;
  for (const column of TIMESTAMPS) if (typeof row[column] === 'string') row[column] = new Date(row[column]);
  return row as unknown as TraceRow;
}

/** The recovery of a stored trace, from its `recovery_*` columns (the inverse of `traceColumns`). */
export const recoveryOf = (row: TraceRow) => ({
  date: row.recovery_date,
  country: row.recovery_country,
  department: row.recovery_department,
  municipality: row.recovery_municipality,
  address: row.recovery_address,
  latitude: row.recovery_latitude,
  longitude: row.recovery_longitude,
  circumstance: row.recovery_circumstance,
});

/** A stored trace as the fields a request would carry, for merging an edit into it (never a response). */
export function storedFields(row: TraceRow) {
  const weapon = row.weapon;
  const recovery = recoveryOf(row);
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
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null)) as {
    [K in keyof T]: Exclude<T[K], null>;
  };
}

/** Traces the scope may read: a region's through the trace's own region column (one range of the region indexes). */
export const tracesInScope = (db: Queryable, scope: Scope) => scopedWithRegion(db, 'traces', 'traces', scope);

/** The gun's registry matches as a column of a trace row, so presenting the row needs no second query for them. */
export const registryMatchesColumn = (db: Queryable) =>
  db.raw(`${registryMatchesSql('traces.weapon_id')} AS registry_matches`);

/** The open alerts about the gun that `reader` sees, as a column of a trace row (`openAlerts`, without a second query). */
export const openAlertsColumn = (db: Queryable, reader: AlertReader) =>
  db.raw('? AS open_alerts', [openAlertsSql(db, 'traces.weapon_id', reader)]);

/** Trace rows with their gun's registry matches (and open alerts, for a reader). */
const tracesWithMatches = (db: Queryable, scope: Scope, alerts?: AlertReader) =>
  tracesInScope(db, scope).select(
    'traces.*',
    registryMatchesColumn(db),
    ...(alerts ? [openAlertsColumn(db, alerts)] : []),
  );

/** One trace in scope, as a query (shown to a reader through `readTraces`). */
export const traceQuery = (db: Queryable, scope: Scope, id: string, alerts?: AlertReader) =>
  tracesWithMatches(db, scope, alerts).where({ id }).limit(1);

export async function findTraceRow(db: Queryable, scope: Scope, id: string): Promise<TraceRow | undefined> {
  const [row] = await runQuery<TraceRow>(db, traceQuery(db, scope, id));
  return row;
}

/** A page of traces, as a query of `limit` + 1 rows (the extra one tells that a next page exists): see `readTraces`. */
export function traceListQuery(db: Queryable, scope: Scope, query: TraceQuery, limit: number, alerts?: AlertReader) {
  const after = decodeIdCursor(query.cursor);
  const order = query.sort === 'createdAt' ? 'asc' : 'desc';
  const rows = tracesWithMatches(db, scope, alerts)
    .orderBy([
      { column: 'created_at', order },
      { column: 'id', order },
    ])
    .limit(limit + 1);
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
        matches.union((bySerial) =>
          bySerial
            .select('t2.id')
            .from('traces as t2')
            .join('weapons as w2', 'w2.id', 't2.weapon_id')
            .where('w2.serial_normalized', 'like', `${serial}%`),
        );
      }
    });
  }
  if (after)
    rows.whereRaw(`(created_at, id) ${order === 'desc' ? '<' : '>'} (SELECT created_at, id FROM traces WHERE id = ?)`, [
      after,
    ]);
  return rows;
}

interface EventRow {
  id: number;
  at: Date;
  type: TraceEvent['type'];
  from_status: TraceStatus | null;
  to_status: TraceStatus;
  stage: Stage | null;
  message: string | null;
  message_code: string | null;
  message_params: Record<string, string | number> | null;
  actor_id: string | null;
  actor_name: string | null;
  actor_role: Role | null;
}

/**
 * A trace's events, oldest first. Events are partitioned by month: none is older than its trace, so the months before
 * the trace's (with a month's margin for the partitions' time zone) are never searched, however many years are kept.
 */
export async function listEvents(
  db: Queryable,
  trace: Pick<TraceRow, 'id' | 'created_at'>,
  limit: number,
  cursor?: string,
) {
  const after = decodeSequenceCursor(cursor);
  const rows = db('trace_events as e')
    .leftJoin('users as u', 'u.id', 'e.actor_id')
    .where('e.trace_id', trace.id)
    .where('e.at', '>=', new Date(trace.created_at.getTime() - 31 * 86_400_000))
    .orderBy('e.id')
    .limit(limit + 1)
    .select('e.*', 'u.name as actor_name', 'u.role as actor_role');
  if (after !== undefined) rows.where('e.id', '>', after);
  return pageOf(
    await rows,
    limit,
    (row: EventRow) => [row.id],
    (row: EventRow): TraceEvent => ({
      at: row.at.toISOString(),
      type: row.type,
      fromStatus: row.from_status,
      toStatus: row.to_status,
      ...(row.stage ? { stage: row.stage } : {}),
      actor: row.actor_id ? { id: row.actor_id, name: row.actor_name!, role: row.actor_role! } : { system: 'worker' },
      ...(row.message ? { message: row.message } : {}),
      ...(row.message_code ? { messageCode: row.message_code, messageParams: row.message_params ?? {} } : {}),
    }),
  );
}

export async function tracesOfWeapon(db: Queryable, scope: Scope, weaponId: string) {
  const rows = await runQuery<{
    id: string;
    reference: string;
    status: string;
    case_id: string;
    outcome: string | null;
  }>(
    db,
    tracesInScope(db, scope)
      .where('weapon_id', weaponId)
      .orderBy('created_at')
      .select('id', 'reference', 'status', 'case_id', 'outcome'),
  );
  return rows.map((r: { id: string; reference: string; status: string; case_id: string; outcome: string | null }) => ({
    id: r.id,
    reference: r.reference,
    status: r.status,
    outcome: r.outcome,
    caseId: r.case_id,
  }));
}
