import type { Knex } from 'knex';
import { runQuery, type Queryable } from '../db/knex.ts';
import { decodeCursor, pageOf } from '../db/pagination.ts';
import { applyAgenciesScope } from '../db/scoped.ts';
import type { Scope } from '../shared/actor.ts';
import { alertWording, reasonOf, type StoredReason } from './messages.ts';
import { invalidField } from '../shared/problem.ts';
import {
  ALERT_KINDS,
  SEVERITY,
  type Alert,
  type AlertMessageCode,
  type AlertQuery,
  type OpenAlert,
} from './schemas.ts';

/**
 * Alerts are raised inside the statement (or transaction) that reveals them, by INSERT … SELECT over the records just
 * written; the partial unique key `alerts_one_open` turns a second raise of a condition that is not closed into nothing.
 */
const ONE_OPEN = "ON CONFLICT (kind, subject_id, related_id) WHERE status <> 'closed' DO NOTHING";
const COLUMNS =
  'kind, severity, message_code, message_params, subject_type, subject_id, subject_reference, related_id, related, agency_ids, weapon_id';
const severity = (kind: string) =>
  `CASE ${kind} ${ALERT_KINDS.map((k) => `WHEN '${k}' THEN '${SEVERITY[k]}'`).join(' ')} END`;
const related = (type: string, reference: string, agency: string) =>
  `jsonb_build_array(jsonb_build_object('type', '${type}', 'reference', ${reference}, 'agency', jsonb_build_object('code', ${agency}.code, 'country', ${agency}.country)))`;

/** An active report of the gun, as alert rows about `subject` (a trace, an item…) of `type`. */
const stolenMatches = (source: string, type: string) => `
  SELECT 'stolen_match', ${severity("'stolen_match'")}, 'stolen_match',
         jsonb_build_object('subjectType', '${type}', 'subject', s.reference, 'reportKind', sr.kind, 'agency', ra.code, 'record', sr.reference),
         '${type}', s.subject_id, s.reference, sr.id, ${related('stolen_report', 'sr.reference', 'ra')}, ARRAY[s.agency_id, sr.agency_id],
         s.weapon_id
    FROM ${source} s JOIN stolen_reports sr ON sr.weapon_id = s.weapon_id AND sr.status = 'active'
    JOIN agencies ra ON ra.id = sr.agency_id`;

/** A destroyed custody record of the gun (and, with a recovery date, one still in custody before it). */
const custodyMatches = (source: string, type: string, recoveryDate?: string) => {
  const kind =
    "CASE WHEN si.status = 'destroyed' THEN 'destroyed_weapon_recovered' ELSE 'custody_weapon_recovered' END";
  return `
  SELECT ${kind}, ${severity(kind)},
         ${kind},
         jsonb_build_object('subjectType', '${type}', 'subject', s.reference, 'agency', ia.code, 'record', si.reference,
                            'since', si.intake_date),
         '${type}', s.subject_id, s.reference, si.id, ${related('stockpile_item', 'si.reference', 'ia')}, ARRAY[s.agency_id, si.agency_id],
         s.weapon_id
    FROM ${source} s JOIN stockpile_items si ON si.weapon_id = s.weapon_id AND si.id <> s.subject_id
         AND (si.status = 'destroyed'${recoveryDate ? ` OR (si.status IN ('in_custody', 'scheduled') AND si.intake_date < ${recoveryDate})` : ''})
    JOIN agencies ia ON ia.id = si.agency_id`;
};

/**
 * The alerts a new or submitted trace raises: registry matches, a destroyed gun recovered, a gun in custody recovered
 * after its intake. `source` is a row source with `subject_id` (the trace), `reference`, `agency_id`, `weapon_id` and
 * `recovery_date`; this is one data-modifying CTE of the statement that writes the traces.
 */
export const raiseForTracesSql = (source: string) => `
  INSERT INTO alerts (${COLUMNS})
  ${stolenMatches(source, 'trace')}
  UNION ALL
  ${custodyMatches(source, 'trace', 's.recovery_date')}
  ${ONE_OPEN}
  RETURNING id, weapon_id`;

/**
 * SQL, in a statement that raises alerts in its CTE `al` (`raiseForTracesSql`) for a trace row `t`: '[]' when the gun
 * has no alert that is not closed (none before the statement, none raised by it), else NULL — the presenter then reads
 * the `openAlerts` the caller may see. Most new traces have none, and so need no second query.
 */
