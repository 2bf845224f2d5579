import { createHmac } from 'node:crypto';
import { Queue } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { createCase, startApp, traceBody, useWorld } from './support/harness.ts';
import { waitFor } from './support/processes.ts';
import { startReceiver, type Received } from './support/receivers.ts';

const t = useWorld({
  privateDatabase: true,
  worker: {
    ADAPTER_LATENCY_MS: '20',
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
    WEBHOOK_BACKOFF_MS: '50',
    WEBHOOK_MAX_ATTEMPTS: '3',
  },
});
const admin = () => t.as('admin');
const receivers: { close(): Promise<void> }[] = [];
afterAll(async () => {
  for (const receiver of receivers) await receiver.close();
});

async function receiver(answer?: Parameters<typeof startReceiver>[0]) {
  const started = await startReceiver(answer);
  receivers.push(started);
  return started;
}

async function register(url: string, agencyId = t.home.id, events = ['trace.status_changed', 'alert.created']) {
  const res = await admin().post('/webhooks', { agencyId, url, events, description: 'Case system' });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; secret: string };
}

async function traceWith(serial: string) {
  const kase = await createCase(t.client, t.users.investigator.token);
  return (
    await t
      .as('investigator')
      .post('/traces', traceBody(kase.id, { weapon: { ...traceBody(kase.id).weapon, serialNumber: serial } }))
  ).body as { id: string; reference: string };
}

/** The documented check: HMAC-SHA256 with the secret over "<t>.<raw body>", hex, in `v1`. */
function verified(secret: string, request: Received) {
  const { t: at, v1 } = Object.fromEntries(
    String(request.headers['rastreo-signature'])
      .split(',')
      .map((part) => part.split('=')),
  );
  return createHmac('sha256', secret).update(`${at}.${request.body}`).digest('hex') === v1;
}

/** Waits for a delivery condition; on a timeout, says where the deliveries stand (BullMQ and the delivery rows). */
async function until(check: () => Promise<unknown>, what: string) {
  await waitFor(check as () => Promise<boolean>, what, 20_000).catch(async (error: Error) => {
    const queue = new Queue('webhooks', { connection: t.redis, prefix: t.prefix });
    const counts = await queue.getJobCounts('completed', 'failed', 'waiting', 'active', 'delayed', 'prioritized');
    await queue.close();
    const pending = await t
      .db('webhook_deliveries')
      .where({ status: 'pending' })
      .select('event_id', 'attempts', 'parked');
    throw new Error(`${error.message}: jobs ${JSON.stringify(counts)}, pending deliveries ${JSON.stringify(pending)}`);
  });
}

const deliveries = async (id: string) =>
  (await admin().get(`/webhooks/${id}/deliveries?limit=200`)).body.items as {
    eventId: string;
    attempts: number;
    status: string;
    lastResponseStatus: number | null;
  }[];

