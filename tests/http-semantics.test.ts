import { describe, expect, it } from 'vitest';
import { createApp } from '../src/app.ts';
import { createLogger } from '../src/logger.ts';
import { type Client, createCase, intakeItem, traceBody, useWorld, WITNESSES } from './support/harness.ts';
import { waitFor } from './support/processes.ts';
import { PROBLEM_TYPES, problemTypes } from '../src/i18n/problem-types.ts';

const t = useWorld();
const inv = () => t.as('investigator');
const adv = () => t.as('advisor');
const mgr = () => t.as('stockpile');

async function traceIn(status: string, draft = false) {
  const kase = await createCase(t.client, t.users.investigator.token);
  const res = await inv().post('/traces', traceBody(kase.id, draft ? { draft: true } : {}));
  expect(res.status).toBe(201);
  if (!draft && status !== 'queued') await t.db('traces').where({ id: res.body.id }).update({ status });
  return res.body.id as string;
}

async function plannedDestruction(items = 2) {
  const ids = [];
  for (let i = 0; i < items; i++) ids.push((await intakeItem(t.client, t.users.stockpile.token)).id);
  const plan = await mgr().post('/destructions', {
    plannedFor: '2026-12-01',
    method: 'cutting',
    location: 'Bodega central',
    itemIds: ids,
  });
  expect(plan.status).toBe(201);
  return { id: plan.body.id as string, itemIds: ids };
}

interface Target {
  /** Where the record is read (its ETag). */
  read: string;
  method: 'post' | 'patch' | 'delete';
  path: string;
  body?: unknown;
  client: () => Client;
}

/** For every route that honours If-Match: a record in a state where the change would succeed. */
const CONDITIONAL: Record<string, () => Promise<Target>> = {
  'PATCH /cases/:id': async () => {
    const kase = await createCase(t.client, t.users.investigator.token);
    return {
      read: `/cases/${kase.id}`,
      method: 'patch',
      path: `/cases/${kase.id}`,
      body: { title: 'Robo agravado' },
      client: inv,
    };
  },
  'PATCH /traces/:id': async () => {
    const id = await traceIn('draft', true);
    return {
      read: `/traces/${id}`,
      method: 'patch',
      path: `/traces/${id}`,
      body: { recovery: { date: '2026-10-02', country: 'SV', department: 'La Libertad', circumstance: 'seizure' } },
      client: inv,
    };
  },
  'POST /traces/:id/submit': async () => {
    const id = await traceIn('draft', true);
    return { read: `/traces/${id}`, method: 'post', path: `/traces/${id}/submit`, client: inv };
  },
  'POST /traces/:id/cancel': async () => {
    const id = await traceIn('queued');
    return {
      read: `/traces/${id}`,
      method: 'post',
      path: `/traces/${id}/cancel`,
      body: { reason: 'Duplicated by mistake' },
      client: inv,
    };
  },
  'POST /traces/:id/approve': async () => {
    const id = await traceIn('pending_review');
    return { read: `/traces/${id}`, method: 'post', path: `/traces/${id}/approve`, client: adv };
  },
  'POST /traces/:id/return': async () => {
    const id = await traceIn('pending_review');
    return {
      read: `/traces/${id}`,
      method: 'post',
      path: `/traces/${id}/return`,
      body: { message: 'Check the serial' },
      client: adv,
    };
  },
  'POST /traces/:id/retry': async () => {
    const id = await traceIn('failed');
    return { read: `/traces/${id}`, method: 'post', path: `/traces/${id}/retry`, client: adv };
  },
  'POST /traces/:id/assign': async () => {
    const id = await traceIn('pending_review');
    return {
      read: `/traces/${id}`,
      method: 'post',
      path: `/traces/${id}/assign`,
      body: { userId: t.users.advisor.id },
      client: adv,
    };
  },
  'POST /traces/:id/escalate': async () => {
    const id = await traceIn('pending_review');
    return {
      read: `/traces/${id}`,
      method: 'post',
      path: `/traces/${id}/escalate`,
      body: { reason: 'Suspect in custody' },
      client: adv,
    };
  },
  'POST /stockpile/items/:id/hold': async () => {
    const item = await intakeItem(t.client, t.users.stockpile.token);
    return {
      read: `/stockpile/items/${item.id}`,
      method: 'post',
      path: `/stockpile/items/${item.id}/hold`,
      body: { reason: 'Orden del juzgado' },
      client: mgr,
    };
  },
  'POST /stockpile/items/:id/release-hold': async () => {
    const item = await intakeItem(t.client, t.users.stockpile.token, { evidenceHold: true });
    return {
      read: `/stockpile/items/${item.id}`,
      method: 'post',
      path: `/stockpile/items/${item.id}/release-hold`,
      body: { reason: 'Sentencia firme' },
      client: mgr,
    };
  },
  'DELETE /destructions/:id/items/:itemId': async () => {
    const plan = await plannedDestruction();
    return {
      read: `/destructions/${plan.id}`,
      method: 'delete',
      path: `/destructions/${plan.id}/items/${plan.itemIds[0]}`,
      client: mgr,
    };
  },
  'POST /destructions/:id/complete': async () => {
    const plan = await plannedDestruction(1);
    return {
      read: `/destructions/${plan.id}`,
      method: 'post',
      path: `/destructions/${plan.id}/complete`,
      body: { performedAt: '2026-11-20T10:00:00Z', witnesses: WITNESSES },
      client: mgr,
    };
  },
  'POST /destructions/:id/verify': async () => {
    const plan = await plannedDestruction(1);
    expect(
      (
        await mgr().post(`/destructions/${plan.id}/complete`, {
          performedAt: '2026-11-20T10:00:00Z',
          witnesses: WITNESSES,
        })
      ).status,
    ).toBe(200);
    return {
      read: `/destructions/${plan.id}`,
      method: 'post',
      path: `/destructions/${plan.id}/verify`,
      body: {},
      client: adv,
    };
  },
};

