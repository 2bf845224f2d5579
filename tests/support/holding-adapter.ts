import type { Db } from '../../src/db/knex.ts';
import { createDb } from '../../src/db/knex.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { startPipeline, type Pipeline } from '../../src/worker/pipeline.ts';
import type { StageContext, TraceAdapter, TraceRequest } from '../../src/traces/pipeline/adapter.ts';
import { MockTraceAdapter } from '../../src/traces/pipeline/mock-adapter.ts';
import type { Stage } from '../../src/traces/schemas.ts';

/**
 * The mock tracing center, except that a gun whose serial holds HOLD waits at its importer stage until released:
 * how a test holds a real trace `in_progress` with a finished stage, for as long as it needs, without timing.
 */
export class HoldingAdapter implements TraceAdapter {
  private readonly inner = new MockTraceAdapter({ latencyMs: 0, transientErrorRate: 0 });
  private readonly held: (() => void)[] = [];
  private released = false;

  async runStage(request: TraceRequest, stage: Stage, context: StageContext) {
    if (stage === 'importer' && request.weapon.serialNumber?.includes('HOLD') && !this.released) {
      await new Promise<void>((resolve) => this.held.push(resolve));
    }
    return this.inner.runStage(request, stage, context);
  }

  releaseAll() {
    this.released = true;
    for (const release of this.held.splice(0)) release();
  }
}

/** The real worker (BullMQ worker, outbox relay, reconciler) in the test's process, with the given tracing center. */
export async function startInProcessWorker(
  app: { databaseUrl: string; prefix: string },
  adapter: TraceAdapter,
  env: Record<string, string> = {},
): Promise<Pipeline & { stop(): Promise<void> }> {
  const config = loadConfig({
    DATABASE_URL: app.databaseUrl,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: app.prefix,
    TRACE_MAX_ATTEMPTS: '2',
    TRACE_BACKOFF_MS: '10',
    OUTBOX_POLL_MS: '50',
    WORKER_CONCURRENCY: '8',
    WORKER_SHUTDOWN_MS: '2000',
    ...env,
  });
  const db: Db = createDb(app.databaseUrl, 8);
  const pipeline = await startPipeline(config, db, createLogger('silent'), { adapter });
  return {
    ...pipeline,
    async stop() {
      if (adapter instanceof HoldingAdapter) adapter.releaseAll();
      pipeline.resume();
      await pipeline.close();
      await db.destroy();
    },
  };
}