export const noOpenAlertsSql = (weapon: string) =>
  `CASE WHEN EXISTS (SELECT 1 FROM al WHERE al.weapon_id = ${weapon})
              OR EXISTS (SELECT 1 FROM alerts x WHERE x.weapon_id = ${weapon} AND x.status <> 'closed')
        THEN NULL ELSE '[]'::jsonb END`;

/** The alerts a stockpile intake raises: registry matches and a destroyed gun taken in again. */
export async function raiseForItem(db: Queryable, itemId: string): Promise<void> {
  const source = '(SELECT id AS subject_id, reference, agency_id, weapon_id FROM stockpile_items WHERE id = :itemId)';
  await db.raw(
    `INSERT INTO alerts (${COLUMNS})
    ${stolenMatches(source, 'stockpile_item')}
    UNION ALL
    ${custodyMatches(source, 'stockpile_item')}
    ${ONE_OPEN}`,
    { itemId },
  );
}

/**
 * A report filed for a gun that already has traces or custody records: the same condition as when the trace or item
 * comes second (subject the trace or item, related the report), so the unique key sees them as one.
 */
export async function raiseForReport(db: Queryable, reportId: string): Promise<void> {
  const report = "(SELECT * FROM stolen_reports WHERE id = :reportId AND status = 'active')";
  const subjects = `(SELECT t.id AS subject_id, t.reference, t.agency_id, t.weapon_id, 'trace' AS type FROM traces t JOIN ${report} r ON r.weapon_id = t.weapon_id
                      WHERE t.status <> 'cancelled'
                     UNION ALL
                     SELECT i.id, i.reference, i.agency_id, i.weapon_id, 'stockpile_item' FROM stockpile_items i JOIN ${report} r ON r.weapon_id = i.weapon_id)`;
  await db.raw(
    `INSERT INTO alerts (${COLUMNS})
    SELECT 'stolen_match', ${severity("'stolen_match'")}, 'stolen_match',
           jsonb_build_object('subjectType', s.type, 'subject', s.reference, 'reportKind', sr.kind, 'agency', ra.code, 'record', sr.reference),
           s.type, s.subject_id, s.reference, sr.id, ${related('stolen_report', 'sr.reference', 'ra')}, ARRAY[s.agency_id, sr.agency_id],
           s.weapon_id
      FROM ${subjects} s JOIN ${report} sr ON sr.weapon_id = s.weapon_id JOIN agencies ra ON ra.id = sr.agency_id
    ${ONE_OPEN}`,
    { reportId },
  );
}

/**
 * A closed stocktake's missing items: one critical `stock_discrepancy` alert each (subject the item, related the
 * stocktake), for the agency — and so its region's advisors. An item already missing from an earlier count that is not
 * closed keeps that alert rather than gaining a second.
 */
export async function raiseForStocktake(db: Queryable, stocktakeId: string): Promise<number> {
  const result = await db.raw(
    `INSERT INTO alerts (${COLUMNS})
     SELECT 'stock_discrepancy', ${severity("'stock_discrepancy'")}, 'stock_discrepancy',
            jsonb_build_object('subject', i.reference, 'record', st.reference, 'location', st.storage_location, 'agency', a.code),
            'stockpile_item', i.id, i.reference, st.id, ${related('stocktake', 'st.reference', 'a')}, ARRAY[st.agency_id],
            i.weapon_id
       FROM stocktake_lines l JOIN stocktakes st ON st.id = l.stocktake_id
       JOIN stockpile_items i ON i.id = l.item_id JOIN agencies a ON a.id = st.agency_id
      WHERE l.stocktake_id = :stocktakeId AND l.outcome = 'missing'
        AND NOT EXISTS (SELECT 1 FROM alerts x WHERE x.kind = 'stock_discrepancy' AND x.subject_id = i.id AND x.status <> 'closed')
     ${ONE_OPEN}`,
    { stocktakeId },
  );
  return result.rowCount ?? 0;
}

/**
 * The items a closed stocktake counted that an earlier count had found missing: their `stock_discrepancy` alerts close,
 * by the person who closed this count, with a note naming it. Answers the alerts closed.
 */
export async function closeFoundDiscrepancies(
  db: Queryable,
  stocktakeId: string,
  userId: string,
): Promise<{ id: string; subject_reference: string }[]> {
  const result = await db.raw(
    `UPDATE alerts al
        SET status = 'closed', closed_by = :userId, closed_at = now(),
            closing_note = format('Counted in stocktake %s (%s), closed %s.', st.reference, st.storage_location,
                                  to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI "UTC"'))
       FROM stocktake_lines l JOIN stocktakes st ON st.id = l.stocktake_id
      WHERE l.stocktake_id = :stocktakeId AND l.counted_at IS NOT NULL
        AND al.kind = 'stock_discrepancy' AND al.subject_id = l.item_id AND al.related_id <> :stocktakeId
        AND al.status <> 'closed'
     RETURNING al.id, al.subject_reference`,
    { stocktakeId, userId },
  );
  return result.rows;
}

