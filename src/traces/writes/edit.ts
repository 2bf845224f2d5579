import { agencyCasesSql, caseIsOpenSql } from '../../cases/repository.ts';
import { WEAPON_COLUMNS, WEAPON_UPSERT } from '../../weapons/repository.ts';
import { runStatement, uniqueViolation, type Queryable } from '../../db/knex.ts';
import { rowFromJson, type TraceRow } from '../repository.ts';
import type { TraceStatus } from '../schemas.ts';
import {
  AUDIT_COLUMNS,
  auditValues,
  authorBindings,
  fieldColumnsSql,
  type Author,
  type FieldColumn,
} from './common.ts';
import { duplicateOf, type NewTrace } from './create.ts';

export interface TraceEdit {
  traceId: string;
  /** The trace's version when it was read: the edit applies only to that version. */
  seen: number;
  editable: readonly TraceStatus[];
  caseId: string;
  /** The edit moves the trace to another case, which must be an open case of the author's agency. */
  caseChanged: boolean;
  /** A weapon to find or create when the edit changes the gun. */
  weapon?: Omit<NewTrace, 'index' | 'id' | 'caseId' | 'columns' | 'draft'>;
  columns: Record<FieldColumn, unknown>;
  author: Author & { actorId: string; agencyId: string };
  fields: string[];
}

export type EditResult =
  | { row: TraceRow }
  | { problem: 'changed' | 'case' | 'case-closed' }
  | { problem: 'duplicate'; duplicateOf: string | null };

/**
 * An edit of a draft or needs_info trace, in one statement: the version that was read, the (new) weapon found or
 * created and linked, the old gun unlinked from the case when nothing else there is about it, the event and audit entry.
 */
/** The edit may go on: the trace stays in its case, or moves to an open case of the agency. */
const caseTakesIt = `(NOT :caseChanged OR EXISTS (SELECT 1 FROM kase k WHERE ${caseIsOpenSql('k')}))`;

export async function editTrace(db: Queryable, edit: TraceEdit): Promise<EditResult> {
  const weapon = edit.weapon;
  try {
    const {
      rows: [result],
    } = await runStatement<{ moved: Record<string, unknown> | null; found: boolean; case_status: string | null }>(
      db,
      `WITH cur AS (SELECT id, case_id, weapon_id, status FROM traces
                     WHERE id = :traceId AND status = ANY(:editable::text[]) AND version = :seen FOR UPDATE),
       kase AS (SELECT id, status FROM (${agencyCasesSql(':agencyId')}) k WHERE k.id = :caseId),
       weapon AS (
         INSERT INTO weapons (${WEAPON_COLUMNS.join(', ')})
         SELECT ${WEAPON_COLUMNS.map((column) => `:w_${column}`).join(', ')}
          WHERE :withWeapon AND EXISTS (SELECT 1 FROM cur) AND ${caseTakesIt}
         ${WEAPON_UPSERT}
         RETURNING id),
       moved AS (
         UPDATE traces t SET case_id = :caseId, weapon_id = coalesce((SELECT id FROM weapon), t.weapon_id),
                weapon = coalesce(:weapon::jsonb, t.weapon),
                ${fieldColumnsSql((column, type) => `${column} = :${column}::${type}`)}, updated_at = now()
           FROM cur WHERE t.id = cur.id AND ${caseTakesIt}
                      AND (NOT :withWeapon OR EXISTS (SELECT 1 FROM weapon))
         RETURNING t.*),
       link AS (INSERT INTO case_weapons (case_id, weapon_id) SELECT case_id, weapon_id FROM moved ON CONFLICT DO NOTHING),
       unlink AS (
         DELETE FROM case_weapons cw USING cur, moved
          WHERE cw.case_id = cur.case_id AND cw.weapon_id = cur.weapon_id
            AND (moved.case_id <> cur.case_id OR moved.weapon_id <> cur.weapon_id)
            AND NOT EXISTS (SELECT 1 FROM traces o WHERE o.case_id = cur.case_id AND o.weapon_id = cur.weapon_id AND o.id <> cur.id)
            AND NOT EXISTS (SELECT 1 FROM stockpile_items s WHERE s.case_id = cur.case_id AND s.weapon_id = cur.weapon_id)),
       ev AS (INSERT INTO trace_events (trace_id, type, from_status, to_status, actor_id) SELECT id, 'updated', status, status, :actorId FROM moved),
       au AS (INSERT INTO audit_log (${AUDIT_COLUMNS})
              SELECT ${auditValues("'trace.updated'", 'id::text', "jsonb_build_object('fields', :fields::jsonb)")} FROM moved)
       SELECT (SELECT to_jsonb(m) FROM moved m) AS moved, EXISTS (SELECT 1 FROM cur) AS found, (SELECT status FROM kase) AS case_status`,
      {
        ...authorBindings(edit.author),
        traceId: edit.traceId,
        seen: edit.seen,
        editable: edit.editable,
        caseId: edit.caseId,
        caseChanged: edit.caseChanged,
        agencyId: edit.author.agencyId,
        withWeapon: Boolean(weapon),
        fields: JSON.stringify(edit.fields),
        w_id: weapon?.newWeaponId ?? null,
        w_manufacturer: weapon?.weapon.manufacturer ?? null,
        w_manufacturer_normalized: weapon?.manufacturerNormalized ?? null,
        w_model: weapon?.weapon.model ?? null,
        w_caliber: weapon?.weapon.caliber ?? null,
        w_type: weapon?.weapon.type ?? null,
        w_serial_number: weapon?.weapon.serialNumber ?? null,
        w_serial_normalized: weapon?.serialNormalized ?? null,
        w_serial_obliterated: weapon?.weapon.serialObliterated ?? false,
        w_importer: weapon?.weapon.importer ?? null,
        w_country_of_manufacture: weapon?.weapon.countryOfManufacture ?? null,
        weapon: weapon ? JSON.stringify(weapon.weapon) : null,
        ...edit.columns,
        possessor: edit.columns.possessor ? JSON.stringify(edit.columns.possessor) : null,
      },
    );
    if (result?.moved) return { row: rowFromJson(result.moved) };
    if (!result?.found) return { problem: 'changed' };
    return { problem: result.case_status === 'closed' ? 'case-closed' : 'case' };
  } catch (error) {
    if (uniqueViolation(error) !== 'traces_no_duplicate') throw error;
    const {
      rows: [existing],
    } = await db.raw(
      `SELECT ${duplicateOf('traces', 'x')} AS id
         FROM (SELECT :caseId::uuid AS case_id, :recovery_date::date AS recovery_date,
                      coalesce((SELECT id FROM weapons WHERE manufacturer_normalized = :m AND serial_normalized = :s),
                               (SELECT weapon_id FROM traces WHERE id = :traceId)) AS weapon_id) x`,
      {
        traceId: edit.traceId,
        caseId: edit.caseId,
        recovery_date: edit.columns.recovery_date,
        m: weapon?.manufacturerNormalized ?? null,
        s: weapon?.serialNormalized ?? null,
      },
    );
    return { problem: 'duplicate', duplicateOf: existing?.id ?? null };
  }
}
