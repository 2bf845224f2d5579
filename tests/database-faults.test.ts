import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCase, traceBody, unique, useWorld, type Reply } from './support/harness.ts';
import { PrivatePostgres, waitFor } from './support/processes.ts';

/**
 * Drills with a PostgreSQL server of the file's own, stopped and started while the API and a worker use it.
 * Its afterAll is registered before useWorld's, so it runs after the world is closed.
 */
let postgres: PrivatePostgres;
beforeAll(async () => {
  postgres = await PrivatePostgres.start();
});
afterAll(() => postgres?.destroy());

const t = useWorld({
  privateDatabase: { server: () => postgres.url },
  dbAcquireTimeoutMs: 1_000,
  // The reconciler waits ten minutes: a trace that completes here was not rescued by it.
  worker: {
    ADAPTER_LATENCY_MS: '200',
    TRACE_MAX_ATTEMPTS: '2',
    TRACE_BACKOFF_MS: '20',
    RECONCILE_AFTER_MS: '600000',
    WORKER_DB_RETRY_MS: '200',
    DB_ACQUIRE_TIMEOUT_MS: '500',
  },
});

const OPEN = ['queued', 'in_progress'];

describe('PostgreSQL restarts under the API and the worker', () => {
  it('a client sees 503 with Retry-After while the database is away, never a 500, and normal answers once it is back', async () => {
    const kase = await createCase(t.client, t.users.investigator.token);
    const inv = t.as('investigator');
    const replies: Reply[] = [];
    let stop = false;
    const client = async (write: boolean) => {
      while (!stop) {
        replies.push(
          write
            ? await inv.post(
                '/traces',
                traceBody(kase.id, { weapon: { ...traceBody(kase.id).weapon, serialNumber: unique('PG') } }),
              )
            : await inv.get('/traces?limit=5'),
        );
      }
    };
    const clients = [client(true), client(true), client(false), client(false)];
    await waitFor(async () => replies.filter((r) => r.status === 201).length >= 20, 'traces before the restart');
    await postgres.stop();
    await waitFor(async () => replies.some((r) => r.status === 503), 'a 503 while the database is away');
    await postgres.start();
    const before = replies.length;
    await waitFor(
      async () => replies.slice(before).filter((r) => r.status === 201).length >= 10,
      'traces after the restart',
    );
    stop = true;
    await Promise.all(clients);
    const refused = replies.filter((r) => r.status >= 300);
    expect(refused.length).toBeGreaterThan(0);
    for (const reply of refused) {
      expect(reply.status, JSON.stringify(reply.body)).toBe(503);
      expect(reply.headers.get('content-type')).toContain('application/problem+json');
      expect(reply.headers.get('retry-after')).toMatch(/^\d+$/);
    }
  }, 90_000);

  it('an outage does not use up a trace job’s attempts: traces in flight finish when the database is back, not when the reconciler finds them', async () => {
    const kase = await createCase(t.client, t.users.investigator.token);
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) {
      const weapon = {
        manufacturer: 'Ruger',
        model: 'LCP',
        caliber: '.380 ACP',
        type: 'pistol',
        serialNumber: unique('TESTOK'),
        countryOfManufacture: 'US',
      };
      ids.push((await t.as('investigator').post('/traces', traceBody(kase.id, { weapon }))).body.id);
    }
    await waitFor(
      async () => (await t.db('traces').whereIn('id', ids).where({ status: 'in_progress' })).length > 0,
      'traces in progress',
    );
    const logStart = t.worker!.output().length;
    await postgres.stop();
    // Far more tries than TRACE_MAX_ATTEMPTS fall on the outage before the database is back.
    // More tries fall on the outage than TRACE_MAX_ATTEMPTS allows; none of them may count.
    const queue = new Queue('traces', { connection: t.redis, prefix: t.prefix });
    await waitFor(async () => {
      const jobs = await queue.getJobs(['wait', 'prioritized', 'active', 'delayed']);
      return jobs.some((job) => job.attemptsStarted > 2);
    }, 'a job tried more often than it may fail');
    await queue.close();
    await postgres.start();
    await waitFor(
      async () => (await t.db('traces').whereIn('id', ids).whereIn('status', OPEN)).length === 0,
      'every trace to finish',
      60_000,
    );
    const rows = await t.db('traces').whereIn('id', ids).select('status');
    expect(rows.map((r) => r.status)).toEqual(ids.map(() => 'completed'));
    expect(await t.db('trace_events').whereIn('trace_id', ids).where({ type: 'failed' })).toEqual([]);

    // Through it all the worker wrote JSON lines only, and said each repeated warning a few times, not hundreds.
    const lines = t.worker!.output().slice(logStart).trim().split('\n').filter(Boolean);
    const messages = lines.map((line) => (JSON.parse(line) as { msg: string }).msg);
    const counts = messages.reduce((all, msg) => all.set(msg, (all.get(msg) ?? 0) + 1), new Map<string, number>());
    for (const [msg, count] of counts) expect(count, msg).toBeLessThanOrEqual(3);
  }, 120_000);
});
