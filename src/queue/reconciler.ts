import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { Db } from '../db/knex.ts';
import type { TraceJob } from '../traces/pipeline/process-trace.ts';
import { onTraceQueued } from './trace-queued.ts';
import { traceJobId } from './trace-queue.ts';

const LIVE_STATES = new Set(['waiting', 'prioritized', 'active', 'delayed', 'waiting-children']);

/**
 * The safety net behind the outbox: a trace that has been queued or in progress for a while, with no outbox row and
 * no live job in Redis (Redis lost its data, a job was removed by hand, a job failed for a reason we did not foresee),
 * gets its job back.
 */
export class Reconciler {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly db: Db,
    private readonly queue: Queue<TraceJob>,
    private readonly logger: Logger,
    private readonly options: { intervalMs: number; afterMs: number },
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.running ??= this.runOnce()
        .catch((error: unknown) => this.logger.warn({ err: error }, 'reconciler pass failed'))
        .finally(() => { this.running = undefined; });
    }, this.options.intervalMs);
  }

  async runOnce(): Promise<number> {
    const candidates: { id: string; queue_run: number; urgent: boolean }[] = await this.db('traces as t')
      .whereIn('t.status', ['queued', 'in_progress'])
      .where('t.status_changed_at', '<', this.db.raw('now() - make_interval(secs => ?)', [this.options.afterMs / 1000]))
      .whereNotExists((sub) => sub.select(1).from('trace_outbox as o').whereRaw('o.trace_id = t.id'))
      .orderBy('t.status_changed_at')
      .limit(500)
      .select('t.id', 't.queue_run', 't.urgent');
    let repaired = 0;
    for (const trace of candidates) {
      const job = await this.queue.getJob(traceJobId(trace.id, trace.queue_run));
      if (job && LIVE_STATES.has(await job.getState())) continue;
      if (job) await job.remove().catch(() => undefined);
      await this.db.transaction((trx) => onTraceQueued(trx, trace));
      repaired++;
    }
    if (repaired) this.logger.warn({ repaired }, 'reconciler re-enqueued traces that had no live job');
    return repaired;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
