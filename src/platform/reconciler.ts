import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { Db } from '../db/knex.ts';

const LIVE_STATES = new Set(['waiting', 'prioritized', 'active', 'delayed', 'waiting-children']);

/**
 * One kind of record that must have a live job in Redis while it is open (a queued trace, a pending webhook delivery).
 * Every such kind registers here, so whatever rides on the queue inherits the same repair: Redis losing its data, a job
 * removed by hand, a job failed or stalled for a reason nobody foresaw.
 */
export interface Repairable<T> {
  /** What the log and the metric call these records. */
  name: string;
  queue: Queue;
  /** Records open for longer than `afterMs` that should have a live job (none handed over in an outbox row meanwhile). */
  stale(db: Db, afterMs: number): Promise<T[]>;
  jobId(record: T): string;
  /** Whether the record is still open as listed: a finished job whose record moved on is not lost, it just finished. */
  unchanged(db: Db, record: T): Promise<boolean>;
  /** Hands the record back to the queue, only if it is still as listed (re-checked under its row); true when it did. */
  requeue(db: Db, record: T): Promise<boolean>;
}

/**
 * The safety net behind every outbox: each pass lists every kind's stale records and gives a job back to each one that
 * has no live job. One reconciler per worker process; several may run (each requeue is conditional on the row).
 */
export class Reconciler {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private readonly kinds: Repairable<any>[] = [];

  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
    private readonly options: { intervalMs: number; afterMs: number },
    private readonly onRepaired?: (kind: string, count: number) => void,
  ) {}

  register<T>(kind: Repairable<T>): this {
    this.kinds.push(kind);
    return this;
  }

  start(): void {
    this.timer = setInterval(() => {
      this.running ??= this.runOnce()
        .catch((error: unknown) => this.logger.warn({ err: error }, 'reconciler pass failed'))
        .finally(() => {
          this.running = undefined;
        });
    }, this.options.intervalMs);
  }

  /** One pass over every kind; how many records got their job back. */
  async runOnce(): Promise<number> {
    let total = 0;
    for (const kind of this.kinds) {
      const repaired = await this.repair(kind);
      if (!repaired) continue;
      total += repaired;
      this.logger.warn({ kind: kind.name, repaired }, 'reconciler gave jobs back to records that had no live job');
      this.onRepaired?.(kind.name, repaired);
    }
    return total;
  }

  private async repair<T>(kind: Repairable<T>): Promise<number> {
    let repaired = 0;
    for (const record of await kind.stale(this.db, this.options.afterMs)) {
      const job = await kind.queue.getJob(kind.jobId(record));
      if (job && LIVE_STATES.has(await job.getState())) continue;
      // A worker commits a record's new state before BullMQ marks its job finished: a finished job whose record is still
      // open as listed will never finish it, but one whose record moved on just did — its job record stays.
      if (job && !(await kind.unchanged(this.db, record))) continue;
      // The old job must go first, or the new one could not be added under the same id.
      if (job) await job.remove().catch(() => undefined);
      if (await kind.requeue(this.db, record)) repaired++;
    }
    return repaired;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
