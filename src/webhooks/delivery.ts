import { setTimeout } from 'node:timers/promises';
import { Queue, Worker, type Job } from 'bullmq';
import type { Logger } from 'pino';
import type { Db } from '../db/knex.ts';
import type { Notifications } from '../db/notifications.ts';
import { purgeEvents } from '../events/repository.ts';
import { throttledWarn } from '../logger.ts';
import type { Counter, Histogram } from 'prom-client';
import type { RedisConnection } from '../platform/redis.ts';
import type { Repairable } from '../platform/reconciler.ts';
import {
  deliveryUnchanged,
  deliveryWork,
  earlierPending,
  fanOutEvents,
  nextRun,
  park,
  recordAttempt,
  stalePendingDeliveries,
  takeUnparked,
  type DeliveryRun,
} from './repository.ts';
import { decryptSecret, signature, standardSignature } from './secrets.ts';
import { guardedTarget } from './url-guard.ts';
import { singleFlight } from '../shared/single-flight.ts';

export const WEBHOOK_QUEUE = 'webhooks';
/** Sent when events that some webhook wants are in the outbox (most events have none and wake nothing). */
const WEBHOOK_OUTBOX_CHANNEL = 'rastreo_webhook_outbox';
const FAN_OUT_BATCH = 500;

export interface DeliverySettings {
  prefix: string;
  maxAttempts: number;
  backoffMs: number;
  timeoutMs: number;
  allowPrivateNetworks: boolean;
  secretKey: Buffer;
  pollMs: number;
  retentionHours: number;
  /** How long a delivery's job is held by its worker before BullMQ counts it stalled (WORKER_LOCK_MS), and how often it looks. */
  lockMs: number;
  stalledIntervalMs: number;
}

/** What deliveries count (the worker's metrics registry provides them). */
export interface DeliveryMetrics {
  webhookDeliveries: Counter<'result'>;
  webhookLatency: Histogram;
}

interface DeliveryJob {
  deliveryId: string;
  /** The run of the delivery this job is for: a job of an earlier run (superseded by a repair) does nothing. */
  run?: number;
}

/** A delivery's job id: its id for its first run, then the id and the run (unparked, or repaired after its job was lost). */
export const deliveryJobId = (delivery: DeliveryRun) =>
  delivery.run === 0 ? delivery.id : `${delivery.id}.${delivery.run}`;

/**
 * Webhook deliveries, in the worker: a relay turns committed events (the event outbox) into one delivery row and one
 * BullMQ job per subscribed webhook, in one transaction with the job adds (Redis away: nothing is taken, it waits); the
 * deliverer POSTs each, signed, and retries with exponential backoff, keeping each record's events in order.
 */
export class WebhookDeliveries {
  private readonly queue: Queue<DeliveryJob>;
  private worker?: Worker<DeliveryJob>;
  private timer?: NodeJS.Timeout;
  private purgeTimer?: NodeJS.Timeout;
  private readonly warn: ReturnType<typeof throttledWarn>;
  private readonly pass = singleFlight(
    () => this.fanOut(),
    (error) => this.warn({ err: error }, 'webhook relay waits: events stay in the outbox'),
  );

  constructor(
    private readonly db: Db,
    producer: RedisConnection,
    private readonly consumer: RedisConnection,
    private readonly settings: DeliverySettings,
    private readonly logger: Logger,
    private readonly metrics?: DeliveryMetrics,
  ) {
    this.queue = new Queue<DeliveryJob>(WEBHOOK_QUEUE, { connection: producer, prefix: settings.prefix });
    this.queue.on('error', () => undefined);
    this.warn = throttledWarn(logger);
  }

  start(notifications: Notifications): void {
    notifications.on(WEBHOOK_OUTBOX_CHANNEL, () => this.relay()).onLost(() => this.relay());
    this.timer = setInterval(() => this.relay(), this.settings.pollMs);
    this.purgeTimer = setInterval(
      () => void purgeEvents(this.db, this.settings.retentionHours).catch(() => undefined),
      3_600_000,
    );
    this.purgeTimer.unref();
    this.worker = new Worker<DeliveryJob>(WEBHOOK_QUEUE, (job) => this.deliver(job), {
      connection: this.consumer,
      prefix: this.settings.prefix,
      concurrency: 16,
      lockDuration: this.settings.lockMs,
      stalledInterval: this.settings.stalledIntervalMs,
      maxStalledCount: 10,
    });
    this.worker.on('error', (error) => this.warn({ err: error }, 'webhook worker error'));
    this.relay();
  }

  /** Moves committed events to deliveries until the outbox is empty; runs once at a time, again if asked meanwhile. */
  relay(): void {
    this.pass.run();
  }

