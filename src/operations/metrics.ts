import type { Queue } from 'bullmq';
import type { RequestHandler } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Db } from '../db/knex.ts';
import { ALERT_KINDS } from '../alerts/schemas.ts';
import { outboxState, tracesByStatus, unclosedAlerts } from './repository.ts';
import { TRACE_STATUSES } from '../traces/schemas.ts';

/** One registry per process: the API serves it at /metrics; a worker alone serves it on WORKER_METRICS_PORT. */
export class Metrics {
  readonly registry = new Registry();
  readonly httpDuration = new Histogram({
    name: 'rastreo_http_request_duration_seconds',
    help: 'HTTP request duration by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly stageDuration = new Histogram({
    name: 'rastreo_trace_stage_duration_seconds',
    help: 'Duration of one adapter call per trace stage, by stage and result',
    labelNames: ['stage', 'result'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  readonly tracesFinished = new Counter({
    name: 'rastreo_traces_finished_total',
    help: 'Trace runs the worker finished, by final status (completed, not_traceable, needs_info, failed) and outcome ("none" without a result)',
    labelNames: ['status', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly adapterErrors = new Counter({
    name: 'rastreo_adapter_errors_total',
    help: 'Tracing-center calls that failed, by kind: transient (retried later) or unexpected (a bug or a broken answer)',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  readonly reviewActions = new Counter({
    name: 'rastreo_review_actions_total',
    help: 'Actions advisors and admins took on traces, by action (approve, return, retry, cancel, assign, escalate)',
    labelNames: ['action'] as const,
    registers: [this.registry],
  });

  readonly webhookDeliveries = new Counter({
    name: 'rastreo_webhook_deliveries_total',
    help: 'Webhook delivery attempts by result: delivered, retried (to be tried again) or failed (the last attempt)',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly webhookLatency = new Histogram({
    name: 'rastreo_webhook_delivery_seconds',
    help: 'From the event to its delivery (2xx) to a webhook, retries included',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 5, 30, 60, 300, 1800, 3600],
    registers: [this.registry],
  });
  readonly openStreams = new Gauge({
    name: 'rastreo_event_streams_open',
    help: 'Live event streams (GET /api/v1/events/stream) open on this API process',
    registers: [this.registry],
  });

  readonly reads = new Counter({
    name: 'rastreo_replica_eligible_reads_total',
    help: 'Reads that may go to the read replica (reports, summaries, intelligence, search), by where they went: replica or primary',
    labelNames: ['from'] as const,
    registers: [this.registry],
  });

  readonly reconcilerRepairs = new Counter({
    name: 'rastreo_reconciler_repairs_total',
    help: 'Records (kind: trace, webhook_delivery) the reconciler gave a job back to because they had none live (0 when nothing is lost)',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  constructor() {
    // Node's own metrics keep their standard names (process_*, nodejs_*), so stock dashboards find them; ours carry rastreo_.
    collectDefaultMetrics({ register: this.registry });
  }

  /**
   * Gauges read at scrape time: traces by status, unclosed alerts by kind, the outbox backlog and the BullMQ queue depth. They describe the
   * database and the queue, not the process, so only API processes report them, each the same value: aggregate them
   * across replicas with max(), never sum().
   */
  watch(db: Db, queue?: Queue): void {
    new Gauge({
      name: 'rastreo_traces',
      help: 'Traces by status',
      labelNames: ['status'] as const,
      registers: [this.registry],
      async collect() {
        const counts = await tracesByStatus(db);
        for (const status of TRACE_STATUSES) this.set({ status }, counts.get(status) ?? 0);
      },
    });
    new Gauge({
      name: 'rastreo_alerts_unclosed',
      help: 'Alerts not yet closed, by kind and status (open, acknowledged): the diversion signals waiting for someone',
      labelNames: ['kind', 'status'] as const,
      registers: [this.registry],
      async collect() {
        const rows = await unclosedAlerts(db);
        for (const kind of ALERT_KINDS)
          for (const status of ['open', 'acknowledged'] as const)
            this.set({ kind, status }, rows.find((r) => r.kind === kind && r.status === status)?.n ?? 0);
      },
    });
    // One read of the outbox per scrape, shared by its two gauges.
    let outbox: ReturnType<typeof outboxState> | undefined;
    const readOutbox = () => (outbox ??= outboxState(db).finally(() => setImmediate(() => (outbox = undefined))));
    new Gauge({
      name: 'rastreo_trace_outbox_backlog',
      help: 'Outbox rows not yet relayed to BullMQ',
      registers: [this.registry],
      async collect() {
        this.set((await readOutbox()).backlog);
      },
    });
    new Gauge({
      name: 'rastreo_trace_outbox_lag_seconds',
      help: 'Age of the oldest outbox row not yet relayed (0 when the outbox is empty)',
      registers: [this.registry],
      async collect() {
        this.set((await readOutbox()).oldestSeconds);
      },
    });
    if (queue) {
      new Gauge({
        name: 'rastreo_trace_queue_jobs',
        help: 'BullMQ trace jobs by state',
        labelNames: ['state'] as const,
        registers: [this.registry],
        async collect() {
          const counts = await queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed');
          this.set({ state: 'waiting' }, (counts.waiting ?? 0) + (counts.prioritized ?? 0));
          for (const state of ['active', 'delayed', 'failed'] as const) this.set({ state }, counts[state] ?? 0);
        },
      });
    }
  }

  /** Observes every request under its route template (`/api/v1/traces/:id`), never the raw URL. */
  httpMiddleware(): RequestHandler {
    return (req, res, next) => {
      const end = this.httpDuration.startTimer();
      res.on('finish', () => {
        // An API route records its template when it matches (by the time an error is answered, the router's base is gone).
        const route =
          (res.locals.route as string | undefined) ??
          (req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched');
        end({ method: req.method, route, status: String(res.statusCode) });
      });
      next();
    };
  }
}
