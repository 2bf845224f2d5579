import { randomUUID } from 'node:crypto';
import { agencyCasesSql, caseIsOpenSql } from '../../cases/repository.ts';
import { claimKeySql } from '../../http/idempotency.ts';
import { WEAPON_COLUMNS, WEAPON_UPSERT } from '../../weapons/repository.ts';
import type { Batcher } from '../../db/batcher.ts';
import { runStatement, type Queryable } from '../../db/knex.ts';
import { noOpenAlertsSql, raiseForTracesSql } from '../../alerts/repository.ts';
import { NOTIFY_OUTBOX } from '../outbox/repository.ts';
import { registryMatchesSql } from '../../registry/repository.ts';
import { normalizeManufacturer, normalizeSerial } from '../../weapons/identity.ts';
import type { WeaponDescription } from '../../weapons/schemas.ts';
import type { TransitionPlan } from '../lifecycle.ts';
import type { TraceRow } from '../repository.ts';
import type { QualityFlag, TraceCreate } from '../schemas.ts';
import { AUDIT_COLUMNS, batcherFor, fieldColumnsSql, targetSql, traceColumns, type Author } from './common.ts';

/** A weapon as the statements find or create it: its identity (normalized), a fresh id in case it is new, and its description. */
export function weaponToPlace(weapon: WeaponDescription) {
  return {
    newWeaponId: randomUUID(),
    manufacturerNormalized: normalizeManufacturer(weapon.manufacturer),
    serialNormalized: weapon.serialNumber ? normalizeSerial(weapon.serialNumber) : null,
    weapon,
  };
}

/** A trace to create from a request body (row `index` of a bulk, 0 for one). */
export function newTrace(index: number, body: TraceCreate, weapon: WeaponDescription, flags: QualityFlag[]): NewTrace {
  return {
    index,
    id: randomUUID(),
    caseId: body.caseId,
    ...weaponToPlace(weapon),
    columns: traceColumns(body, flags),
    draft: body.draft ?? false,
  };
}

/** A trace to create: its columns, its weapon's identity and description, and the plan it is created under. */
export interface NewTrace {
  index: number;
  id: string;
  caseId: string;
  newWeaponId: string;
  manufacturerNormalized: string;
  serialNormalized: string | null;
  weapon: WeaponDescription;
  columns: Record<string, unknown>;
  draft: boolean;
}

export interface Claim {
  userId: string;
  key: string;
  fingerprint: Buffer;
}

export interface CreationOutcome {
  index: number;
  caseStatus: 'open' | 'closed' | null;
  trace?: TraceRow;
  duplicateOf?: string;
}

const TRACE_INPUT_COLUMNS = `i int, id uuid, case_id uuid, new_weapon_id uuid, manufacturer text, manufacturer_normalized text, model text,
  caliber text, type text, serial_number text, serial_normalized text, serial_obliterated boolean, importer text,
  country_of_manufacture text, weapon jsonb, draft boolean, ${fieldColumnsSql((column, type) => `${column} ${type}`)},
  a_actor uuid, a_role text, a_agency uuid, a_request text, a_ip text`;

/** The duplicate rule, once: a trace that is not cancelled for the same case, weapon and recovery date. */
export const DUPLICATE_CONFLICT = `ON CONFLICT (case_id, weapon_id, recovery_date) WHERE status <> 'cancelled'`;
export const duplicateOf = (from: string, row: string) =>
  `(SELECT d.id FROM ${from} d WHERE d.case_id = ${row}.case_id AND d.weapon_id = ${row}.weapon_id AND d.recovery_date = ${row}.recovery_date AND d.status <> 'cancelled' LIMIT 1)`;

/** A trace to create and who creates it (rows of one statement may come from different requests). */
export type AuthoredTrace = NewTrace & { author: Author & { actorId: string; agencyId: string } };

/**
 * Creates traces — one, a bulk, or the single creations of several requests at once — in one statement: each row's
 * case must be an open case of its author's agency; its weapon is found or created by identity and linked to the case;
 * a duplicate is skipped (and named); the status is the plan's (`draft`, or review or the queue by the review rule);
 * events, audit entries and outbox rows (with the relay's NOTIFY) go with them. With a claim, the idempotency key is
 * taken in the same statement, and nothing is created unless it was. Returns one outcome per row, in the rows' order, or
 * `undefined` when the key was already taken.
 */
