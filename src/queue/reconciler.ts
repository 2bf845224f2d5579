import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { Db } from '../db/knex.ts';
import type { TraceJob } from '../traces/pipeline/process-trace.ts';
import { isUnchanged, requeueIfUnchanged, staleOpenTraces } from './outbox-repository.ts';
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
    private readonly onRepaired?: (count: number) => void,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.running ??= this.runOnce()
        .catch((error: unknown) => this.logger.warn({ err: error }, 'reconciler pass failed'))
        .finally(() => { this.running = undefined; });
    }, this.options.intervalMs);
  }

  async runOnce(): Promise<number> {
    let repaired = 0;
    for (const trace of await staleOpenTraces(this.db, this.options.afterMs)) {
      const job = await this.queue.getJob(traceJobId(trace.id, trace.queue_run));
      if (job && LIVE_STATES.has(await job.getState())) continue;
      // A worker commits a trace's final state before BullMQ marks its job finished: a finished job whose trace is still
      // open as listed will never finish it, but one whose trace moved on just did — its job record stays.
      if (job && !(await isUnchanged(this.db, trace))) continue;
      // The old job must go first, or the relay could not add the new one under the same id.
      if (job) await job.remove().catch(() => undefined);
      if (await requeueIfUnchanged(this.db, trace)) repaired++;
    }
    if (repaired) {
      this.logger.warn({ repaired }, 'reconciler re-enqueued traces that had no live job');
      this.onRepaired?.(repaired);
    }
    return repaired;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
