import { audit } from '../db/audit-log.ts';
import type { Queryable } from '../db/knex.ts';
import { seesPersonalData, type RequestContext } from '../shared/actor.ts';
import { registryMatchesOf } from '../registry/repository.ts';
import type { RegistryMatch } from '../registry/schemas.ts';
import { recoveryOf, type TraceRow } from './repository.ts';
import type { Trace } from './schemas.ts';
import { versioned } from '../shared/versioned.ts';

/**
 * Why traces are being shown: a `read`, which is audited whenever it shows possessor or purchaser data, or the
 * `reply` to the caller's own change, which that change's audit entry already records.
 */
export type Showing = 'read' | 'reply';

const hasPersonalData = (row: TraceRow) =>
  row.possessor !== null || Boolean(row.result && 'purchaser' in row.result && row.result.purchaser);

function toTrace(row: TraceRow, withPersonalData: boolean, registryMatches: RegistryMatch[]): Trace {
  let result = row.result;
  if (result && 'purchaser' in result && !withPersonalData) {
    const { purchaser: _removed, ...rest } = result;
    result = rest;
  }
  const possessor =
    withPersonalData && row.possessor
      ? {
          firstName: row.possessor.firstName,
          lastName: row.possessor.lastName,
          dateOfBirth: row.possessor.dateOfBirth ?? null,
          nationality: row.possessor.nationality ?? null,
          idNumber: row.possessor.idNumber ?? null,
        }
      : null;
  return versioned(
    {
      id: row.id,
      reference: row.reference,
      agencyId: row.agency_id,
      caseId: row.case_id,
      weaponId: row.weapon_id,
      weapon: row.weapon,
      status: row.status,
      stage: row.stage,
      urgent: row.urgent,
      urgentReason: row.urgent_reason,
      qualityFlags: row.quality_flags,
      recovery: recoveryOf(row),
      possessor,
      notes: row.notes,
      assignedTo: row.assigned_to,
      attempts: row.attempts,
      createdBy: row.created_by,
      createdAt: row.created_at.toISOString(),
      updatedAt: row.updated_at.toISOString(),
      submittedAt: row.submitted_at?.toISOString() ?? null,
      completedAt: row.completed_at?.toISOString() ?? null,
      result,
      registryMatches,
    },
    row.version,
  );
}

/**
 * The only way trace rows become responses: personal data is removed for those who may not see it, and a read that
 * shows it to those who may is written to the audit log (one entry for the whole page).
 */
export async function presentTraces(
  db: Queryable,
  ctx: RequestContext,
  rows: TraceRow[],
  showing: Showing,
): Promise<Trace[]> {
  const personal = seesPersonalData(ctx.actor);
  const shown = personal ? rows.filter(hasPersonalData).map((row) => row.id) : [];
  const unmatched = rows.filter((row) => row.registry_matches === undefined).map((row) => row.weapon_id);
  const [matches] = await Promise.all([
    unmatched.length ? registryMatchesOf(db, unmatched) : undefined,
    showing === 'read' && shown.length
      ? audit(db, ctx, {
          action: 'trace.personal_data_read',
          entity: 'trace',
          entityId: shown.length === 1 ? shown[0] : null,
          details: { traceIds: shown },
        })
      : undefined,
  ]);
  return rows.map((row) => toTrace(row, personal, row.registry_matches ?? matches?.get(row.weapon_id) ?? []));
}

export const presentTrace = async (
  db: Queryable,
  ctx: RequestContext,
  row: TraceRow,
  showing: Showing,
): Promise<Trace> => (await presentTraces(db, ctx, [row], showing))[0]!;
