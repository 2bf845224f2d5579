import { setTimeout } from 'node:timers/promises';
import { Queue, Worker, type Job } from 'bullmq';
import type { Logger } from 'pino';
import type { Db } from '../db/knex.ts';
import type { Notifications } from '../db/notifications.ts';
import { purgeEvents } from '../events/repository.ts';
import { throttledWarn } from '../logger.ts';
import type { Metrics } from '../operations/metrics.ts';
import type { RedisConnection } from '../queue/redis.ts';
import { deliveryWork, earlierPending, fanOutEvents, park, recordAttempt, takeUnparked } from './repository.ts';
import { decryptSecret, signature } from './secrets.ts';
import { webhookUrlProblem } from './url-guard.ts';
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
}

interface DeliveryJob {
  deliveryId: string;
}

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
  private readonly pass = singleFlight(() => this.fanOut(), (error) => this.warn({ err: error }, 'webhook relay waits: events stay in the outbox'));

  constructor(
    private readonly db: Db, producer: RedisConnection, private readonly consumer: RedisConnection,
    private readonly settings: DeliverySettings, private readonly logger: Logger, private readonly metrics?: Metrics,
  ) {
    this.queue = new Queue<DeliveryJob>(WEBHOOK_QUEUE, { connection: producer, prefix: settings.prefix });
    this.queue.on('error', () => undefined);
    this.warn = throttledWarn(logger);
  }

  start(notifications: Notifications): void {
    notifications.on(WEBHOOK_OUTBOX_CHANNEL, () => this.relay()).onLost(() => this.relay());
    this.timer = setInterval(() => this.relay(), this.settings.pollMs);
    this.purgeTimer = setInterval(() => void purgeEvents(this.db, this.settings.retentionHours).catch(() => undefined), 3_600_000);
    this.purgeTimer.unref();
    this.worker = new Worker<DeliveryJob>(WEBHOOK_QUEUE, (job) => this.deliver(job), {
      connection: this.consumer, prefix: this.settings.prefix, concurrency: 16,
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
        // A parked delivery is sent again under a new job id (its first job finished when it was parked).
        const unparked = await takeUnparked(trx, FAN_OUT_BATCH);
        const jobs = [...deliveries.map((d) => [d.id, d.id]), ...unparked.map((id) => [id, `${id}.${Date.now()}`])];
        if (jobs.length) await this.queue.addBulk(jobs.map(([id, jobId]) => ({ name: 'deliver', data: { deliveryId: id! }, opts: this.jobOptions(jobId!) })));
        return jobs.length;
      });
    } while (moved > 0);
  }

  private jobOptions(jobId: string) {
    return {
      jobId, attempts: this.settings.maxAttempts, backoff: { type: 'exponential', delay: this.settings.backoffMs },
      removeOnComplete: { age: 24 * 3600 }, removeOnFail: { age: 7 * 24 * 3600 },
    };
  }

  private async deliver(job: Job<DeliveryJob>): Promise<void> {
    const work = await this.visibleWork(job.data.deliveryId);
    if (!work || work.status !== 'pending' || work.deleted) return;
    // An earlier event about the same record has not reached this receiver yet: park this one (no attempt is used);
    // the relay sends it on once the earlier one is delivered or has failed.
    if (await earlierPending(this.db, work)) {
      await park(this.db, work.id);
      return;
    }
    const last = job.attemptsMade + 1 >= this.settings.maxAttempts;
    const fail = async (responseStatus: number | null, error: string) => {
      await recordAttempt(this.db, work.id, { status: last ? 'failed' : 'pending', responseStatus, error });
      this.metrics?.webhookDeliveries.inc({ result: last ? 'failed' : 'retried' });
      throw new Error(error);
    };
    const problem = await webhookUrlProblem(work.url, this.settings.allowPrivateNetworks);
    if (problem) return fail(null, `url ${problem}`);
    const body = JSON.stringify(work.event);
    let response: Response;
    try {
      response = await fetch(work.url, {
        method: 'POST', body, redirect: 'manual', signal: AbortSignal.timeout(this.settings.timeoutMs),
        headers: {
          'Content-Type': 'application/json', 'User-Agent': 'Rastreo-Webhooks/1', 'Rastreo-Event-Id': work.eventId,
          'Rastreo-Signature': signature(decryptSecret(this.settings.secretKey, work.secretEncrypted), body),
        },
      });
      await response.body?.cancel();
    } catch (error) {
      return fail(null, (error as Error).message);
    }
    if (!response.ok) return fail(response.status, `answered ${response.status}`);
    await recordAttempt(this.db, work.id, { status: 'delivered', responseStatus: response.status, error: null });
    this.metrics?.webhookDeliveries.inc({ result: 'delivered' });
    this.metrics?.webhookLatency.observe((Date.now() - Date.parse(work.event.occurredAt)) / 1000);
  }

  /**
   * The relay adds jobs inside the transaction that creates their deliveries (so a Redis failure takes nothing), so a
   * worker can take a job a moment before that transaction commits: it waits for the row rather than dropping the job.
   */
  private async visibleWork(id: string) {
    for (let tries = 0; tries < 50; tries++) {
      const work = await deliveryWork(this.db, id);
      if (work) return work;
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