const send = (target: Target, headers: Record<string, string> = {}) => {
  const client = target.client();
  return target.method === 'delete'
    ? client.delete(target.path, headers)
    : client[target.method](target.path, target.body ?? {}, headers);
};

describe('ETag and If-Match', () => {
  it('covers every route that declares itself conditional', () => {
    const { api } = createApp({ db: t.db, logger: createLogger('silent') });
    const conditional = api.routes
      .filter((route) => route.conditional)
      .map((route) => `${route.method.toUpperCase()} ${route.path}`);
    expect(conditional.sort()).toEqual(Object.keys(CONDITIONAL).sort());
  });

  for (const [name, setup] of Object.entries(CONDITIONAL)) {
    it(`${name}: a stale If-Match answers 412 with the current ETag and changes nothing; the current one succeeds`, async () => {
      const target = await setup();
      const before = await target.client().get(target.read);
      expect(before.status).toBe(200);
      const etag = before.headers.get('etag')!;
      expect(etag).toMatch(/^"\d+"$/);

      const stale = await send(target, { 'if-match': '"999999"' });
      expect(stale.status, JSON.stringify(stale.body)).toBe(412);
      expect(stale.headers.get('content-type')).toContain('application/problem+json');
      expect(stale.body.type).toBe('/problems/precondition-failed');
      expect(stale.headers.get('etag')).toBe(etag);
      const unchanged = await target.client().get(target.read);
      expect(unchanged.headers.get('etag')).toBe(etag);
      expect(unchanged.body).toEqual(before.body);

      // A weak tag never matches (If-Match compares strongly), even with the right number.
      expect((await send(target, { 'if-match': `W/${etag}` })).status).toBe(412);
      const done = await send(target, { 'if-match': `"999998", ${etag}` });
      expect(done.status, JSON.stringify(done.body)).toBeLessThan(300);
      const after = done.headers.get('etag');
      expect(after).toMatch(/^"\d+"$/);
      expect(after).not.toBe(etag);
      expect((await target.client().get(target.read)).headers.get('etag')).toBe(after);
    });
  }

  it('a stale PATCH no longer wins: of two people who read the same version, the second gets 412', async () => {
    const kase = await createCase(t.client, t.users.investigator.token);
    const read = await inv().get(`/cases/${kase.id}`);
    const etag = read.headers.get('etag')!;
    const first = await inv().patch(`/cases/${kase.id}`, { title: 'Primero' }, { 'if-match': etag });
    expect(first.status).toBe(200);
    const second = await inv().patch(`/cases/${kase.id}`, { title: 'Segundo' }, { 'if-match': etag });
    expect(second.status).toBe(412);
    expect((await inv().get(`/cases/${kase.id}`)).body.title).toBe('Primero');
    // Without If-Match (or with *) the change goes through as before: the header is the client's choice.
    expect((await inv().patch(`/cases/${kase.id}`, { title: 'Tercero' }, { 'if-match': '*' })).status).toBe(200);
    expect((await inv().patch(`/cases/${kase.id}`, { title: 'Cuarto' })).status).toBe(200);
  });

  it('a malformed If-Match is a 400 naming the header', async () => {
    const kase = await createCase(t.client, t.users.investigator.token);
    for (const header of ['3', '"3', 'W/3', '"a"b"']) {
      const res = await inv().patch(`/cases/${kase.id}`, { title: 'X' }, { 'if-match': header });
      expect(res.status, header).toBe(400);
      expect(res.body.errors[0].path).toBe('/header/If-Match');
    }
  });

  it('a replayed creation carries the same ETag and Location as the first answer', async () => {
    const kase = await createCase(t.client, t.users.investigator.token);
    const body = traceBody(kase.id);
    const headers = { 'idempotency-key': `etag-${kase.id}` };
    const first = await inv().post('/traces', body, headers);
    const again = await inv().post('/traces', body, headers);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.headers.get('etag')).toBe(first.headers.get('etag'));
    expect(again.headers.get('location')).toBe(first.headers.get('location'));
  });

  it('a PATCH with If-Match that loses a race with /submit answers 412 (not 409), and changes nothing', async () => {
    const kase = await createCase(t.client, t.users.investigator.token);
    const draft = (await inv().post('/traces', traceBody(kase.id, { draft: true }))).body;
    const etag = (await inv().get(`/traces/${draft.id}`)).headers.get('etag')!;
    const racer = await t.db.transaction();
    try {
      // The submit holds the row: the PATCH reads the draft at its version, then its write waits for the row.
      await racer('traces').where({ id: draft.id }).forUpdate().first('id');
      const patching = inv().patch(`/traces/${draft.id}`, { notes: 'Editado' }, { 'if-match': etag });
      await waitForLockWaiter(t.db);
      await racer('traces')
        .where({ id: draft.id })
        .update({ status: 'pending_review', version: t.db.raw('version + 1') });
      await racer.commit();
      const patched = await patching;
      expect(patched.status).toBe(412);
      expect(patched.body.type).toMatch(/precondition-failed$/);
      expect(patched.headers.get('etag')).not.toBe(etag);
      expect((await inv().get(`/traces/${draft.id}`)).body.notes).not.toBe('Editado');
    } finally {
      if (!racer.isCompleted()) await racer.rollback();
    }
  });
});

