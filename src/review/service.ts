import type { Clock } from '../clock.ts';
import type { Queryable } from '../db/knex.ts';
import { encodeCursor } from '../http/pagination.ts';
import { readScope, type RequestContext } from '../identity/actor.ts';
import { presentTraces } from '../traces/presenter.ts';
import { TRACE_STATUSES, type TraceStatus } from '../traces/schemas.ts';
import * as repo from './repository.ts';
import { DEFAULT_QUEUE_STATUSES, type QueueItem, type QueueQuery, type QueueSummary } from './schemas.ts';

export interface Sla {
  urgentHours: number;
  routineDays: number;
}

const zeroByStatus = () => Object.fromEntries(TRACE_STATUSES.map((s) => [s, 0])) as Record<TraceStatus, number>;

export class ReviewQueue {
  constructor(private readonly clock: Clock, private readonly sla: Sla) {}

  private get slaSeconds() {
    return { urgentSeconds: this.sla.urgentHours * 3600, routineSeconds: this.sla.routineDays * 86_400 };
  }

  async list(db: Queryable, ctx: RequestContext, query: QueueQuery) {
    const limit = query.limit ?? 50;
    const assignedTo = query.assignedTo === 'me' ? ctx.actor.id : query.assignedTo === 'none' ? null : query.assignedTo;
    const rows = await repo.listQueue(db, readScope(ctx.actor), {
      statuses: query.status?.split(',') ?? [...DEFAULT_QUEUE_STATUSES],
      agencyId: query.agencyId, urgent: query.urgent, assignedTo,
    }, limit, repo.decodeQueueCursor(query.cursor));
    const now = this.clock.now().getTime();
    const { urgentSeconds, routineSeconds } = this.slaSeconds;
    const page = rows.slice(0, limit);
    const traces = await presentTraces(db, ctx, page, 'read');
    const items: QueueItem[] = page.map((row, i) => {
      const waitingSeconds = Math.max(0, Math.floor((now - row.status_changed_at.getTime()) / 1000));
      return { ...traces[i]!, waitingSeconds, overdue: waitingSeconds > (row.urgent ? urgentSeconds : routineSeconds) };
    });
    const last = page.at(-1);
    return { items, nextCursor: rows.length > limit && last ? encodeCursor([last.urgent, last.changed_at_text, last.id]) : null };
  }

  async summary(db: Queryable, ctx: RequestContext): Promise<QueueSummary> {
    const scope = readScope(ctx.actor);
    const now = this.clock.now();
    const [counts, completion] = await Promise.all([
      repo.statusCounts(db, scope, now, this.slaSeconds),
      repo.completionStats(db, scope, now),
    ]);
    const byStatus = zeroByStatus();
    const byAgency = new Map<string, { agencyId: string; code: string; byStatus: Record<TraceStatus, number> }>();
    let urgent = 0;
    let overdue = 0;
    let oldest: number | null = null;
    for (const row of counts) {
      const agency = byAgency.get(row.agency_id) ?? { agencyId: row.agency_id, code: row.code, byStatus: zeroByStatus() };
      byAgency.set(row.agency_id, agency);
      if (!row.status) continue;
      agency.byStatus[row.status] += row.n;
      byStatus[row.status] += row.n;
      urgent += row.urgent;
      overdue += row.overdue;
      if (row.oldest_seconds !== null) oldest = Math.max(oldest ?? 0, row.oldest_seconds);
    }
    return { byStatus, byAgency: [...byAgency.values()], urgent, overdue, oldestWaitingSeconds: oldest, ...completion };
  }
}
