import type { Queryable } from '../db/knex.ts';
import type { RequestContext, Role } from '../shared/actor.ts';
import { writeAudits } from './repository.ts';

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

export const apiAuditActor = (ctx: RequestContext): AuditActor => ({
  component: 'api',
  actorId: ctx.actor.id,
  role: ctx.actor.role,
  agencyId: ctx.actor.agency.id,
  requestId: ctx.requestId,
  ip: ctx.ip,
});

export const writeAudit = (db: Queryable, who: AuditActor, entry: AuditEntry) => writeAudits(db, who, [entry]);

export const audit = (db: Queryable, ctx: RequestContext, entry: AuditEntry) => writeAudit(db, apiAuditActor(ctx), entry);
