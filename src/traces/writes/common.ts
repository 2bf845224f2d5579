import { Batcher } from '../../db/batcher.ts';
import type { Queryable } from '../../db/knex.ts';
import type { TransitionPlan } from '../lifecycle.ts';
import { needsReviewSql } from '../rules.ts';
import { FINAL_STATUSES, type QualityFlag, type TraceCreate } from '../schemas.ts';
import { STARTS_NEW_RUN } from '../transitions.ts';

/**
 * Every change of a trace is one statement: the row(s), its events, its audit entries and its outbox rows are written
 * together, atomically, in one round trip (data-modifying CTEs), with the status chosen by the transition table's plan.
 */

/** Who makes the change, as the audit log records it. */
export interface Author {
  component: 'api' | 'worker';
  actorId: string | null;
  role: string | null;
  agencyId: string | null;
  requestId: string | null;
  ip: string | null;
}

const list = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');
export const NEW_RUN = list(STARTS_NEW_RUN);
export const FINAL = list(FINAL_STATUSES);

/** The status a plan leads to, as SQL over the trace's current status, its agency's review rule and its flags. */
export function targetSql(plan: TransitionPlan, current: string, reviewRequired: string, flags: string): string {
  if (plan.to === 'unchanged') return current;
  if (plan.to === 'review_or_queue')
    return `CASE WHEN ${needsReviewSql(reviewRequired, flags)} THEN 'pending_review' ELSE 'queued' END`;
  return `'${plan.to}'`;
}

/** The columns a trace's request fields are stored in, with their SQL types: the one list the statements read. */
const FIELD_COLUMNS = {
  urgent: 'boolean',
  urgent_reason: 'text',
  quality_flags: 'text[]',
  recovery_date: 'date',
  recovery_country: 'text',
  recovery_department: 'text',
  recovery_municipality: 'text',
  recovery_address: 'text',
  recovery_latitude: 'double precision',
  recovery_longitude: 'double precision',
  recovery_circumstance: 'text',
  possessor: 'jsonb',
  notes: 'text',
} as const;
export type FieldColumn = keyof typeof FIELD_COLUMNS;

/** The field columns as a comma-separated SQL list, each written by `each` (a name, `p.name`, `name = :name`…). */
export const fieldColumnsSql = (each: (column: FieldColumn, type: string) => string) =>
  Object.entries(FIELD_COLUMNS)
    .map(([column, type]) => each(column as FieldColumn, type))
    .join(', ');

/** The columns a trace's request fields are stored in (plain values: JSON columns as objects). */
export function traceColumns(fields: TraceCreate, flags: QualityFlag[]): Record<FieldColumn, unknown> {
  const r = fields.recovery;
  return {
    urgent: fields.urgent ?? false,
    urgent_reason: fields.urgent ? (fields.urgentReason ?? null) : null,
    quality_flags: flags,
    recovery_date: r.date,
    recovery_country: r.country ?? null,
    recovery_department: r.department ?? null,
    recovery_municipality: r.municipality ?? null,
    recovery_address: r.address ?? null,
    recovery_latitude: r.latitude ?? null,
    recovery_longitude: r.longitude ?? null,
    recovery_circumstance: r.circumstance,
    possessor: fields.possessor ?? null,
    notes: fields.notes ?? null,
  };
}

export const AUDIT_COLUMNS =
  'component, actor_id, role, agency_id, request_id, ip, action, entity, entity_id, outcome, details';
export const auditValues = (action: string, entityId: string, details: string) =>
  `:component, :actorId, :role, :actorAgency, :requestId, :ip, ${action}, 'trace', ${entityId}, 'success', ${details}`;
export const authorBindings = (author: Author) => ({
  component: author.component,
  actorId: author.actorId,
  role: author.role,
  actorAgency: author.agencyId,
  requestId: author.requestId,
  ip: author.ip,
});

/**
 * Single creations without an idempotency key, and the worker's concurrent jobs, go through a batcher per database pool:
 * while `IN_FLIGHT` of those statements run, further ones wait and go together as rows of the next (each row still stands
 * or fails alone). Under light load a statement runs at once, alone; under heavy load the per-statement cost (executor,
 * triggers, commit) is shared by every row of a batch.
 */
export const IN_FLIGHT = 2;

/** The batcher of one kind of statement for a database pool (shared by its transactions' `client`). */
export function batcherFor<I, O>(
  registry: WeakMap<object, Batcher<I, O>>,
  db: Queryable,
  run: (items: I[]) => Promise<O[]>,
  maxBatch: number,
) {
  let batcher = registry.get(db.client);
  if (!batcher) {
    batcher = new Batcher(run, IN_FLIGHT, maxBatch);
    registry.set(db.client, batcher);
  }
  return batcher;
}