  private async fanOut(): Promise<void> {
    let moved: number;
    do {
      moved = await this.db.transaction(async (trx) => {
        const deliveries = await fanOutEvents(trx, FAN_OUT_BATCH);
        // A parked delivery is sent again in a new run, so under a new job id (its job finished when it was parked).
        const jobs = [...deliveries, ...(await takeUnparked(trx, FAN_OUT_BATCH))];
        if (jobs.length) await this.queue.addBulk(jobs.map((delivery) => this.job(delivery)));
        return jobs.length;
      });
    } while (moved > 0);
  }

  private job(delivery: DeliveryRun) {
    return {
      name: 'deliver',
      data: { deliveryId: delivery.id, run: delivery.run },
      opts: {
        jobId: deliveryJobId(delivery),
        attempts: this.settings.maxAttempts,
        backoff: { type: 'exponential', delay: this.settings.backoffMs },
        removeOnComplete: { age: 24 * 3600 },
        removeOnFail: { age: 7 * 24 * 3600 },
      },
    };
  }

  /** What the reconciler repairs: pending deliveries whose job is gone (Redis flushed, a worker died once too often). */
  repairable(): Repairable<DeliveryRun> {
    return {
      name: 'webhook_delivery',
      queue: this.queue,
      stale: stalePendingDeliveries,
      jobId: deliveryJobId,
      unchanged: deliveryUnchanged,
      // The new run and its job commit together: Redis away, the row keeps its run and is listed again next pass.
      requeue: (db, delivery) =>
        db.transaction(async (trx) => {
          const next = await nextRun(trx, delivery);
          if (next) await this.queue.add('deliver', this.job(next).data, this.job(next).opts);
          return Boolean(next);
        }),
    };
  }

  private async deliver(job: Job<DeliveryJob>): Promise<void> {
    const work = await this.visibleWork(job.data.deliveryId, job.data.run ?? 0);
    if (!work || work.status !== 'pending' || work.deleted || work.parked) return;
    // An earlier event has not reached this receiver yet: park this one (no attempt is used); the relay sends it on once
    // the earlier one is delivered or has failed.
    if (await earlierPending(this.db, work)) {
      await park(this.db, work);
      this.relay();
      return;
    }
    // Attempts are counted on the row, so a delivery whose job was repaired goes on counting where it was.
    const last = work.attempts + 1 >= this.settings.maxAttempts;
    const fail = async (responseStatus: number | null, error: string) => {
      await recordAttempt(this.db, work.id, { status: last ? 'failed' : 'pending', responseStatus, error });
      this.metrics?.webhookDeliveries.inc({ result: last ? 'failed' : 'retried' });
      if (last) {
        this.relay();
        return;
      }
      throw new Error(error);
    };
    const target = await guardedTarget(work.url, this.settings.allowPrivateNetworks);
    if ('problem' in target) return fail(null, `url ${target.problem}`);
    const body = JSON.stringify(work.event);
    const secret = decryptSecret(this.settings.secretKey, work.secretEncrypted);
    let status: number;
    try {
      status = await target.post(
        body,
        {
          'Content-Type': 'application/json',
          'User-Agent': 'Rastreo-Webhooks/1',
          'Rastreo-Event-Id': work.eventId,
          'Rastreo-Signature': signature(secret, body),
          ...standardSignature(secret, work.eventId, body),
        },
        this.settings.timeoutMs,
      );
    } catch (error) {
      return fail(null, (error as Error).message);
    }
    if (status < 200 || status >= 300) return fail(status, `answered ${status}`);
    await recordAttempt(this.db, work.id, { status: 'delivered', responseStatus: status, error: null });
    this.metrics?.webhookDeliveries.inc({ result: 'delivered' });
    this.metrics?.webhookLatency.observe((Date.now() - Date.parse(work.event.occurredAt)) / 1000);
    // The next event of this webhook may be parked behind this one: send it on now, not at the next poll.
    this.relay();
  }

  /**
   * The relay and the reconciler add a job inside the transaction that creates its delivery or its new run (so a Redis
   * failure takes nothing), so a worker can take the job a moment before that transaction commits: it waits for the row
   * in that run rather than dropping the job. A job of an earlier run finds a later run and does nothing.
   */
  private async visibleWork(id: string, run: number) {
    for (let tries = 0; tries < 50; tries++) {
      const work = await deliveryWork(this.db, id);
      if (work && work.run >= run) return work.run === run ? work : undefined;
      await setTimeout(100);
    }
    return undefined;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    clearInterval(this.purgeTimer);
    await this.pass.settled();
    await this.worker?.close();
    await this.queue.close();
  }
}
