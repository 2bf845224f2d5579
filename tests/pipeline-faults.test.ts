import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { createCase, traceBody, unique, useWorld } from './support/harness.ts';
import { MockTraceAdapter } from '../src/traces/pipeline/mock-adapter.ts';
import { startInProcessWorker } from './support/holding-adapter.ts';
import { PrivateRedis, spawnWorker, uniquePrefix, waitFor, type WorkerProcess } from './support/processes.ts';

const t = useWorld({ privateDatabase: true });
let redis: PrivateRedis;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  redis = await PrivateRedis.start();
});
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.kill('SIGKILL')));
});
afterAll(async () => {
  await redis?.stop();
});

const start = (env: Record<string, string> = {}) => {
  const worker = spawnWorker({
    DATABASE_URL: t.databaseUrl,
    REDIS_URL: redis.url,
    QUEUE_PREFIX: uniquePrefixFor,
    ...env,
  });
  workers.push(worker);
  return worker;
};
const uniquePrefixFor = uniquePrefix();

async function submitMany(n: number, serialPrefix = 'TESTOK') {
  const kase = await createCase(t.client, t.users.investigator.token);
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const weapon = {
      manufacturer: 'Ruger',
      model: 'LCP',
      caliber: '.380 ACP',
      type: 'pistol',
      serialNumber: unique(serialPrefix),
      countryOfManufacture: 'US',
    };
    const res = await t.client.as(t.users.investigator.token).post('/traces', traceBody(kase.id, { weapon }));
    expect(res.status).toBe(201);
    ids.push(res.body.id);
  }
  return ids;
}

const allFinal = (ids: string[], timeoutMs = 60_000) =>
  waitFor(
    async () => {
      const open = await t
        .db('traces')
        .whereIn('id', ids)
        .whereNotIn('status', ['completed', 'not_traceable', 'needs_info', 'failed'])
        .count({ n: '*' });
      return Number(open[0]!.n) === 0;
    },
    `${ids.length} traces to finish`,
    timeoutMs,
  );

/** Every trace: one final status, one result, one event per stage, one final event. */
async function expectExactlyOnce(ids: string[]) {
  const rows = await t.db('traces').whereIn('id', ids).select('id', 'status', 'result');
  for (const row of rows) {
    expect(row.status).toBe('completed');
    expect(row.result).not.toBeNull();
  }
  const duplicates = await t
    .db('trace_events')
    .whereIn('trace_id', ids)
    .whereIn('type', ['stage_completed', 'completed', 'started'])
    .groupBy('trace_id', 'type', 'stage')
    .havingRaw('count(*) > 1')
    .select('trace_id', 'type', 'stage');
  expect(duplicates).toEqual([]);
  const finals = await t.db('trace_events').whereIn('trace_id', ids).where({ type: 'completed' }).count({ n: '*' });
  expect(Number(finals[0]!.n)).toBe(ids.length);
}

