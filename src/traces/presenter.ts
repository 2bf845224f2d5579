import type { Knex } from 'knex';
import { apiAuditActor, audit } from '../db/audit-log.ts';
import { runQuery, type Queryable } from '../db/knex.ts';
import { seesPersonalData, type RequestContext } from '../shared/actor.ts';
import { registryMatchesSql } from '../registry/repository.ts';
import type { RegistryMatch } from '../registry/schemas.ts';
import { openAlertsSql } from '../alerts/repository.ts';
import { alertReaderOf } from '../alerts/service.ts';
import type { OpenAlert } from '../alerts/schemas.ts';
import { recoveryOf, type TraceRow } from './repository.ts';
import type { Trace } from './schemas.ts';
import { versioned } from '../shared/versioned.ts';

const PERSONAL_READ = 'trace.personal_data_read';
/** A trace shows personal data: a possessor, or a result naming a purchaser (in SQL, and of a row read). */
const HAS_PERSONAL_DATA = `(jsonb_typeof(possessor) = 'object' OR jsonb_typeof(result -> 'purchaser') = 'object')`;
const hasPersonalData = (row: TraceRow) =>
  row.possessor !== null || Boolean(row.result && 'purchaser' in row.result && row.result.purchaser);

/**
 * Reads traces to show `ctx` — `query` in its order, of which the first `shown` rows are shown (a page's query reads one
 * more, telling that a next page exists) — and when `ctx` sees personal data and the shown rows hold some, records that
 * read in the audit log in the same statement: one entry for the whole page. A read from a replica (`reader` is not
 * `db`) cannot write, so its entry follows on the primary. The only way trace rows are read for a reader.
 */
export async function readTraces<R extends TraceRow>(
  db: Queryable,
  ctx: RequestContext,
  query: Knex.QueryBuilder,
  shown: number,
  reader: Queryable = db,
): Promise<R[]> {
  if (!seesPersonalData(ctx.actor)) return runQuery<R>(reader, query);
  if (reader !== db) {
    const rows = await runQuery<R>(reader, query);
    const ids = rows
      .slice(0, shown)
      .filter(hasPersonalData)
      .map((row) => row.id);
    if (ids.length) await audit(db, ctx, personalRead(ids));
    return rows;
  }
  const who = apiAuditActor(ctx);
  return runQuery<R>(
    db,
    db.raw(
      `WITH page AS MATERIALIZED (SELECT p.*, row_number() OVER () AS _order FROM ? p),
       logged AS (
         INSERT INTO audit_log (component, actor_id, role, agency_id, request_id, ip, action, entity, entity_id, outcome, details)
         SELECT ?, ?, ?, ?, ?, ?, ?, 'trace', CASE WHEN count(*) = 1 THEN min(id::text) END, 'success',
                jsonb_build_object('traceIds', jsonb_agg(id ORDER BY _order))
           FROM page WHERE _order <= ? AND ${HAS_PERSONAL_DATA} HAVING count(*) > 0)
       SELECT * FROM page ORDER BY _order`,
      [query, who.component, who.actorId, who.role, who.agencyId, who.requestId, who.ip, PERSONAL_READ, shown],
    ),
  );
}

const personalRead = (ids: string[]) => ({
  action: PERSONAL_READ,
  entity: 'trace',
  entityId: ids.length === 1 ? ids[0] : null,
  details: { traceIds: ids },
});

function toTrace(
  row: TraceRow,
  withPersonalData: boolean,
  registryMatches: RegistryMatch[],
  openAlerts: OpenAlert[],
): Trace {
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
      openAlerts,
    },
    row.version,
  );
}

/**
 * The only way trace rows become responses: personal data is removed for those who may not see it. Rows read to be
 * shown come from `readTraces`, which recorded the read; the others are the reply to the caller's own change, which
 * that change's audit entry records.
 */
export async function presentTraces(db: Queryable, ctx: RequestContext, rows: TraceRow[]): Promise<Trace[]> {
  const personal = seesPersonalData(ctx.actor);
  // What the rows' own statement did not read — a changed row has neither its gun's registry matches nor its open
  // alerts — one query reads for all of them.
  const missing = rows.filter((row) => row.registry_matches === undefined || row.open_alerts == null);
  const known = missing.length
    ? await aboutGuns(
        db,
        ctx,
        missing.map((row) => row.weapon_id),
      )
    : undefined;
  return rows.map((row) =>
    toTrace(
      row,
      personal,
      row.registry_matches ?? known?.get(row.weapon_id)?.matches ?? [],
      row.open_alerts ?? known?.get(row.weapon_id)?.alerts ?? [],
    ),
  );
}

/** The registry matches and the open alerts (those `ctx` sees) of several guns, in one query. */
async function aboutGuns(db: Queryable, ctx: RequestContext, weaponIds: string[]) {
  const { rows } = (await db.raw(
    `SELECT w.id, ${registryMatchesSql('w.id')} AS matches, ? AS alerts FROM unnest(?::uuid[]) AS w(id)`,
    [openAlertsSql(db, 'w.id', alertReaderOf(ctx)), [...new Set(weaponIds)]],
  )) as { rows: { id: string; matches: RegistryMatch[]; alerts: OpenAlert[] }[] };
  return new Map(rows.map((row) => [row.id, row]));
}

export const presentTrace = async (db: Queryable, ctx: RequestContext, row: TraceRow): Promise<Trace> =>
  (await presentTraces(db, ctx, [row]))[0]!;
