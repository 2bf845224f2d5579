import { randomBytes } from 'node:crypto';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { PassThrough } from 'node:stream';
import { describe, expect, inject, it } from 'vitest';
import { createApp } from '../src/app.ts';
import { createLogger } from '../src/logger.ts';
import { createCase, startApp, traceBody, unique, useWorld } from './support/harness.ts';
import { PrivateRedis, spawnApi, waitFor } from './support/processes.ts';

const t = useWorld();

describe('API documentation', () => {
  it('serves Swagger UI from the installed package at /docs', async () => {
    const page = await fetch(`${t.client.baseUrl}/docs/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('swagger-ui');
    expect(html).not.toMatch(/https?:\/\/(cdn|unpkg)/);
    expect((await fetch(`${t.client.baseUrl}/docs/swagger-ui-bundle.js`)).status).toBe(200);
    expect(await (await fetch(`${t.client.baseUrl}/docs/swagger-initializer.js`)).text()).toContain('/openapi.json');
  });
});

describe('health and metrics', () => {
  it('/healthz answers while the process is up; /readyz checks PostgreSQL, Redis and migrations', async () => {
    expect((await t.client.get('/healthz')).body).toEqual({ status: 'ok' });
    const ready = await t.client.get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready', checks: { postgres: 'ok', redis: 'ok', migrations: 'ok' } });
  });

  it('/readyz turns 503 naming Redis when its Redis stops, and 200 again once it is back, without a restart', async () => {
    const redis = await PrivateRedis.start();
    const app = await startApp({ redisUrl: redis.url });
    try {
      expect((await app.client.get('/readyz')).status).toBe(200);
      await redis.stop();
      const down = await waitFor(async () => {
        const res = await app.client.get('/readyz');
        return res.status === 503 && res;
      }, 'readyz 503');
      expect(down.headers.get('content-type')).toContain('application/problem+json');
      expect(down.body.detail).toBe('Not ready: redis.');
      expect(down.headers.get('retry-after')).toBe('5');
      expect(down.body).toMatchObject({ instance: '/readyz', requestId: down.headers.get('x-request-id') });
      expect(down.body.checks).toMatchObject({
        postgres: 'ok',
        migrations: 'ok',
        redis: 'unavailable',
      });
      // Anyone may ask: no host, port or error text is told.
      expect(JSON.stringify(down.body)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|:\d{4,5}/);
      // The API itself keeps answering without Redis.
      expect((await app.client.as(t.users.investigator.token).get('/me')).status).toBe(200);
      await redis.start();
      await waitFor(async () => (await app.client.get('/readyz')).status === 200, 'readyz 200 again', 20_000);
    } finally {
      await app.close();
      await redis.stop();
    }
  });

  it('/metrics exposes HTTP histograms by route template, traces by status, queue depth, outbox backlog and process metrics', async () => {
    const kase = await createCase(t.client, t.users.investigator.token);
    const trace = await t.client.as(t.users.investigator.token).post('/traces', traceBody(kase.id));
    await t.client.as(t.users.investigator.token).get(`/traces/${trace.body.id}`);
    // A refused request is counted under its full template too (not the router's path alone).
    expect(
      (await t.client.as(t.users.investigator.token).get('/traces/00000000-0000-4000-8000-000000000001')).status,
    ).toBe(404);
    expect((await t.client.as(t.users.investigator.token).post('/traces', { caseId: 'x' })).status).toBe(400);
    const res = await fetch(`${t.client.baseUrl}/metrics`);
    const text = await res.text();
    expect(res.headers.get('content-type')).toContain('text/plain');
    expect(text).toContain(
      'rastreo_http_request_duration_seconds_bucket{le="0.005",method="GET",route="/api/v1/traces/:id",status="200"}',
    );
    expect(text).not.toContain(trace.body.id);
    expect(text).toContain('method="GET",route="/api/v1/traces/:id",status="404"}');
    expect(text).toContain('method="POST",route="/api/v1/traces",status="400"}');
    expect(text).not.toMatch(/route="\/traces/);
    expect(text).toMatch(/rastreo_traces\{status="queued"\} [1-9]/);
    expect(text).toMatch(/rastreo_trace_outbox_backlog [1-9]/);
    expect(text).toMatch(/rastreo_trace_queue_jobs\{state="waiting"\} \d+/);
    expect(text).toMatch(/rastreo_trace_queue_jobs\{state="failed"\} \d+/);
    expect(text).toContain('rastreo_trace_stage_duration_seconds');
    expect(text).toMatch(/^rastreo_trace_outbox_lag_seconds \d/m);
    // Node's own metrics under their standard names, so stock dashboards find them.
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds /m);
    expect(text).not.toContain('rastreo_process_');
    expect(text).not.toContain('rastreo_nodejs_');
  });

  it('/metrics counts the review actions advisors and admins take, by action, and not the investigators’', async () => {
    const scrape = async () => {
      const text = await (await fetch(`${t.client.baseUrl}/metrics`)).text();
      return (action: string) =>
        Number(new RegExp(`^rastreo_review_actions_total\\{action="${action}"\\} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
    };
    const before = await scrape();
    const kase = await createCase(t.client, t.users.investigator.token);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push(
        (
          await t.client
            .as(t.users.investigator.token)
            .post(
              '/traces',
              traceBody(kase.id, { weapon: { ...traceBody(kase.id).weapon, serialNumber: unique('MET') } }),
            )
        ).body.id,
      );
    expect(
      (await t.client.as(t.users.advisor.token).post(`/traces/${ids[0]}/cancel`, { reason: 'Entered twice' })).status,
    ).toBe(200);
    expect(
      (
        await t.client
          .as(t.users.advisor.token)
          .post(`/traces/${ids[1]}/escalate`, { reason: 'Weapon used in a police killing' })
      ).status,
    ).toBe(200);
    expect(
      (await t.client.as(t.users.investigator.token).post(`/traces/${ids[2]}/cancel`, { reason: 'Wrong case' })).status,
    ).toBe(200);
    const after = await scrape();
    expect(after('cancel') - before('cancel')).toBe(1);
    expect(after('escalate') - before('escalate')).toBe(1);
  });
});

