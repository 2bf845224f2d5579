import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import type pg from 'pg';
import type { Db } from '../db/knex.ts';
import type { TraceJob } from '../traces/pipeline/process-trace.ts';
import { throttledWarn } from '../logger.ts';
import { OUTBOX_CHANNEL } from './trace-queued.ts';
import { traceJobId, traceJobOptions, URGENT_PRIORITY, type TraceQueueSettings } from './trace-queue.ts';

interface OutboxRow {
  id: number;
  trace_id: string;
  kind: 'enqueue' | 'reprioritize';
  run: number;
  urgent: boolean;
}

const BATCH = 500;

/**
 * Moves outbox rows to BullMQ. Rows are locked with SKIP LOCKED, so several relays share the work, and deleted in
 * the same transaction only after Redis accepted the jobs: when Redis is down the rows stay for the next pass.
 */
export class OutboxRelay {
  private timer?: NodeJS.Timeout;
  private listener?: pg.Client;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;
  private connecting = false;
  private readonly warn: ReturnType<typeof throttledWarn>;

  constructor(
    private readonly db: Db,
    private readonly queue: Queue<TraceJob>,
    private readonly settings: TraceQueueSettings,
    private readonly logger: Logger,
    private readonly pollMs: number,
  ) {
    this.warn = throttledWarn(logger);
  }

  async start(): Promise<void> {
    this.timer = setInterval(() => {
      if (!this.listener) void this.listen();
      this.wake();
    }, this.pollMs);
    await this.listen();
    this.wake();
  }

  /** LISTENs on a connection of its own; after a database restart the next poll listens again. */
  private async listen(): Promise<void> {
    if (this.stopped || this.connecting) return;
    this.connecting = true;
    try {
      const client = (await this.db.client.acquireRawConnection()) as pg.Client;
      const lost = (error?: Error) => {
        if (this.listener !== client) return;
        this.listener = undefined;
        this.warn({ err: error }, 'outbox listener lost; polling until it is back');
        void this.db.client.destroyRawConnection(client).catch(() => undefined);
      };
      client.on('notification', () => this.wake());
      client.on('error', lost);
      client.on('end', () => lost());
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
      this.listener = client;
    } catch (error) {
      this.warn({ err: error }, 'outbox listener unavailable; polling until it is back');
    } finally {
      this.connecting = false;
    }
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

  private async relayBatch(): Promise<number> {
    return this.db.transaction(async (trx) => {
      const { rows } = await trx.raw<{ rows: OutboxRow[] }>(
        'SELECT id, trace_id, kind, run, urgent FROM trace_outbox ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED',
        [BATCH],
      );
      if (!rows.length) return 0;
      const enqueue = rows.filter((row) => row.kind === 'enqueue');
      if (enqueue.length) {
        await this.queue.addBulk(enqueue.map((row) => ({
          name: 'trace',
          data: { traceId: row.trace_id, run: row.run },
          opts: traceJobOptions({ traceId: row.trace_id, run: row.run, urgent: row.urgent }, this.settings),
        })));
      }
      for (const row of rows.filter((r) => r.kind === 'reprioritize')) await this.reprioritize(row);
      await trx('trace_outbox').whereIn('id', rows.map((row) => row.id)).delete();
      return rows.length;
    });
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
    const listener = this.listener;
    this.listener = undefined;
    if (listener) {
      listener.removeAllListeners();
      listener.on('error', () => undefined);
      await this.db.client.destroyRawConnection(listener).catch(() => undefined);
    }
  }
}
