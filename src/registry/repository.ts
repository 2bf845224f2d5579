import { runQuery, type Queryable } from '../db/knex.ts';
import { applyScope } from '../db/scoped.ts';
import { newestFirst, pageOf } from '../db/pagination.ts';
import type { Scope } from '../shared/actor.ts';
import { normalizeSerial } from '../weapons/identity.ts';
import type { WeaponDescription } from '../weapons/schemas.ts';
import type { RegistryMatch, StolenReport, StolenReportCreate, StolenReportQuery } from './schemas.ts';

const matchJson = `jsonb_build_object('reference', sr.reference, 'kind', sr.kind, 'lostOn', sr.lost_on, 'status', sr.status,
  'agency', jsonb_build_object('code', ra.code, 'country', ra.country))`;

/** A gun's active reports in the short form anyone may see, as one JSON column of a row (`weapon` is its weapon id). */
export const registryMatchesSql = (weapon: string) =>
  `(SELECT coalesce(jsonb_agg(${matchJson} ORDER BY sr.created_at), '[]'::jsonb)
      FROM stolen_reports sr JOIN agencies ra ON ra.id = sr.agency_id WHERE sr.weapon_id = ${weapon} AND sr.status = 'active')`;

/** The active reports of several guns, in one query. */
export async function registryMatchesOf(db: Queryable, weaponIds: string[]): Promise<Map<string, RegistryMatch[]>> {
  const { rows } = (await db.raw(
    `SELECT w.id, ${registryMatchesSql('w.id')} AS matches FROM unnest(?::uuid[]) AS w(id)`,
    [[...new Set(weaponIds)]],
  )) as { rows: { id: string; matches: RegistryMatch[] }[] };
  return new Map(rows.map((row) => [row.id, row.matches]));
}

/** Every report, of any agency and status, of the gun with this identity (the registry check). */
export async function reportsOfIdentity(
  db: Queryable,
  manufacturerNormalized: string,
  serialNormalized: string,
): Promise<RegistryMatch[]> {
  const { rows } = (await db.raw(
    `SELECT ${matchJson} AS match FROM stolen_reports sr JOIN agencies ra ON ra.id = sr.agency_id
       JOIN weapons w ON w.id = sr.weapon_id
      WHERE w.manufacturer_normalized = ? AND w.serial_normalized = ?
      ORDER BY sr.status = 'active' DESC, sr.created_at DESC`,
    [manufacturerNormalized, serialNormalized],
  )) as { rows: { match: RegistryMatch }[] };
  return rows.map((row) => row.match);
}

interface ReportRow {
  id: string;
  reference: string;
  agency_id: string;
  weapon_id: string;
  kind: StolenReport['kind'];
  lost_on: string;
  source_type: StolenReport['sourceType'];
  circumstances: string;
  location: { country: string; department?: string; municipality?: string } | null;
  police_report_number: string | null;
  status: StolenReport['status'];
  created_by: string;
  created_at: Date;
  closed_at: Date | null;
  closing_note: string | null;
  weapon: WeaponDescription;
}

const WEAPON_JSON = `json_build_object('manufacturer', w.manufacturer, 'model', w.model, 'caliber', w.caliber, 'type', w.type,
  'serialNumber', w.serial_number, 'serialObliterated', w.serial_obliterated, 'importer', w.importer, 'countryOfManufacture', w.country_of_manufacture)`;

const reportsInScope = (db: Queryable, scope: Scope) =>
  applyScope(db('stolen_reports as sr').join('weapons as w', 'w.id', 'sr.weapon_id'), 'sr.agency_id', scope).select(
    'sr.*',
    db.raw(`to_char(sr.lost_on, 'YYYY-MM-DD') AS lost_on`),
    db.raw(`${WEAPON_JSON} AS weapon`),
  );

const toReport = (row: ReportRow): StolenReport => ({
  id: row.id,
  reference: row.reference,
  agencyId: row.agency_id,
  weaponId: row.weapon_id,
  weapon: row.weapon,
  kind: row.kind,
  lostOn: row.lost_on,
  sourceType: row.source_type,
  circumstances: row.circumstances,
  location: row.location && {
    country: row.location.country,
    department: row.location.department ?? null,
    municipality: row.location.municipality ?? null,
  },
  policeReportNumber: row.police_report_number,
  status: row.status,
  createdBy: row.created_by,
  createdAt: row.created_at.toISOString(),
  closedAt: row.closed_at?.toISOString() ?? null,
  closingNote: row.closing_note,
});

export async function findReport(db: Queryable, scope: Scope, id: string): Promise<StolenReport | undefined> {
  const [row] = await runQuery<ReportRow>(db, reportsInScope(db, scope).where('sr.id', id).limit(1));
  return row ? toReport(row) : undefined;
}

export async function listReports(db: Queryable, scope: Scope, query: StolenReportQuery, limit: number) {
  const rows = newestFirst(reportsInScope(db, scope), 'stolen_reports', 'sr', query.cursor, limit);
  if (query.status) rows.where('sr.status', query.status);
  if (query.q) {
    const serial = normalizeSerial(query.q).replace(/[\\%_]/g, (c) => `\\${c}`);
    rows.where((q) => {
      q.where('sr.reference', query.q!.toUpperCase());
      if (serial) q.orWhere('w.serial_normalized', 'like', `${serial}%`);
    });
  }
  return pageOf(await runQuery<ReportRow>(db, rows), limit, (row) => [row.id], toReport);
}

/** Files a report; the partial unique key refuses a second active report of the same gun. */
export async function insertReport(
  db: Queryable,
  agencyId: string,
  userId: string,
  weaponId: string,
  body: StolenReportCreate,
): Promise<string> {
  const [row] = await db('stolen_reports')
    .insert({
      agency_id: agencyId,
      weapon_id: weaponId,
      kind: body.kind,
      lost_on: body.lostOn,
      source_type: body.sourceType,
      circumstances: body.circumstances,
      location: body.location ? JSON.stringify(body.location) : null,
      police_report_number: body.policeReportNumber ?? null,
      created_by: userId,
    })
    .returning('id');
  return row.id;
}

export async function activeReportOf(db: Queryable, weaponId: string): Promise<string | undefined> {
  const row = await db('stolen_reports').where({ weapon_id: weaponId, status: 'active' }).first('id');
  return row?.id;
}

/** Closes an active report of the agency (recovered or withdrawn); false when it was not active. */
export async function closeReport(
  db: Queryable,
  agencyId: string,
  id: string,
  change: { from: readonly string[]; to: 'recovered' | 'withdrawn' },
  userId: string,
  note: string | null,
) {
  const changed = await db('stolen_reports')
    .where({ id, agency_id: agencyId })
    .whereIn('status', [...change.from])
    .update({ status: change.to, closed_by: userId, closed_at: db.fn.now(), closing_note: note });
  return changed === 1;
}
