import { runQuery, type Queryable } from './knex.ts';
import type { RequestContext, Role } from '../shared/actor.ts';

export type AuditOutcome = 'success' | 'denied' | 'failure';

export interface AuditEntry {
  action: string;
  entity?: string;
  entityId?: string | null;
  outcome?: AuditOutcome;
  details?: Record<string, unknown>;
}

export interface AuditActor {
  component: 'api' | 'worker' | 'cli';
  actorId?: string | null;
  role?: Role | null;
  agencyId?: string | null;
  requestId?: string | null;
  ip?: string | null;
}

/** The author of a change made over the API, as the audit log (and a trace's write statements) record it. */
export const apiAuditActor = (ctx: RequestContext) => ({
  component: 'api' as const,
  actorId: ctx.actor.id,
  role: ctx.actor.role,
  agencyId: ctx.actor.agency.id,
  requestId: ctx.requestId,
  ip: ctx.ip,
});

export const writeAudit = (db: Queryable, who: AuditActor, entry: AuditEntry) => writeAudits(db, who, [entry]);

export const audit = (db: Queryable, ctx: RequestContext, entry: AuditEntry) =>
  writeAudit(db, apiAuditActor(ctx), entry);

/** Several entries by one actor, in one statement. */
export async function writeAudits(db: Queryable, who: AuditActor, entries: AuditEntry[]): Promise<void> {
  if (!entries.length) return;
  await runQuery(
    db,
    db('audit_log').insert(
      entries.map((entry) => ({
        component: who.component,
        actor_id: who.actorId ?? null,
        role: who.role ?? null,
        agency_id: who.agencyId ?? null,
        request_id: who.requestId ?? null,
        ip: who.ip ?? null,
        action: entry.action,
        entity: entry.entity ?? null,
        entity_id: entry.entityId ?? null,
        outcome: entry.outcome ?? 'success',
        details: entry.details ? JSON.stringify(entry.details) : null,
      })),
    ),
  );
}