describe('protection', () => {
  it('sets security headers, and allows cross-origin calls only from CORS_ORIGINS', async () => {
    const res = await fetch(`${t.client.baseUrl}/healthz`, { headers: { origin: 'https://evil.example' } });
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const db = t.db;
    const { app } = createApp({ db, logger: createLogger('silent'), corsOrigins: ['https://ui.rastreo.example'] });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/healthz`;
      expect(
        (await fetch(url, { headers: { origin: 'https://ui.rastreo.example' } })).headers.get(
          'access-control-allow-origin',
        ),
      ).toBe('https://ui.rastreo.example');
      expect(
        (await fetch(url, { headers: { origin: 'https://evil.example' } })).headers.get('access-control-allow-origin'),
      ).toBeNull();
    } finally {
      server.close();
    }
  });

  it('rate-limits per token (and per IP without one) with 429 and RateLimit headers', async () => {
    const app = await startApp({ rateLimit: { windowMs: 60_000, max: 3, anonymousMax: 2 } });
    try {
      const inv = app.client.as(t.users.investigator.token);
      const replies = [];
      for (let i = 0; i < 4; i++) replies.push(await inv.get('/me'));
      expect(replies.map((r) => r.status)).toEqual([200, 200, 200, 429]);
      expect(replies[0]!.headers.get('ratelimit-policy')).toContain('q=3');
      expect(replies[0]!.headers.get('ratelimit')).toMatch(/r=2/);
      expect(replies[3]!.headers.get('content-type')).toContain('application/problem+json');
      expect(replies[3]!.body).toMatchObject({ status: 429, title: 'Too Many Requests' });
      expect((await app.client.as(t.users.advisor.token).get('/me')).status).toBe(200);
      const anonymous = [await app.client.get('/me'), await app.client.get('/me'), await app.client.get('/me')];
      expect(anonymous.map((r) => r.status)).toEqual([401, 401, 429]);
      expect(anonymous[2]!.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(anonymous[2]!.body.detail).toMatch(/^Too many requests: at most 2 per 60 s\. Try again in \d+ s\.$/);
    } finally {
      await app.close();
    }
  });

  it('counts a token that does not authenticate against the per-IP anonymous limit (no made-up-token bypass)', async () => {
    const app = await startApp({ rateLimit: { windowMs: 60_000, max: 100, anonymousMax: 3 } });
    try {
      const madeUp = () => `rst_${randomBytes(32).toString('base64url')}`;
      const signIns = [];
      for (let i = 0; i < 5; i++) {
        signIns.push(
          await app.client.post(
            '/sessions',
            { email: 'x@example.org', password: 'guess guess guess' },
            { authorization: `Bearer ${madeUp()}` },
          ),
        );
      }
      expect(signIns.map((r) => r.status)).toEqual([401, 401, 401, 429, 429]);
      expect((await app.client.as(madeUp()).get('/me')).status).toBe(429);
      // A token that does authenticate has its own allowance.
      expect((await app.client.as(t.users.investigator.token).get('/me')).status).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('answers anonymous callers of the BullMQ board 401 from the rate limiter, 429 past it, and writes no audit row', async () => {
    const app = await startApp({ rateLimit: { windowMs: 60_000, max: 100, anonymousMax: 3 } });
    try {
      // Each request carries an id of this test's own, so rows other test files write meanwhile do not count.
      const ids = Array.from({ length: 6 }, () => `board-${unique().toLowerCase()}`);
      const statuses: number[] = [];
      for (const id of ids) {
        statuses.push(
          (
            await fetch(`${app.client.baseUrl}/admin/queues/api/queues`, {
              headers: { cookie: 'rastreo_board=rsb_made-up-token-0123456789', 'x-request-id': id },
            })
          ).status,
        );
      }
      expect(statuses).toEqual([401, 401, 401, 429, 429, 429]);
      expect(await app.db('audit_log').whereIn('request_id', ids).count({ n: '*' }).first()).toEqual({ n: 0 });
      // An admin still gets in: the allowance is the anonymous one of that address only.
      expect(
        (
          await fetch(`${app.client.baseUrl}/admin/queues`, {
            headers: { authorization: `Bearer ${t.users.admin.token}` },
          })
        ).status,
      ).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('shows the BullMQ board to admins only, through a short-lived HttpOnly cookie the server sets', async () => {
    const base = t.client.baseUrl;
    expect((await fetch(`${base}/admin/queues`)).status).toBe(401);
    expect(
      (await fetch(`${base}/admin/queues`, { headers: { authorization: `Bearer ${t.users.investigator.token}` } }))
        .status,
    ).toBe(403);
    const board = await fetch(`${base}/admin/queues`, { headers: { authorization: `Bearer ${t.users.admin.token}` } });
    expect(board.status).toBe(200);
    expect(await board.text()).toContain('<html');

    expect(
      (
        await fetch(`${base}/admin/queues/session`, {
          method: 'POST',
          headers: { authorization: `Bearer ${t.users.investigator.token}` },
        })
      ).status,
    ).toBe(403);
    const opened = await fetch(`${base}/admin/queues/session`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.users.admin.token}` },
    });
    expect(opened.status).toBe(204);
    const cookie = opened.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^rastreo_board=rsb_[\w-]+; Path=\/admin; HttpOnly; SameSite=Strict; Max-Age=900$/);
    const value = cookie.split(';')[0]!;
    // Behind a TLS-terminating proxy (X-Forwarded-Proto from a trusted hop) the cookie is Secure too.
    const overHttps = await fetch(`${base}/admin/queues/session`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.users.admin.token}`, 'x-forwarded-proto': 'https' },
    });
    expect(overHttps.headers.get('set-cookie')).toMatch(/; Secure$/);
    const viaCookie = await fetch(`${base}/admin/queues/api/queues`, { headers: { cookie: value } });
    expect(viaCookie.status).toBe(200);
    expect(JSON.stringify(await viaCookie.json())).toContain('traces');
    // The board's token is good for nothing else, and an API token in the cookie is not taken.
    expect((await t.client.get('/me', { authorization: `Bearer ${value.split('=')[1]}` })).status).toBe(401);
    expect(
      (await fetch(`${base}/admin/queues`, { headers: { cookie: `rastreo_board=${t.users.admin.token}` } })).status,
    ).toBe(401);
    await t
      .db('api_tokens')
      .where({ kind: 'board' })
      .update({ expires_at: t.db.raw("now() - interval '1 second'") });
    expect((await fetch(`${base}/admin/queues/api/queues`, { headers: { cookie: value } })).status).toBe(401);
    const closed = await fetch(`${base}/admin/queues/session`, { method: 'DELETE' });
    expect(closed.headers.get('set-cookie')).toContain(
      'rastreo_board=; Path=/admin; HttpOnly; SameSite=Strict; Max-Age=0',
    );
  });

  it('marks every API answer Cache-Control: no-store, and every 401 WWW-Authenticate: Bearer', async () => {
    const answers = [
      await t.client.as(t.users.investigator.token).get('/me'),
      await t.client.post('/sessions', { email: 'nadie@example.org', password: 'wrong password' }),
      await t.client.get('/me'),
      await t.client.get('/no-such-route'),
      await t.client.as(t.users.investigator.token).post('/cases', '{not json'),
    ];
    expect(answers.map((r) => r.status)).toEqual([200, 401, 401, 404, 400]);
    for (const answer of answers) expect(answer.headers.get('cache-control')).toBe('no-store');
    for (const answer of answers.filter((r) => r.status === 401))
      expect(answer.headers.get('www-authenticate')).toBe('Bearer');
  });
});

describe('logs', () => {
  it('carry the request id, user and agency on every line, and never a token or personal data', async () => {
    const stream = new PassThrough();
    let output = '';
    stream.on('data', (chunk) => (output += chunk));
    const app = await startApp({ logStream: stream });
    try {
      const inv = app.client.as(t.users.investigator.token);
      const kase = await createCase(app.client, t.users.investigator.token);
      await inv.post('/traces', traceBody(kase.id), { 'x-request-id': 'req-log-test-1' });
      await inv.get('/traces?limit=5', { 'x-request-id': 'req-log-test-2' });
      await app.client.get('/me', {
        authorization: `Bearer ${t.users.advisor.token.slice(0, -2)}xx`,
        'x-request-id': 'req-log-test-3',
      });
      await inv.get('/traces/not-a-uuid');
    } finally {
      await app.close();
    }
    const lines = output
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    const requestLines = lines.filter((line) => line.req);
    expect(requestLines.length).toBeGreaterThanOrEqual(5);
    for (const line of requestLines) expect(line.req.id).toMatch(/\S/);
    const traced = requestLines.find((line) => line.req.id === 'req-log-test-1');
    expect(traced).toMatchObject({ userId: t.users.investigator.id, agencyId: t.home.id, res: { statusCode: 201 } });
    expect(requestLines.find((line) => line.req.id === 'req-log-test-3')?.res.statusCode).toBe(401);
    expect(output).not.toContain(t.users.investigator.token);
    expect(output).not.toContain(t.users.advisor.token.slice(4, -2));
    expect(output).not.toContain('Pérez');
    expect(output).toContain('[redacted]');
  });
});

describe('graceful shutdown', () => {
  it('SIGTERM under load: no request sent is cut off, every trace created got its 201, and the process leaves before the deadline', async () => {
    const api = await spawnApi({
      DATABASE_URL: inject('databaseUrl'),
      SHUTDOWN_TIMEOUT_MS: '20000',
      RATE_LIMIT_MAX: '1000000',
    });
    try {
      const kase = await createCase(t.client, t.users.investigator.token);
      const created = new Set<string>();
      const failures: string[] = [];
      let refused = 0;
      const headers = { authorization: `Bearer ${t.users.investigator.token}`, 'content-type': 'application/json' };
      const agent = new HttpAgent({ keepAlive: true, maxSockets: 20 });
      const post = (body: string) =>
        new Promise<{ status: number; body: string } | { error: NodeJS.ErrnoException; freshConnection: boolean }>(
          (resolve) => {
            const req = httpRequest(`${api.url}/api/v1/traces`, { method: 'POST', headers, agent }, (res) => {
              let text = '';
              res
                .setEncoding('utf8')
                .on('data', (chunk: string) => (text += chunk))
                .on('end', () => resolve({ status: res.statusCode!, body: text }));
            });
            req.on('error', (error) => resolve({ error, freshConnection: !req.reusedSocket }));
            req.end(body);
          },
        );
      // Keep-alive clients posting back to back, as a busy agency system would, until the server stops taking connections.
      const client = async () => {
        for (;;) {
          const answer = await post(
            JSON.stringify(
              traceBody(kase.id, { weapon: { ...traceBody(kase.id).weapon, serialNumber: unique('SIG') } }),
            ),
          );
          if ('status' in answer) {
            if (answer.status === 201) created.add((JSON.parse(answer.body) as { id: string }).id);
            else failures.push(`status ${answer.status}`);
            continue;
          }
          // A new connection refused, or reset in the kernel's accept queue as the listener closes, never carried a
          // request to the service. A reset on a reused keep-alive connection would be a request lost: a failure.
          const { code } = answer.error;
          if (answer.freshConnection && (code === 'ECONNREFUSED' || code === 'ECONNRESET')) refused++;
          else failures.push(`${code ?? ''} ${answer.error.message} (reused connection: ${!answer.freshConnection})`);
          return;
        }
      };
      const clients = Array.from({ length: 20 }, client);
      await waitFor(async () => created.size >= 100, '100 traces created under load');
      await Promise.all([api.kill('SIGTERM'), ...clients]);
      agent.destroy();
      expect(await api.exited).toBe(0);
      expect(failures).toEqual([]);
      expect(refused).toBe(20);
      const rows: string[] = await t.db('traces').where({ case_id: kase.id }).pluck('id');
      expect(rows.filter((id) => !created.has(id))).toEqual([]);
      expect(rows).toHaveLength(created.size);
      expect(api.output()).not.toContain('shutdown deadline');
    } finally {
      await api.kill('SIGKILL');
    }
  }, 60_000);

  it('lets a slow request finish after SIGTERM, then exits 0', async () => {
    const api = await spawnApi({ DATABASE_URL: inject('databaseUrl'), SHUTDOWN_TIMEOUT_MS: '10000' });
    try {
      const kase = await createCase(t.client, t.users.investigator.token);
      const trx = await t.db.transaction();
      await trx('cases').where({ id: kase.id }).forUpdate().first();
      const slow = fetch(`${api.url}/api/v1/cases/${kase.id}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${t.users.investigator.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'Renamed during shutdown' }),
      });
      await waitFor(async () => {
        const { rows } = await t.db.raw(`SELECT 1 FROM pg_stat_activity
          WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE 'update "cases"%'`);
        return rows.length > 0;
      }, 'the PATCH to wait on the row lock');
      void api.kill('SIGTERM');
      // Shutting down: no new connections, while the PATCH in flight keeps the process alive.
      await waitFor(
        async () =>
          await fetch(`${api.url}/healthz`).then(
            () => false,
            () => true,
          ),
        'the listener to close',
      );
      expect(api.child.exitCode).toBeNull();
      await trx.commit();
      const res = await slow;
      expect(res.status).toBe(200);
      expect((await res.json()).title).toBe('Renamed during shutdown');
      expect(await api.exited).toBe(0);
      await expect(fetch(`${api.url}/healthz`)).rejects.toThrow();
    } finally {
      await api.kill('SIGKILL');
    }
  });
});
