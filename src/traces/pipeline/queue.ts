import { Queue, type JobsOptions } from 'bullmq';
import type { RedisConnection } from '../../platform/redis.ts';
import type { TraceJob } from './process-trace.ts';

export const TRACE_QUEUE = 'traces';

/** One job per trace and run: a relay that adds the same outbox row twice adds one job. */
export const traceJobId = (traceId: string, run: number) => `trace-${traceId}-${run}`;

export const URGENT_PRIORITY = 1;
export const ROUTINE_PRIORITY = 10;

export interface TraceQueueSettings {
  prefix: string;
  maxAttempts: number;
  backoffMs: number;
}

export function traceJobOptions(job: TraceJob & { urgent: boolean }, settings: TraceQueueSettings): JobsOptions {
  return {
    jobId: traceJobId(job.traceId, job.run),
    priority: job.urgent ? URGENT_PRIORITY : ROUTINE_PRIORITY,
    attempts: settings.maxAttempts,
    backoff: { type: 'exponential', delay: settings.backoffMs },
    removeOnComplete: { age: 24 * 3600, count: 50_000 },
    removeOnFail: { age: 7 * 24 * 3600 },
  };
}

export const createTraceQueue = (connection: RedisConnection, prefix: string) =>
  new Queue<TraceJob>(TRACE_QUEUE, { connection, prefix });