describe('the pipeline under faults', () => {
  it('a worker killed with SIGKILL mid-trace: a new worker resumes from the last finished stage, one result, no duplicate events', async () => {
    const first = start({ ADAPTER_LATENCY_MS: '600' });
    const [id] = await submitMany(1);
    await waitFor(async () => (await t.db('trace_stages').where({ trace_id: id })).length >= 1, 'first stage');
    await first.kill('SIGKILL');
    const before = await t.db('trace_stages').where({ trace_id: id }).pluck('stage');
    expect(before.length).toBeLessThan(3);
    start({ ADAPTER_LATENCY_MS: '50' });
    await allFinal([id!]);
    await expectExactlyOnce([id!]);
    const stages = await t
      .db('trace_events')
      .where({ trace_id: id, type: 'stage_completed' })
      .orderBy('id')
      .pluck('stage');
    expect(stages).toEqual(['manufacturer', 'dealer', 'purchaser']);
    const trace = await t.db('traces').where({ id }).first();
    expect(trace.attempts).toBeGreaterThanOrEqual(2);
  });

  it('two workers at once over 300 traces: every trace final, exactly one result each', async () => {
    start({ WORKER_CONCURRENCY: '4' });
    start({ WORKER_CONCURRENCY: '4' });
    const ids = await submitMany(300);
    await allFinal(ids, 120_000);
    await expectExactlyOnce(ids);
  });

  it('Redis unreachable while 50 traces are submitted: all get 201, and every trace completes once Redis is back', async () => {
    const worker = start();
    await allFinal(await submitMany(1));
    await redis.stop();
    let ids: string[];
    try {
      ids = await submitMany(50);
      expect(ids).toHaveLength(50);
      expect(Number((await t.db('trace_outbox').whereIn('trace_id', ids).count({ n: '*' }))[0]!.n)).toBe(50);
      await waitFor(
        async () => worker.output().includes('outbox relay pass failed'),
        'the relay to meet the outage',
        20_000,
      ).catch((error: Error) =>
        Promise.reject(new Error(`${error.message}; worker said:\n${worker.output().slice(-2000)}`)),
      );
    } finally {
      // Back up whatever happened, so one failure here does not take the next tests down with it.
      await redis.start();
    }
    await allFinal(ids, 90_000);
    await expectExactlyOnce(ids);
    expect(await t.db('trace_outbox').whereIn('trace_id', ids)).toEqual([]);
    // 50 NOTIFYs while Redis was away: the relay's warning is said once in a while, not once per wake-up; JSON only.
    const messages = worker
      .output()
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => (JSON.parse(line) as { msg: string }).msg);
    expect(messages.filter((msg) => msg === 'outbox relay pass failed; will retry').length).toBeGreaterThan(0);
    expect(messages.filter((msg) => msg === 'outbox relay pass failed; will retry').length).toBeLessThanOrEqual(3);
  }, 120_000);

  it('the reconciler repairs nothing in a drill without faults, even checking every trace at once, all the time', async () => {
    const worker = await startInProcessWorker(t, new MockTraceAdapter({ latencyMs: 0, transientErrorRate: 0 }), {
      RECONCILE_AFTER_MS: '0',
      RECONCILE_INTERVAL_MS: '600000',
      WORKER_CONCURRENCY: '8',
    });
    try {
      let repaired = 0;
      let passes = 0;
      let looking = true;
      const reconciling = (async () => {
        while (looking) {
          repaired += await worker.reconciler.runOnce();
          passes++;
        }
      })();
      const ids = await submitMany(150);
      await allFinal(ids);
      looking = false;
      await reconciling;
      expect(passes).toBeGreaterThan(10);
      expect(repaired).toBe(0);
      await expectExactlyOnce(ids);
    } finally {
      await worker.stop();
    }
  }, 120_000);

  it('the reconciler gives a queued trace whose job vanished from Redis a new job', async () => {
    const kase = await createCase(t.client, t.users.investigator.token);
    const res = await t.client.as(t.users.investigator.token).post(
      '/traces',
      traceBody(kase.id, {
        weapon: {
          manufacturer: 'Colt',
          model: 'M4',
          caliber: '5.56',
          type: 'rifle',
          serialNumber: unique('TESTOK'),
          countryOfManufacture: 'US',
        },
      }),
    );
    // The relay moves the job to Redis, then Redis loses everything before any worker takes it.
    const relayOnly = start({ WORKER_CONCURRENCY: '1', ADAPTER_LATENCY_MS: '60000' });
    await waitFor(async () => (await t.db('trace_outbox').where({ trace_id: res.body.id })).length === 0, 'relay');
    await relayOnly.kill('SIGKILL');
    const client = new Redis(redis.url);
    await client.flushall();
    client.disconnect();
    await t
      .db('traces')
      .where({ id: res.body.id })
      .update({ status: 'queued', stage: null, status_changed_at: t.db.raw("now() - interval '1 hour'") });
    start();
    await allFinal([res.body.id]);
    expect((await t.db('traces').where({ id: res.body.id }).first()).status).toBe('completed');
  }, 90_000);
});
