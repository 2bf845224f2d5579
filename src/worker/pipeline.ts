import { Worker } from 'bullmq';
import type { Logger } from 'pino';
import { webhookSecretKey, type Config } from '../config.ts';
import { WebhookDeliveries } from '../webhooks/delivery.ts';
import { DEVELOPMENT_SECRET_KEY } from '../webhooks/secrets.ts';
import { isDatabaseUnavailable } from '../db/knex.ts';
import { Notifications } from '../db/notifications.ts';
import { ensureMonthPartitions } from '../db/partitions.ts';
import { IndicatorRelay } from '../intelligence/indicator-relay.ts';
import { throttledWarn } from '../logger.ts';
import type { Db } from '../db/knex.ts';
import { MockTraceAdapter } from '../traces/pipeline/mock-adapter.ts';
import type { TraceAdapter } from '../traces/pipeline/adapter.ts';
import { TraceProcessor, type TraceJob } from '../traces/pipeline/process-trace.ts';
import type { Metrics } from '../operations/metrics.ts';
import { OutboxRelay } from '../traces/outbox/relay.ts';
import { Reconciler } from '../platform/reconciler.ts';
import { traceRepair } from '../traces/outbox/repair.ts';
import { createRedis } from '../platform/redis.ts';
import { createTraceQueue, TRACE_QUEUE } from '../traces/pipeline/queue.ts';

export interface Pipeline {
  relay: OutboxRelay;
  reconciler: Reconciler;
  /** Stops taking new jobs (running ones finish first); `resume` takes them again. */
  pause(): Promise<void>;
  resume(): void;
  /** Stops taking jobs, lets the current ones finish within the deadline, then releases the rest and disconnects. */
  close(): Promise<void>;
}

export interface PipelineOptions {
  metrics?: Metrics;
  /** The tracing center; the mock adapter configured by ADAPTER_* when not given. */
  adapter?: TraceAdapter;
}

/** The trace worker: BullMQ worker, outbox relay and reconciler, sharing one database pool. */
export async function startPipeline(
  config: Config,
  db: Db,
  logger: Logger,
  options: PipelineOptions = {},
): Promise<Pipeline> {
  const { metrics } = options;
  const producer = createRedis(config, 'producer');
  const consumer = createRedis(config, 'worker');
  for (const connection of [producer, consumer])
    connection.on('error', (error) => logger.debug({ err: error }, 'redis connection error'));
  const queue = createTraceQueue(producer, config.QUEUE_PREFIX);
  queue.on('error', (error) => logger.debug({ err: error }, 'queue error'));
  const settings = {
    prefix: config.QUEUE_PREFIX,
    maxAttempts: config.TRACE_MAX_ATTEMPTS,
    backoffMs: config.TRACE_BACKOFF_MS,
  };
  const processor = new TraceProcessor(
    db,
    options.adapter ??
      new MockTraceAdapter({
        latencyMs: config.ADAPTER_LATENCY_MS,
        transientErrorRate: config.ADAPTER_TRANSIENT_ERROR_RATE,
      }),
    logger,
    metrics
      ? {
          stageDuration: metrics.stageDuration,
          tracesFinished: metrics.tracesFinished,
          adapterErrors: metrics.adapterErrors,
        }
      : {},
  );
  const warn = throttledWarn(logger);
  const worker = new Worker<TraceJob>(
    TRACE_QUEUE,
    async (job) => {
      try {
        await processor.process(job.data, {
          number: job.attemptsMade + 1,
          last: job.attemptsMade + 1 >= (job.opts.attempts ?? 1),
          first: job.attemptsStarted <= 1,
        });
      } catch (error) {
        if (!isDatabaseUnavailable(error)) throw error;
        // Our own database is away: not the tracing center's fault, so not an attempt. Every worker holds off for a
        // moment (a queue-wide rate limit) and the job goes back to waiting, to run as soon as the database answers.
        warn({ err: error }, 'database unavailable; trace jobs wait for it');
        await queue.rateLimit(config.WORKER_DB_RETRY_MS);
        throw Worker.RateLimitError();
      }
    },
    {
      connection: consumer,
      prefix: config.QUEUE_PREFIX,
      concurrency: config.WORKER_CONCURRENCY,
      lockDuration: config.WORKER_LOCK_MS,
      stalledInterval: config.WORKER_STALLED_INTERVAL_MS,
      maxStalledCount: 10,
    },
  );
  worker.on('error', (error) => warn({ err: error }, 'worker error'));
  worker.on('failed', (job, error) => warn({ jobId: job?.id, err: error }, 'trace job attempt failed'));

  const notifications = new Notifications(db, logger);
  const webhooks = new WebhookDeliveries(
    db,
    producer,
    consumer,
    {
      prefix: config.QUEUE_PREFIX,
      maxAttempts: config.WEBHOOK_MAX_ATTEMPTS,
      backoffMs: config.WEBHOOK_BACKOFF_MS,
      timeoutMs: config.WEBHOOK_TIMEOUT_MS,
      allowPrivateNetworks: config.WEBHOOK_ALLOW_PRIVATE_NETWORKS,
      secretKey: webhookSecretKey(config) ?? DEVELOPMENT_SECRET_KEY,
      pollMs: config.OUTBOX_POLL_MS,
      retentionHours: config.EVENT_RETENTION_HOURS,
      lockMs: config.WORKER_LOCK_MS,
      stalledIntervalMs: config.WORKER_STALLED_INTERVAL_MS,
    },
    logger,
    metrics,
  );
  webhooks.start(notifications);
  const indicators = new IndicatorRelay(db, logger, config.OUTBOX_POLL_MS);
  indicators.start(notifications);
  const relay = new OutboxRelay(db, queue, settings, logger, config.OUTBOX_POLL_MS, notifications);
  // Everything that must have a live job while it is open is repaired by the one reconciler.
  const reconciler = new Reconciler(
    db,
    logger,
    { intervalMs: config.RECONCILE_INTERVAL_MS, afterMs: config.RECONCILE_AFTER_MS },
    (kind, count) => metrics?.reconcilerRepairs.inc({ kind }, count),
  )
    .register(traceRepair(queue))
    .register(webhooks.repairable());
  await relay.start();
  await notifications.start();
  reconciler.start();
  // The coming months' partitions of the record tables: every start creates them too; this covers a worker up for months.
  const partitions = setInterval(
    () =>
      void ensureMonthPartitions(db).catch((error) =>
        logger.warn({ err: error }, 'month partitions not created; the next attempt is in 6 hours'),
      ),
    6 * 3_600_000,
  );
  partitions.unref();
  logger.info({ concurrency: config.WORKER_CONCURRENCY, prefix: config.QUEUE_PREFIX }, 'trace worker started');

  return {
    relay,
    reconciler,
    pause: () => worker.pause(),
    resume: () => worker.resume(),
    async close() {
      clearInterval(partitions);
      await Promise.all([relay.stop(), reconciler.stop(), notifications.stop(), webhooks.close(), indicators.stop()]);
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), config.WORKER_SHUTDOWN_MS);
      });
      if ((await Promise.race([worker.close(), deadline])) === 'late') {
        logger.warn('jobs still running at the shutdown deadline; releasing them to other workers');
        await worker.close(true);
      }
      clearTimeout(timer);
      await queue.close();
      await Promise.all([producer.quit().catch(() => undefined), consumer.quit().catch(() => undefined)]);
    },
  };
}