/** Who reads alerts: their scope, whether trafficking-indicator alerts are for them, and the language they read. */
export interface AlertReader {
  scope: Scope;
  intelligence: boolean;
  language?: 'en' | 'es';
}

/** The alerts a reader sees: those that concern one of its agencies (indicator alerts only for intelligence readers). */
function alertsInScope(db: Queryable, reader: AlertReader): Knex.QueryBuilder {
  const query = applyAgenciesScope(db('alerts as al'), 'al.agency_ids', reader.scope);
  return reader.intelligence ? query : query.whereNot('al.kind', 'trafficking_indicator');
}

/** Not closed: an acknowledged alert is being looked at, not resolved (the partial keys `alerts_one_open` and `alerts_weapon_unclosed` too). */
const UNCLOSED = "al.status <> 'closed'";

/**
 * A correlated subquery, over the SQL expression `weapon`, of the unclosed alerts about that gun the reader sees, as a
 * JSON array of {id, kind, severity}, critical first, then newest: the `openAlerts` of a trace, item or weapon.
 */
export function openAlertsSql(db: Queryable, weapon: string, reader: AlertReader): Knex.Raw {
  const visible = alertsInScope(db, reader)
    .whereRaw(`al.weapon_id = ${weapon}`)
    .whereRaw(UNCLOSED)
    .select('al.id', 'al.kind', 'al.severity', 'al.created_at');
  return db.raw(
    `(SELECT coalesce(jsonb_agg(jsonb_build_object('id', v.id, 'kind', v.kind, 'severity', v.severity)
                                ORDER BY v.severity = 'critical' DESC, v.created_at DESC, v.id DESC), '[]'::jsonb) FROM (?) v)`,
    [visible],
  );
}

/** The `openAlerts` of several guns, in one query. */
export async function openAlertsOf(
  db: Queryable,
  reader: AlertReader,
  weaponIds: string[],
): Promise<Map<string, OpenAlert[]>> {
  const { rows } = (await db.raw('SELECT w.id, ? AS alerts FROM unnest(?::uuid[]) AS w(id)', [
    openAlertsSql(db, 'w.id', reader),
    [...new Set(weaponIds)],
  ])) as { rows: { id: string; alerts: OpenAlert[] }[] };
  return new Map(rows.map((row) => [row.id, row.alerts]));
}

/**
 * What stands in the way of destroying these guns, whoever may see it: active stolen/lost reports and unclosed critical
 * alerts, by gun (the 409 of planning and verifying a destruction names them).
 */
export async function diversionBlockers(
  db: Queryable,
  weaponIds: string[],
): Promise<Map<string, { stolenReports: { id: string; reference: string }[]; alerts: OpenAlert[] }>> {
  const { rows } = (await db.raw(
    `SELECT w.id,
       (SELECT coalesce(jsonb_agg(jsonb_build_object('id', sr.id, 'reference', sr.reference) ORDER BY sr.created_at), '[]')
          FROM stolen_reports sr WHERE sr.weapon_id = w.id AND sr.status = 'active') AS stolen_reports,
       (SELECT coalesce(jsonb_agg(jsonb_build_object('id', al.id, 'kind', al.kind, 'severity', al.severity) ORDER BY al.created_at), '[]')
          FROM alerts al WHERE al.weapon_id = w.id AND ${UNCLOSED} AND al.severity = 'critical') AS alerts
     FROM unnest(?::uuid[]) AS w(id)`,
    [[...new Set(weaponIds)]],
  )) as { rows: { id: string; stolen_reports: { id: string; reference: string }[]; alerts: OpenAlert[] }[] };
  return new Map(rows.map((row) => [row.id, { stolenReports: row.stolen_reports, alerts: row.alerts }]));
}

interface AlertRow {
  id: string;
  kind: Alert['kind'];
  severity: Alert['severity'];
  status: Alert['status'];
  created_at: Date;
  message: string | null;
  message_code: AlertMessageCode | null;
  message_params: Record<string, string | number> | null;
  subject_type: Alert['subject']['type'];
  subject_id: string;
  subject_reference: string;
  related: Alert['related'];
  weapon_id: string;
  reasons: StoredReason[] | null;
  acknowledged_by: string | null;
  acknowledged_at: Date | null;
  closed_by: string | null;
  closed_at: Date | null;
  closing_note: string | null;
}

