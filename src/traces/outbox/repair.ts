import type { Queue } from 'bullmq';
import type { TraceJob } from '../pipeline/process-trace.ts';
import { isUnchanged, requeueIfUnchanged, staleOpenTraces, type StaleTrace } from './repository.ts';
import type { Repairable } from '../../platform/reconciler.ts';
import { traceJobId } from '../pipeline/queue.ts';

/** Traces queued or in progress with no live job go back through the trace outbox (the relay adds their job). */
export const traceRepair = (queue: Queue<TraceJob>): Repairable<StaleTrace> => ({
  name: 'trace',
  queue,
  stale: (db, afterMs) => staleOpenTraces(db, afterMs),
  jobId: (trace) => traceJobId(trace.id, trace.queue_run),
  unchanged: isUnchanged,
  requeue: requeueIfUnchanged,
});
