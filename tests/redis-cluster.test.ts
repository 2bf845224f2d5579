import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../src/db/knex.ts';
import { createTraceQueue } from '../src/traces/pipeline/queue.ts';
import { Client, createCase, createWorld, traceBody, type World } from './support/harness.ts';
import {
  PrivateRedisCluster,
  privateDatabase,
  spawnApi,
  spawnWorker,
  uniquePrefix,
  waitFor,
  type WorkerProcess,
} from './support/processes.ts';

/**
 * Scale-out on Redis Cluster: two API processes and two workers share a three-master cluster (REDIS_CLUSTER_NODES) and
 * one PostgreSQL. REDIS_URL points nowhere, so anything that still used it would fail.
 */
const TRACES = 300;
const FINAL = ['completed', 'not_traceable', 'needs_info', 'failed'];

let cluster: PrivateRedisCluster;
let database: { url: string; drop(): Promise<void> };
let db: Db;
let world: World;
const processes: WorkerProcess[] = [];
const apis: string[] = [];
const prefix = uniquePrefix();

beforeAll(async () => {
  cluster = await PrivateRedisCluster.start(3);
  database = await privateDatabase();
  const env = {
    DATABASE_URL: database.url,
    REDIS_CLUSTER_NODES: cluster.nodes,
    REDIS_URL: 'redis://127.0.0.1:1',
    QUEUE_PREFIX: prefix,
  };
  for (let i = 0; i < 2; i++) {
    const api = await spawnApi(env);
    processes.push(api);
    apis.push(api.url);
  }
  // Locks of the normal length: this test is about the cluster, not about taking over stalled jobs (pipeline-faults is).
  for (let i = 0; i < 2; i++)
    processes.push(
      spawnWorker({ ...env, WORKER_CONCURRENCY: '4', WORKER_LOCK_MS: '30000', WORKER_STALLED_INTERVAL_MS: '30000' }),
    );
  db = createDb(database.url, 2);
  world = await createWorld(db);
}, 120_000);

afterAll(async () => {
  await Promise.all(processes.map((p) => p.kill('SIGTERM')));
  await db?.destroy();
  await database?.drop();
  await cluster?.stop();
});

describe('Redis Cluster', () => {
  it('two APIs and two workers on a 3-master cluster finish every one of a few hundred traces exactly once', async () => {
    const clients = apis.map((url) => new Client(url, world.users.investigator.token));
    const kase = await createCase(clients[0]!, world.users.investigator.token);
    const ids: string[] = [];
    const rateLimits = new Set<string>();
    for (let start = 0; start < TRACES; start += 10) {
      const batch = await Promise.all(
        Array.from({ length: 10 }, (_, i) => clients[(start + i) % 2]!.post('/traces', traceBody(kase.id))),
      );
      for (const res of batch) {
        expect(res.status, JSON.stringify(res.body)).toBe(201);
        ids.push(res.body.id);
        // The rate limiter counts in the cluster (it lets requests through uncounted when Redis cannot be reached).
        rateLimits.add(res.headers.get('ratelimit') ?? 'missing');
      }
    }
    expect(rateLimits).not.toContain('missing');

    await waitFor(
      async () => {
        const { count } = (await db('traces')
          .whereIn('id', ids)
          .whereIn('status', FINAL)
          .count({ count: '*' })
          .first()) as { count: string };
        return Number(count) === TRACES;
      },
      `${TRACES} traces final; processes said: ${processes
        .map((p) => p.output())
        .join('\n')
        .slice(-2000)}`,
      180_000,
    );

    const events = await db('trace_events')
      .whereIn('trace_id', ids)
      .select('trace_id', 'type', 'to_status', 'stage', 'from_status');
    const perTrace = new Map<string, typeof events>();
    for (const event of events) perTrace.set(event.trace_id, [...(perTrace.get(event.trace_id) ?? []), event]);
    expect(perTrace.size).toBe(TRACES);
    for (const [id, list] of perTrace) {
      expect(
        list.filter((e) => e.from_status === 'queued' && e.to_status === 'in_progress'),
        `${id} started`,
      ).toHaveLength(1);
      expect(
        list.filter((e) => e.from_status === 'in_progress' && FINAL.includes(e.to_status)),
        `${id} finished`,
      ).toHaveLength(1);
      const stages = list.filter((e) => e.type === 'stage_completed').map((e) => e.stage);
      expect(new Set(stages).size, `${id} stages`).toBe(stages.length);
    }

    // The jobs lived in the cluster, each once.
    const connection = new Cluster(
      cluster.nodes.split(',').map((node) => ({ host: '127.0.0.1', port: Number(node.split(':')[1]) })),
    );
    const queue = createTraceQueue(connection, prefix);
    try {
      // BullMQ marks a job completed just after the worker's last statement commits: wait for the marks, not the rows.
      let last = {};
      const counts = await waitFor(
        async () => {
          const now = await queue.getJobCounts(
            'completed',
            'failed',
            'waiting',
            'active',
            'delayed',
            'prioritized',
            'waiting-children',
          );
          last = now;
          return now.completed! + now.failed! >= TRACES && now;
        },
        'every job marked in BullMQ',
        120_000,
      ).catch((error: Error) => {
        throw new Error(`${error.message}: ${JSON.stringify(last)}`);
      });
      expect(counts).toMatchObject({ completed: TRACES, failed: 0, waiting: 0, active: 0, delayed: 0, prioritized: 0 });
    } finally {
      await queue.close();
      connection.disconnect();
    }
  }, 300_000);
});
