import { alertReaderOf } from '../alerts/service.ts';
import type { Clock } from '../shared/clock.ts';
import type { Queryable } from '../db/knex.ts';
import { encodeCursor } from '../db/pagination.ts';
import { readScope, type RequestContext } from '../shared/actor.ts';
import { presentTraces, readTraces } from '../traces/presenter.ts';
import { TRACE_STATUSES, type TraceStatus } from '../traces/schemas.ts';
import * as repo from './repository.ts';
import {
  DEFAULT_QUEUE_STATUSES,
  OPEN_STATUSES,
  type QueueItem,
  type QueueQuery,
  type QueueSummary,
} from './schemas.ts';

export interface Sla {
  urgentHours: number;
  routineDays: number;
}

const zeroByStatus = () => Object.fromEntries(TRACE_STATUSES.map((s) => [s, 0])) as Record<TraceStatus, number>;

export class ReviewQueue {
  constructor(
    private readonly clock: Clock,
    private readonly sla: Sla,
  ) {}

  private get slaSeconds() {
    return { urgentSeconds: this.sla.urgentHours * 3600, routineSeconds: this.sla.routineDays * 86_400 };
  }

  async list(db: Queryable, ctx: RequestContext, query: QueueQuery) {
    const limit = query.limit ?? 50;
    const assignedTo = query.assignedTo === 'me' ? ctx.actor.id : query.assignedTo === 'none' ? null : query.assignedTo;
    const rows = await readTraces<repo.QueueRow>(
      db,
      ctx,
      repo.queueQuery(
        db,
        readScope(ctx.actor),
        {
          statuses: query.status?.split(',') ?? [...DEFAULT_QUEUE_STATUSES],
          agencyId: query.agencyId,
          urgent: query.urgent,
          assignedTo,
        },
        limit,
        repo.decodeQueueCursor(query.cursor),
        alertReaderOf(ctx),
      ),
      limit,
    );
    const now = this.clock.now().getTime();
    const { urgentSeconds, routineSeconds } = this.slaSeconds;
    const page = rows.slice(0, limit);
    const traces = await presentTraces(db, ctx, page);
    const items: QueueItem[] = page.map((row, i) => {
      const waitingSeconds = Math.max(0, Math.floor((now - row.status_changed_at.getTime()) / 1000));
      return { ...traces[i]!, waitingSeconds, overdue: waitingSeconds > (row.urgent ? urgentSeconds : routineSeconds) };
    });
    const last = page.at(-1);
    return {
      items,
      nextCursor: rows.length > limit && last ? encodeCursor([last.urgent, last.changed_at_text, last.id]) : null,
    };
  }

  async summary(db: Queryable, ctx: RequestContext): Promise<QueueSummary> {
    const row = await repo.summaryRow(db, readScope(ctx.actor), this.clock.now(), this.slaSeconds);
    const byStatus = zeroByStatus();
    const byAgency = new Map<string, { agencyId: string; code: string; byStatus: Record<TraceStatus, number> }>();
    let urgent = 0;
    for (const count of row.counts) {
      const agency = byAgency.get(count.agency_id) ?? {
        agencyId: count.agency_id,
        code: count.code,
        byStatus: zeroByStatus(),
      };
      byAgency.set(count.agency_id, agency);
      if (!count.status) continue;
      agency.byStatus[count.status] += count.n;
      byStatus[count.status] += count.n;
      if ((OPEN_STATUSES as readonly string[]).includes(count.status)) urgent += count.urgent;
    }
    return {
      byStatus,
      byAgency: [...byAgency.values()],
      urgent,
      overdue: row.overdue,
      oldestWaitingSeconds: row.oldest_seconds === null ? null : Math.max(0, row.oldest_seconds),
      completedLast24h: row.completed_last_24h,
      medianTurnaroundSeconds: row.median_turnaround,
    };
  }
}