const toAlert = (row: AlertRow, language: 'en' | 'es' = 'en'): Alert => ({
  id: row.id,
  kind: row.kind,
  severity: row.severity,
  status: row.status,
  createdAt: row.created_at.toISOString(),
  ...alertWording(row.message, row.message_code, row.message_params),
  weaponId: row.weapon_id,
  reasons: (row.reasons ?? []).map((reason) => reasonOf(reason, language)),
  subject: { type: row.subject_type, id: row.subject_id, reference: row.subject_reference },
  related: row.related,
  acknowledgedBy: row.acknowledged_by,
  acknowledgedAt: row.acknowledged_at?.toISOString() ?? null,
  closedBy: row.closed_by,
  closedAt: row.closed_at?.toISOString() ?? null,
  closingNote: row.closing_note,
});

/** Open critical alerts first (not closed, critical), then newest: the order of `GET /alerts`. */
const RANK = "CASE WHEN al.status <> 'closed' AND al.severity = 'critical' THEN 0 ELSE 1 END";

export async function listAlerts(db: Queryable, reader: AlertReader, query: AlertQuery, limit: number) {
  const rows = alertsInScope(db, reader)
    .select('al.*', db.raw(`${RANK} AS rank`))
    .orderByRaw(`${RANK}, al.created_at DESC, al.id DESC`)
    .limit(limit + 1);
  if (query.status) rows.where('al.status', query.status);
  if (query.kind) rows.where('al.kind', query.kind);
  if (query.severity) rows.where('al.severity', query.severity);
  if (query.weaponId) rows.where('al.weapon_id', query.weaponId);
  if (query.subjectId) rows.where('al.subject_id', query.subjectId);
  const after = rankedCursor(query.cursor);
  // The cursor holds the last row's rank as it was (an alert closed meanwhile moves, the page boundary does not) and
  // its id, whose immutable created_at SQL looks up.
  if (after)
    rows.whereRaw(
      `(${RANK} > ? OR (${RANK} = ? AND (al.created_at, al.id) < (SELECT created_at, id FROM alerts WHERE id = ?)))`,
      [after[0], after[0], after[1]],
    );
  return pageOf(
    await runQuery<AlertRow & { rank: number }>(db, rows),
    limit,
    (row) => [row.rank, row.id],
    (row) => toAlert(row, reader.language),
  );
}

export async function countOpenAlerts(db: Queryable, reader: AlertReader) {
  const [row] = await runQuery<{ open: string; critical: string }>(
    db,
    alertsInScope(db, reader)
      .where('al.status', 'open')
      .select(db.raw('count(*) AS open'), db.raw("count(*) FILTER (WHERE al.severity = 'critical') AS critical")),
  );
  return { open: Number(row?.open ?? 0), openCritical: Number(row?.critical ?? 0) };
}

export async function findAlert(db: Queryable, reader: AlertReader, id: string): Promise<Alert | undefined> {
  const [row] = await runQuery<AlertRow>(db, alertsInScope(db, reader).where('al.id', id).select('al.*').limit(1));
  return row ? toAlert(row, reader.language) : undefined;
}

/** Acknowledges (open → acknowledged) or closes (open or acknowledged → closed) an alert in scope; undefined when it was not in a `from` status. */
export async function changeAlert(
  db: Queryable,
  reader: AlertReader,
  id: string,
  change: { to: 'acknowledged' | 'closed'; from: readonly string[]; userId: string; note: string | null },
): Promise<Alert | undefined> {
  const sets =
    change.to === 'acknowledged'
      ? {
          status: 'acknowledged',
          acknowledged_by: change.userId,
          acknowledged_at: db.fn.now(),
          acknowledging_note: change.note,
        }
      : { status: 'closed', closed_by: change.userId, closed_at: db.fn.now(), closing_note: change.note };
  const [row] = await runQuery<AlertRow>(
    db,
    db('alerts')
      .update(sets)
      .whereIn('id', alertsInScope(db, reader).where('al.id', id).select('al.id'))
      .whereIn('status', [...change.from])
      .returning('*'),
  );
  return row ? toAlert(row, reader.language) : undefined;
}

/** A cursor of `GET /alerts`: [rank (0 or 1), id]. */
function rankedCursor(cursor: string | undefined): [number, string] | undefined {
  const values = decodeCursor(cursor, 2);
  if (values === undefined) return undefined;
  const [rank, id] = values;
  const usable =
    (rank === 0 || rank === 1) &&
    typeof id === 'string' &&
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
  if (!usable) throw invalidField('/query/cursor', 'is not a cursor returned by this list');
  return [rank, id];
}