export async function createTraces(
  db: Queryable,
  plans: { draft: TransitionPlan; submit: TransitionPlan },
  rows: AuthoredTrace[],
  claim?: Claim,
): Promise<CreationOutcome[] | undefined> {
  const input = rows.map((row, i) => ({
    i,
    id: row.id,
    case_id: row.caseId,
    new_weapon_id: row.newWeaponId,
    manufacturer: row.weapon.manufacturer,
    manufacturer_normalized: row.manufacturerNormalized,
    model: row.weapon.model,
    caliber: row.weapon.caliber,
    type: row.weapon.type,
    serial_number: row.weapon.serialNumber,
    serial_normalized: row.serialNormalized,
    serial_obliterated: row.weapon.serialObliterated,
    importer: row.weapon.importer,
    country_of_manufacture: row.weapon.countryOfManufacture,
    weapon: row.weapon,
    draft: row.draft,
    ...row.columns,
    a_actor: row.author.actorId,
    a_role: row.author.role,
    a_agency: row.author.agencyId,
    a_request: row.author.requestId,
    a_ip: row.author.ip,
  }));
  const status = `CASE WHEN p.draft THEN ${targetSql(plans.draft, 'NULL', 'p.review_required', 'p.quality_flags')}
                       ELSE ${targetSql(plans.submit, 'NULL', 'p.review_required', 'p.quality_flags')} END`;
  const claimSql = claim ? claimKeySql(':claimUser', ':key', ':fingerprint', ':resource') : 'SELECT 1';
  type CreatedRow = TraceRow & {
    _index: number;
    _case_status: 'open' | 'closed' | null;
    _duplicate_of: string | null;
    _notified: unknown;
  };
  const { rows: result } = await runStatement<CreatedRow>(
    db,
    `WITH claim AS (${claimSql}),
     input AS (SELECT r.* FROM jsonb_to_recordset(:rows::jsonb) AS r(${TRACE_INPUT_COLUMNS}) WHERE EXISTS (SELECT 1 FROM claim)),
     kase AS (SELECT * FROM (${agencyCasesSql()}) k WHERE k.id IN (SELECT case_id FROM input)),
     ok AS (SELECT r.*, k.review_required, k.region FROM input r JOIN kase k ON k.id = r.case_id AND k.agency_id = r.a_agency AND ${caseIsOpenSql('k')}),
     weapon AS (
       INSERT INTO weapons (${WEAPON_COLUMNS.join(', ')})
       SELECT DISTINCT ON (coalesce(manufacturer_normalized || '|' || serial_normalized, new_weapon_id::text))
              new_weapon_id, ${WEAPON_COLUMNS.slice(1).join(', ')}
         FROM ok ORDER BY coalesce(manufacturer_normalized || '|' || serial_normalized, new_weapon_id::text), i
       ${WEAPON_UPSERT}
       RETURNING id, manufacturer_normalized, serial_normalized),
     placed AS (SELECT ok.*, w.id AS weapon_id FROM ok JOIN weapon w ON CASE WHEN ok.serial_normalized IS NULL THEN w.id = ok.new_weapon_id
                  ELSE w.manufacturer_normalized = ok.manufacturer_normalized AND w.serial_normalized = ok.serial_normalized END),
     link AS (INSERT INTO case_weapons (case_id, weapon_id)
              SELECT DISTINCT case_id, weapon_id FROM placed ORDER BY case_id, weapon_id ON CONFLICT DO NOTHING),
     trace AS (
       INSERT INTO traces (id, agency_id, region, case_id, weapon_id, weapon, status, ${fieldColumnsSql((column) => column)},
                           created_by, submitted_at, submitted_by, queue_run, created_at)
       SELECT p.id, p.a_agency, p.region, p.case_id, p.weapon_id, p.weapon, s.status, ${fieldColumnsSql((column) => `p.${column}`)},
              p.a_actor,
              CASE WHEN s.status <> 'draft' THEN now() END, CASE WHEN s.status <> 'draft' THEN p.a_actor END,
              CASE WHEN s.status = 'queued' THEN 1 ELSE 0 END,
              -- Per row, in the rows' order: traces created together list in their reference order, not by their random ids.
              clock_timestamp()
         FROM placed p CROSS JOIN LATERAL (SELECT ${status} AS status) s ORDER BY p.i
       ${DUPLICATE_CONFLICT} DO NOTHING
       RETURNING *),
     made AS (SELECT t.id, t.status, t.queue_run, t.urgent, t.reference, t.weapon_id, t.recovery_date, p.a_actor, p.a_role, p.a_agency,
                     p.a_request, p.a_ip, p.i
                FROM trace t JOIN placed p ON p.id = t.id),
     al AS (${raiseForTracesSql('(SELECT id AS subject_id, reference, a_agency AS agency_id, weapon_id, recovery_date FROM made)')}),
     ev AS (INSERT INTO trace_events (trace_id, type, from_status, to_status, actor_id, run)
            SELECT id, CASE WHEN status = 'draft' THEN :draftEvent ELSE :submitEvent END, NULL, status, a_actor, NULLIF(queue_run, 0)
              FROM made ORDER BY i),
     au AS (INSERT INTO audit_log (${AUDIT_COLUMNS})
            SELECT 'api', a_actor, a_role, a_agency, a_request, a_ip, CASE WHEN status = 'draft' THEN :draftAudit ELSE :submitAudit END,
                   'trace', id::text, 'success', jsonb_build_object('from', NULL, 'to', status)
              FROM made ORDER BY i),
     ob AS (INSERT INTO trace_outbox (trace_id, kind, run, urgent) SELECT id, 'enqueue', queue_run, urgent FROM made WHERE status = 'queued' ORDER BY i RETURNING 1)
     SELECT r.i AS _index, k.status AS _case_status,
            CASE WHEN t.id IS NULL AND p.weapon_id IS NOT NULL
                 THEN coalesce(${duplicateOf('traces', 'p')}, ${duplicateOf('trace', 'p')}) END AS _duplicate_of,
            (SELECT ${NOTIFY_OUTBOX} FROM ob LIMIT 1) AS _notified, t.*,
            CASE WHEN t.id IS NOT NULL THEN ${registryMatchesSql('t.weapon_id')} END AS registry_matches,
            CASE WHEN t.id IS NOT NULL THEN ${noOpenAlertsSql('t.weapon_id')} END AS open_alerts
       FROM input r LEFT JOIN kase k ON k.id = r.case_id AND k.agency_id = r.a_agency LEFT JOIN placed p ON p.i = r.i
       LEFT JOIN trace t ON t.id = r.id
      ORDER BY r.i`,
    {
      rows: JSON.stringify(input),
      draftEvent: plans.draft.event,
      submitEvent: plans.submit.event,
      draftAudit: plans.draft.audit,
      submitAudit: plans.submit.audit,
      ...(claim
        ? {
            claimUser: claim.userId,
            key: claim.key,
            fingerprint: claim.fingerprint,
            resource: rows.length === 1 ? rows[0]!.id : null,
          }
        : {}),
    },
  );
  if (!result.length) return undefined;
  return result.map((row) => {
    const { _index, _case_status, _duplicate_of, _notified: _n, ...trace } = row;
    return {
      index: rows[_index]!.index,
      caseStatus: _case_status,
      ...(trace.id ? { trace: trace as TraceRow } : {}),
      ...(_duplicate_of ? { duplicateOf: _duplicate_of } : {}),
    };
  });
}

const batchers = new WeakMap<object, Batcher<AuthoredTrace, CreationOutcome>>();

/** One creation without an idempotency key, batched with the others of this process (see `IN_FLIGHT`). */
export function createTrace(
  db: Queryable,
  plans: { draft: TransitionPlan; submit: TransitionPlan },
  row: AuthoredTrace,
): Promise<CreationOutcome> {
  // The plans are the same for every creation (the table's `create_draft` and `submit`): the first ones serve all.
  return batcherFor(batchers, db, async (rows) => (await createTraces(db, plans, rows))!, 500).submit(row);
}
