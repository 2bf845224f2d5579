import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { Db } from '../../db/knex.ts';
import type { Notifications } from '../../db/notifications.ts';
import type { TraceJob } from '../pipeline/process-trace.ts';
import { throttledWarn } from '../../logger.ts';
import { deleteOutbox, OUTBOX_CHANNEL, pendingOutbox, type OutboxRow } from './repository.ts';
import { traceJobId, traceJobOptions, URGENT_PRIORITY, type TraceQueueSettings } from '../pipeline/queue.ts';

const BATCH = 500;

/**
 * Moves outbox rows to BullMQ, deleting them only after Redis accepted the jobs: when Redis is down the rows stay for
 * the next pass. Several relays may run (one per worker process): job ids make their overlap harmless.
 */
export class OutboxRelay {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;
  private readonly warn: ReturnType<typeof throttledWarn>;

  constructor(
    private readonly db: Db,
    private readonly queue: Queue<TraceJob>,
    private readonly settings: TraceQueueSettings,
    private readonly logger: Logger,
    private readonly pollMs: number,
    private readonly notifications: Notifications,
  ) {
    this.warn = throttledWarn(logger);
  }

  /** Polls every `pollMs`, and passes at once on each NOTIFY of the outbox channel (the listener is the process's). */
  async start(): Promise<void> {
    this.timer = setInterval(() => this.wake(), this.pollMs);
    this.notifications.on(OUTBOX_CHANNEL, () => this.wake()).onLost(() => this.wake());
    this.wake();
  }

  /** Runs a pass now, or right after the one in progress. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .then(() => undefined)
      .catch((error: unknown) => this.warn({ err: error }, 'outbox relay pass failed; will retry'))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  /** Relays until the outbox is empty; returns how many rows were moved. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const moved = await this.relayBatch();
      total += moved;
      if (moved < BATCH || this.stopped) return total;
    }
  }

  /**
   * Reads a batch, hands it to BullMQ, then deletes it: two round trips, no transaction. Rows are deleted only after Redis
   * took the jobs (when Redis is down they stay for the next pass); two relays that read the same rows add each job
   * once, because a job's id is its trace and run.
   */
  private async relayBatch(): Promise<number> {
    const rows = await pendingOutbox(this.db, BATCH);
    if (!rows.length) return 0;
    const enqueue = rows.filter((row) => row.kind === 'enqueue');
    if (enqueue.length) {
      await this.queue.addBulk(
        enqueue.map((row) => ({
          name: 'trace',
          data: {
            traceId: row.trace_id,
            run: row.run,
            request: {
              traceId: row.trace_id,
              reference: row.reference,
              weapon: row.weapon,
              recoveryDate: row.recovery_date,
              recoveryCountry: row.recovery_country,
            },
          },
          opts: traceJobOptions({ traceId: row.trace_id, run: row.run, urgent: row.urgent }, this.settings),
        })),
      );
    }
    for (const row of rows.filter((r) => r.kind === 'reprioritize')) await this.reprioritize(row);
    await deleteOutbox(
      this.db,
      rows.map((row) => row.id),
    );
    return rows.length;
  }

  private async reprioritize(row: OutboxRow): Promise<void> {
    const job = await this.queue.getJob(traceJobId(row.trace_id, row.run));
    const state = job ? await job.getState() : 'missing';
    if (!job || (state !== 'waiting' && state !== 'prioritized')) return;
    await job.changePriority({ priority: URGENT_PRIORITY });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
