import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCase, traceBody, unique, useWorld } from './support/harness.ts';
import { PrivateRedis, spawnWorker, uniquePrefix, waitFor, type WorkerProcess } from './support/processes.ts';

/**
 * Every pending webhook delivery is made even when Redis loses its queues or a worker dies mid-delivery: the deliveries
 * ride on the same reconciler as traces. A Redis of the file's own, so FLUSHALL and SIGKILL touch nothing else.
 */
const t = useWorld({ privateDatabase: true });
let redis: PrivateRedis;
const workers: WorkerProcess[] = [];
const prefix = uniquePrefix();

beforeAll(async () => {
  redis = await PrivateRedis.start();
});
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.kill('SIGKILL')));
});
afterAll(async () => {
  await redis?.stop();
});

const start = () => {
  const worker = spawnWorker({
    DATABASE_URL: t.databaseUrl,
    REDIS_URL: redis.url,
    QUEUE_PREFIX: prefix,
    ADAPTER_LATENCY_MS: '5',
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
    WEBHOOK_BACKOFF_MS: '100',
    WEBHOOK_MAX_ATTEMPTS: '20',
    RECONCILE_AFTER_MS: '2000',
  });
  workers.push(worker);
  return worker;
};

interface Hit {
  eventId: string;
  type: string;
  body: string;
  headers: Record<string, string>;
  answered?: number;
}

/** A receiver that records each request; while `holding`, it answers nothing (the request hangs, as a slow receiver's would). */
async function receiver() {
  const hits: Hit[] = [];
  const held: ServerResponse[] = [];
  const state = { holding: false };
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const hit: Hit = {
        eventId: JSON.parse(body).id,
        type: JSON.parse(body).type,
        body,
        headers: req.headers as Record<string, string>,
      };
      hits.push(hit);
      if (state.holding) {
        held.push(res);
        return;
      }
      hit.answered = 200;
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  afterAll(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { url, hits, state, delivered: () => hits.filter((h) => h.answered === 200) };
}

async function register(url: string, events = ['trace.status_changed']) {
  const res = await t.as('admin').post('/webhooks', { agencyId: t.home.id, url, events });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; secret: string };
}

const pending = async (webhookId: string) =>
  Number(
    (await t
      .db('webhook_deliveries')
      .where({ webhook_id: webhookId })
      .whereNot({ status: 'delivered' })
      .count({ n: '*' })
      .first())!.n,
  );

describe('webhook deliveries survive', () => {
  it('Redis losing its queues during webhook traffic: every delivery is made, in event order', async () => {
    const rx = await receiver();
    const hook = await register(rx.url);
    start();
    const kase = await createCase(t.client, t.users.investigator.token);
    const submit = (n: number) =>
      Promise.all(
        Array.from({ length: n }, () =>
          t.as('investigator').post(
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
          ),
        ),
      );
    const first = await submit(15);
    await waitFor(async () => rx.delivered().length >= 5, 'some deliveries before the flush', 30_000);
    const flush = new Redis(redis.url);
    await flush.flushall();
    flush.disconnect();
    const second = await submit(15);
    const ids = [...first, ...second].map((r) => r.body.id as string);
    await waitFor(
      async () =>
        Number(
          (await t
            .db('traces')
            .whereIn('id', ids)
            .whereIn('status', ['completed', 'not_traceable', 'needs_info', 'failed'])
            .count({ n: '*' })
            .first())!.n,
        ) === ids.length,
      'every trace final',
      90_000,
    ).catch(async (error: Error) => {
      const statuses = await t.db('traces').whereIn('id', ids).select('status').count({ n: '*' }).groupBy('status');
      throw new Error(
        `${error.message}: ${JSON.stringify(statuses)} ${workers
          .map((w) => w.output())
          .join('\n')
          .slice(-3000)}`,
      );
    });
    await waitFor(async () => (await pending(hook.id)) === 0, 'every delivery made', 90_000);
    const events = await t
      .db('events')
      .where('type', 'trace.status_changed')
      .whereRaw("(data->>'traceId')::uuid = ANY(?)", [ids])
      .pluck('id');
    const delivered = new Set(rx.delivered().map((h) => h.eventId));
    expect(events.map(String).filter((id) => !delivered.has(id))).toEqual([]);
    // In event order: each event first delivered after the ones before it (at least once: a repeat may follow).
    const order = [...new Set(rx.delivered().map((h) => h.eventId))].map(BigInt);
    expect(order).toEqual([...order].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  }, 200_000);

  it('a worker killed twice during one delivery: it is delivered, and the events after it are not parked for good', async () => {
    const rx = await receiver();
    const hook = await register(rx.url);
    rx.state.holding = true;
    let worker = start();
    const firstPing = (await t.as('admin').post(`/webhooks/${hook.id}/test`)).body.eventId as string;
    const secondPing = (await t.as('admin').post(`/webhooks/${hook.id}/test`)).body.eventId as string;
    for (let kill = 1; kill <= 2; kill++) {
      await waitFor(
        async () => rx.hits.filter((h) => h.eventId === firstPing).length >= kill,
        `try ${kill} of the first ping`,
        60_000,
      );
      await worker.kill('SIGKILL');
      worker = start();
    }
    rx.state.holding = false;
    await waitFor(
      async () => rx.delivered().some((h) => h.eventId === secondPing),
      'the second ping delivered',
      90_000,
    );
    const delivered = rx.delivered().map((h) => h.eventId);
    expect(delivered.indexOf(firstPing)).toBeGreaterThanOrEqual(0);
    expect(delivered.indexOf(firstPing)).toBeLessThan(delivered.indexOf(secondPing));
    // The receiver answered before the worker recorded it: wait for the record, never assume it is there yet.
    await waitFor(async () => (await pending(hook.id)) === 0, 'both deliveries recorded', 60_000);
  }, 200_000);

  it("signs every delivery so the Standard Webhooks library and the contract's Rastreo-Signature both verify it", async () => {
    const rx = await receiver();
    const hook = await register(rx.url);
    start();
    const ping = (await t.as('admin').post(`/webhooks/${hook.id}/test`)).body.eventId as string;
    await waitFor(async () => rx.delivered().some((h) => h.eventId === ping), 'the ping', 60_000);
    const hit = rx.delivered().find((h) => h.eventId === ping)!;
    expect(hit.headers['webhook-id']).toBe(ping);
    expect(new Webhook(hook.secret).verify(hit.body, hit.headers)).toMatchObject({ id: ping, type: 'ping' });
    expect(() =>
      new Webhook(`whsec_${Buffer.from('another key of 32 bytes........').toString('base64')}`).verify(
        hit.body,
        hit.headers,
      ),
    ).toThrow();
    const { createHmac } = await import('node:crypto');
    const { t: at, v1 } = Object.fromEntries(
      hit.headers['rastreo-signature']!.split(',').map((part) => part.split('=')),
    );
    expect(createHmac('sha256', hook.secret).update(`${at}.${hit.body}`).digest('hex')).toBe(v1);
  }, 90_000);
});
