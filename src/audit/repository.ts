import type { Queryable } from '../db/knex.ts';
import { decodeSequenceCursor, pageOf } from '../db/pagination.ts';
import type { AuditEntry, AuditQuery } from './schemas.ts';

interface AuditRow {
  id: number;
  at: Date;
  component: AuditEntry['component'];
  action: string;
  outcome: AuditEntry['outcome'];
  actor_id: string | null;
  role: AuditEntry['role'];
  agency_id: string | null;
  entity: string | null;
  entity_id: string | null;
  request_id: string | null;
  ip: string | null;
  details: Record<string, unknown> | null;
}

const toEntry = (row: AuditRow): AuditEntry => ({
  id: row.id,
  at: row.at.toISOString(),
  component: row.component,
  action: row.action,
  outcome: row.outcome,
  actorId: row.actor_id,
  role: row.role,
  agencyId: row.agency_id,
  entity: row.entity,
  entityId: row.entity_id,
  requestId: row.request_id,
  ip: row.ip,
  details: row.details,
});

/** Newest first, keyset on the entry's sequence number. */
export async function listAudit(db: Queryable, query: AuditQuery, limit: number) {
  const before = decodeSequenceCursor(query.cursor);
  const rows = db('audit_log')
    .orderBy('id', 'desc')
    .limit(limit + 1);
  if (query.entity) rows.where('entity', query.entity);
  if (query.entityId) rows.where('entity_id', query.entityId);
  if (query.actorId) rows.where('actor_id', query.actorId);
  if (query.action) rows.where('action', query.action);
  if (query.outcome) rows.where('outcome', query.outcome);
  if (query.from) rows.where('at', '>=', query.from);
  if (query.to) rows.where('at', '<', query.to);
  if (before !== undefined) rows.where('id', '<', before);
  return pageOf(await rows, limit, (row: AuditRow) => [row.id], toEntry);
}