/** Until some statement of this database waits for a row lock. */
const waitForLockWaiter = (db: typeof t.db) =>
  waitFor(
    async () =>
      (await db.raw("SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"))
        .rows.length > 0,
    'a statement waiting for the row',
  );

describe('Location, Allow, WWW-Authenticate, Cache-Control, Content-Disposition', () => {
  it('every 201 names the created resource in Location, and it can be read there', async () => {
    const kase = await createCase(t.client, t.users.investigator.token);
    const created: [Client, string, unknown][] = [
      [inv(), '/cases', { caseNumber: `LOC-${kase.id.slice(0, 8)}`, title: 'Homicidio', offense: 'homicide' }],
      [inv(), '/traces', traceBody(kase.id)],
      [
        mgr(),
        '/stockpile/items',
        {
          weapon: {
            manufacturer: 'Taurus',
            model: 'PT92',
            caliber: '9mm',
            type: 'pistol',
            serialNumber: `LOC${kase.id.slice(0, 6)}`,
            countryOfManufacture: 'BR',
            importer: 'Taurus Intl',
          },
          source: 'seized',
          intakeDate: '2026-10-15',
          storageLocation: 'Bodega',
        },
      ],
      [
        t.as('admin'),
        '/agencies',
        {
          code: `LOC-${kase.id.slice(0, 6).toUpperCase()}`,
          name: 'Policía de prueba',
          country: 'SV',
          region: t.region,
        },
      ],
    ];
    for (const [client, path, body] of created) {
      const res = await client.post(path, body);
      expect(res.status, `${path} ${JSON.stringify(res.body)}`).toBe(201);
      const location = res.headers.get('location');
      expect(location, path).toBe(`/api/v1${path}/${res.body.id}`);
      expect((await client.get(location!)).status).toBe(200);
    }
    const plan = await plannedDestruction(1);
    expect((await mgr().get(`/destructions/${plan.id}`)).status).toBe(200);
    const { api } = createApp({ db: t.db, logger: createLogger('silent') });
    const creating = api.routes.filter((route) => Object.keys(route.responses).includes('201'));
    expect(creating.filter((route) => !route.location).map((route) => route.path)).toEqual([]);
  });

  it('a method the path does not support answers 405 with Allow; OPTIONS answers 204 with Allow', async () => {
    const put = await inv().request('PUT', '/traces');
    expect(put.status).toBe(405);
    expect(put.headers.get('content-type')).toContain('application/problem+json');
    expect(put.headers.get('allow')).toBe('GET, HEAD, POST, OPTIONS');
    const kase = await createCase(t.client, t.users.investigator.token);
    expect((await inv().delete(`/cases/${kase.id}`)).headers.get('allow')).toBe('GET, HEAD, PATCH, OPTIONS');
    const options = await inv().request('OPTIONS', '/traces');
    expect(options.status).toBe(204);
    expect(options.headers.get('allow')).toBe('GET, HEAD, POST, OPTIONS');
    expect((await inv().get('/no-such-thing')).status).toBe(404);
  });

  it('a page with a next one says so in Link; following it gives the next page, and the last page has none', async () => {
    const kase = await createCase(t.client, t.users.investigator.token);
    for (let i = 0; i < 3; i++) expect((await inv().post('/traces', traceBody(kase.id))).status).toBe(201);
    const target = (link: string | null) => /^<([^>]+)>; rel="next"$/.exec(link ?? '')?.[1];
    const first = await inv().get(`/traces?caseId=${kase.id}&limit=1`);
    expect(first.headers.get('link')).toBe(
      `</api/v1/traces?caseId=${kase.id}&limit=1&cursor=${first.body.nextCursor}>; rel="next"`,
    );
    const second = await inv().get(target(first.headers.get('link'))!);
    // The cursor the request gave is replaced, not repeated.
    expect(target(second.headers.get('link'))).toBe(
      `/api/v1/traces?caseId=${kase.id}&limit=1&cursor=${second.body.nextCursor}`,
    );
    const last = await inv().get(target(second.headers.get('link'))!);
    const seen = [first, second, last].flatMap((page) => page.body.items.map((item: { id: string }) => item.id));
    expect(new Set(seen).size).toBe(3);
    expect(last.body.nextCursor).toBeNull();
    expect(last.headers.get('link')).toBeNull();
  });

  it('each problem type URI answers a page in English or Spanish saying what to do; an unknown type is a 404 problem', async () => {
    const missing = await inv().get('/traces/3f6c2a9e-8b1d-4c7e-9a53-2d0f7b6e1c48');
    expect(missing.body).toMatchObject({
      type: '/problems/not-found',
      instance: '/api/v1/traces/3f6c2a9e-8b1d-4c7e-9a53-2d0f7b6e1c48',
    });
    const english = await t.client.get(missing.body.type, { 'accept-language': 'en-GB,en;q=0.9' });
    expect(english.status).toBe(200);
    expect(english.headers.get('content-type')).toContain('text/html');
    expect(english.headers.get('content-language')).toBe('en');
    expect(english.body).toContain('<html lang="en">');
    expect(english.body).toContain('outside your agency or region');
    const spanish = await t.client.get(missing.body.type, { 'accept-language': 'es-SV,es;q=0.9' });
    expect(spanish.headers.get('content-language')).toBe('es');
    expect(spanish.body).toContain('fuera de su agencia o región');
    for (const type of PROBLEM_TYPES) {
      for (const lang of ['en', 'es'] as const) {
        const page = await t.client.get(`/problems/${type}?lang=${lang}`);
        expect(page.status, type).toBe(200);
        expect(page.body, type).toContain(`<h1>${problemTypes[lang].types[type].title}</h1>`);
      }
    }
    const unknown = await t.client.get('/problems/no-such-type');
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toContain('application/problem+json');
  });

  it('401 says how to authenticate; every API answer is no-store', async () => {
    const anonymous = await t.client.get('/traces');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
    expect(anonymous.headers.get('cache-control')).toBe('no-store');
    expect((await inv().get('/traces')).headers.get('cache-control')).toBe('no-store');
  });

  it('the CSV report downloads as a named attachment and varies by Accept', async () => {
    const csv = await adv().get('/reports/traces?from=2026-01-01&to=2026-12-31&groupBy=outcome', {
      accept: 'text/csv',
    });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-disposition')).toMatch(
      /^attachment; filename="rastreo-traces-by-outcome-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    expect(csv.headers.get('vary')).toContain('Accept');
    const json = await adv().get('/reports/traces?from=2026-01-01&to=2026-12-31&groupBy=outcome');
    expect(json.headers.get('content-disposition')).toBeNull();
  });
});