describe('webhooks', () => {
  it('registers with a secret shown once (stored encrypted) and delivers signed events of the agency’s traces', async () => {
    const inbox = await receiver();
    const hook = await register(inbox.url);
    expect(hook.secret).toMatch(/^whsec_/);
    const read = await admin().get(`/webhooks/${hook.id}`);
    expect(read.body).not.toHaveProperty('secret');
    expect(JSON.stringify(await t.db('webhooks').where({ id: hook.id }).first())).not.toContain(hook.secret);

    const trace = await traceWith(`TESTOK-W${hook.id.slice(0, 6)}`);
    await until(
      async () =>
        inbox.received.some((r) => r.event.data.traceId === trace.id && r.event.data.toStatus === 'completed'),
      'completed delivered',
    ).catch(async (error) => {
      throw new Error(
        `${error}: ${JSON.stringify(await deliveries(hook.id))} ${JSON.stringify(inbox.received.map((r) => r.event))} ${t.worker?.output().slice(-1500)}`,
      );
    });
    const mine = inbox.received.filter((r) => r.event.data.traceId === trace.id);
    expect(mine.map((r) => r.event.data.toStatus)).toEqual(['queued', 'in_progress', 'completed']);
    for (const request of mine) {
      expect(verified(hook.secret, request)).toBe(true);
      expect(request.headers['rastreo-event-id']).toBe(request.event.id);
      expect(request.headers['content-type']).toBe('application/json');
    }
    expect(verified('whsec_wrong', mine[0]!)).toBe(false);
    expect(JSON.stringify(mine)).not.toContain('Pérez');
  });

  it('retries a receiver that answered 500, and the log shows both tries; one that stays down ends failed', async () => {
    let refusedOnce = false;
    const flaky = await receiver(() => (refusedOnce ? 200 : ((refusedOnce = true), 500)));
    const down = await receiver(() => 503);
    const flakyHook = await register(flaky.url);
    const downHook = await register(down.url);
    const trace = await traceWith(`TESTOK-R${flakyHook.id.slice(0, 6)}`);
    // (Its completion may also raise a trafficking-indicator alert, one more event: wait for the trace's own.)
    await until(
      async () =>
        flaky.received.some(
          (r) => r.event.data.traceId === trace.id && r.event.data.toStatus === 'completed' && r.answered === 200,
        ) && (await deliveries(flakyHook.id)).at(-1)?.status === 'delivered',
      'flaky receiver served',
    );
    // The log lists the newest event first, by its number (not as text: event 14 comes before event 9).
    const log = (await deliveries(flakyHook.id)).map((d) => Number(d.eventId));
    expect(log).toEqual([...log].sort((a, b) => b - a));
    const first = (await deliveries(flakyHook.id)).at(-1)!;
    expect(first).toMatchObject({ attempts: 2, status: 'delivered', lastResponseStatus: 200 });
    const firstEvent = flaky.received.filter((r) => r.event.id === first.eventId);
    expect(firstEvent.map((r) => r.answered)).toEqual([500, 200]);
    expect(flaky.received.filter((r) => r.event.data.traceId === trace.id).map((r) => r.event.data.toStatus)).toContain(
      'completed',
    );

    await until(async () => (await deliveries(downHook.id)).some((d) => d.status === 'failed'), 'a failed delivery');
    expect((await deliveries(downHook.id)).find((d) => d.status === 'failed')).toMatchObject({
      attempts: 3,
      lastResponseStatus: 503,
    });
  });

  it('keeps a record’s events in order for a receiver that was down, and never sends one agency’s events to another', async () => {
    let up = false;
    const late = await receiver(() => (up ? 200 : 500));
    const elsewhere = await receiver();
    const hook = await register(late.url);
    await register(elsewhere.url, t.faraway.id);
    const trace = await traceWith(`TESTOK-O${hook.id.slice(0, 6)}`);
    await until(async () => late.received.filter((r) => r.event.data.traceId === trace.id).length >= 1, 'a first try');
    up = true;
    await until(
      async () =>
        late.received.some(
          (r) => r.answered === 200 && r.event.data.toStatus === 'completed' && r.event.data.traceId === trace.id,
        ),
      'all delivered',
    );
    const accepted = late.received
      .filter((r) => r.answered === 200 && r.event.data.traceId === trace.id)
      .map((r) => r.event.data.toStatus);
    expect(accepted).toEqual(['queued', 'in_progress', 'completed']);
    expect(elsewhere.received.filter((r) => r.event.data.traceId === trace.id)).toEqual([]);
  });

  it('sends a ping to the tested webhook only; lists and deletes', async () => {
    const a = await receiver();
    const b = await receiver();
    const hookA = await register(a.url);
    await register(b.url);
    const test = await admin().post(`/webhooks/${hookA.id}/test`);
    expect(test.status).toBe(202);
    await until(async () => a.received.some((r) => r.event.type === 'ping'), 'the ping');
    expect(a.received.find((r) => r.event.type === 'ping')!.event.data).toEqual({
      webhookId: hookA.id,
      message: 'Test from Rastreo',
    });
    expect(b.received.filter((r) => r.event.type === 'ping')).toEqual([]);
    expect(
      (await admin().get(`/webhooks?agencyId=${t.home.id}&limit=200`)).body.items.map((w: { id: string }) => w.id),
    ).toContain(hookA.id);
    expect((await admin().delete(`/webhooks/${hookA.id}`)).status).toBe(204);
    expect((await admin().get(`/webhooks/${hookA.id}`)).status).toBe(404);
    expect((await t.as('investigator').get('/webhooks')).status).toBe(403);
  });
});

describe('webhooks per agency', () => {
  it('allows 20 webhooks per agency; the 21st is 409, and deleting one makes room', async () => {
    const agency = t.neighbour.id;
    const made: string[] = [];
    const existing = (await admin().get(`/webhooks?agencyId=${agency}&limit=200`)).body.items.length as number;
    for (let i = existing; i < 20; i++) made.push((await register('http://127.0.0.1:9/h', agency)).id);
    const over = await admin().post('/webhooks', {
      agencyId: agency,
      url: 'http://127.0.0.1:9/h',
      events: ['alert.created'],
    });
    expect(over.status).toBe(409);
    expect(over.body.type).toMatch(/webhook-limit$/);
    // Another agency is not affected.
    expect(
      (
        await admin().post('/webhooks', {
          agencyId: t.faraway.id,
          url: 'http://127.0.0.1:9/h',
          events: ['alert.created'],
        })
      ).status,
    ).toBe(201);
    expect((await admin().delete(`/webhooks/${made[0]}`)).status).toBe(204);
    expect(
      (await admin().post('/webhooks', { agencyId: agency, url: 'http://127.0.0.1:9/h', events: ['alert.created'] }))
        .status,
    ).toBe(201);
  });
});

describe('webhook URLs', () => {
  it('refuses loopback, private and link-local hosts unless WEBHOOK_ALLOW_PRIVATE_NETWORKS is set, and non-HTTP schemes always', async () => {
    const app = await startApp({ webhookAllowPrivateNetworks: false, databaseUrl: t.databaseUrl });
    try {
      const strict = app.client.as(t.users.admin.token);
      for (const url of [
        'http://127.0.0.1:8080/h',
        'http://localhost/h',
        'http://10.1.2.3/h',
        'http://192.168.0.10/h',
        'http://169.254.169.254/latest',
        'http://[::1]/h',
        'http://[::ffff:127.0.0.1]/h',
        'ftp://example.org/h',
        'http://[::7f00:1]/h',
        'http://[fec0::1]/h',
        'http://[100::1]/h',
        'http://[::ffff:7f00:1]/h',
        'http://[64:ff9b::a00:1]/h',
        'http://[2002:7f00:1::1]/h',
        'http://100.64.0.1/h',
        'http://192.0.2.10/h',
        'http://0.0.0.0/h',
        'http://[fe80::1]/h',
        'http://[fd00::1]/h',
      ]) {
        const res = await strict.post('/webhooks', { agencyId: t.home.id, url, events: ['alert.created'] });
        expect(res.status, url).toBe(400);
        expect(res.body.errors[0].path, url).toBe('/url');
      }
      expect(
        (
          await t
            .as('admin')
            .post('/webhooks', { agencyId: t.home.id, url: 'http://127.0.0.1:9/h', events: ['alert.created'] })
        ).status,
      ).toBe(201);
      // Written as the URL parser writes it: an upper-case scheme or host is no reason for a refusal (nor a 500).
      const shouting = await t
        .as('admin')
        .post('/webhooks', { agencyId: t.home.id, url: 'HTTP://CASES.EXAMPLE.ORG/Hooks', events: ['alert.created'] });
      expect(shouting.status).toBe(201);
      expect(shouting.body.url).toBe('http://cases.example.org/Hooks');
    } finally {
      await app.close();
    }
  });
});

describe('the address guard', () => {
  it('accepts only globally routable unicast, judging IPv4-mapped and -compatible forms as their IPv4 address', async () => {
    const { isGloballyRoutable } = await import('../src/webhooks/url-guard.ts');
    const allowed = ['8.8.8.8', '1.1.1.1', '2606:4700::1111', '::ffff:8.8.8.8', '2a00:1450:4001::1'];
    const refused = [
      '127.0.0.1',
      '10.0.0.1',
      '172.16.0.1',
      '192.168.1.1',
      '100.64.0.1',
      '169.254.169.254',
      '0.0.0.0',
      '255.255.255.255',
      '224.0.0.1',
      '192.0.2.1',
      '198.18.0.1',
      '240.0.0.1',
      '::1',
      '::',
      '::7f00:1',
      '::ffff:7f00:1',
      '::ffff:10.0.0.1',
      'fec0::1',
      '100::1',
      'fe80::1',
      'fc00::1',
      'fd12:3456::1',
      'ff02::1',
      '2001:db8::1',
      '2002:7f00:1::1',
      '64:ff9b::7f00:1',
      '2001::1',
      '3fff::1',
      'not an address',
    ];
    expect(allowed.filter((address) => !isGloballyRoutable(address))).toEqual([]);
    expect(refused.filter((address) => isGloballyRoutable(address))).toEqual([]);
  });
});

describe('the delivery connection', () => {
  it('goes to the addresses that were checked, not to what the name resolves to a moment later (DNS rebinding)', async () => {
    const { guardedTarget } = await import('../src/webhooks/url-guard.ts');
    const rx = await receiver();
    const port = new URL(rx.url).port;
    // The check sees 127.0.0.1 (allowed here: private networks are on); the name itself resolves nowhere, so a connection
    // that looked the name up again would fail — one pinned to the checked address reaches the receiver.
    let lookups = 0;
    const target = await guardedTarget(`http://rebinding.invalid:${port}/hooks`, true, async () => {
      lookups++;
      return [{ address: '127.0.0.1', family: 4 }];
    });
    if ('problem' in target) throw new Error(target.problem);
    const body = JSON.stringify({ id: '1', type: 'ping', occurredAt: new Date().toISOString(), data: {} });
    expect(await target.post(body, { 'Content-Type': 'application/json' }, 5_000)).toBe(200);
    expect(lookups).toBe(1);
    expect(rx.received.at(-1)!.headers.host).toBe(`rebinding.invalid:${port}`);
    // Without private networks, the same checked address is refused before anything is sent.
    expect(
      await guardedTarget(`http://rebinding.invalid:${port}/hooks`, false, async () => [
        { address: '127.0.0.1', family: 4 },
      ]),
    ).toMatchObject({ problem: expect.any(String) });
  });
});
