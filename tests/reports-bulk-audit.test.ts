import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCase, createWorld, startApp, traceBody, unique, type TestApp } from './support/harness.ts';

let t: TestApp;
let world: Awaited<ReturnType<typeof createWorld>>;
const inv = () => t.client.as(world.users.investigator.token);

beforeAll(async () => {
  t = await startApp();
  world = await createWorld(t.db);
});
afterAll(() => t.close());

async function settle(id: string, status: string, result: Record<string, unknown> | null) {
  await t.db('traces').where({ id }).update({ status, result: result ? JSON.stringify(result) : null });
}

describe('GET /reports/traces', () => {
  let caseId: string;
  beforeAll(async () => {
    caseId = (await createCase(t.client, world.users.investigator.token)).id;
    const make = async (overrides: Record<string, unknown>) => (await inv().post('/traces', traceBody(caseId, overrides))).body.id as string;
    const ttc = [100, 200, 300, 400, 2000];
    for (const [i, days] of ttc.entries()) {
      const id = await make({ recovery: { date: `2026-0${i + 1}-15`, department: i < 3 ? 'San Salvador' : 'Santa Ana', circumstance: 'seizure' } });
      await settle(id, 'completed', { outcome: 'purchaser_identified', sourceCountry: 'US', sourceState: 'TX', timeToCrimeDays: days, saleDate: '2020-01-01' });
    }
    const exporter = await make({ recovery: { date: '2026-03-02', department: '=HYPERLINK("http://x")', circumstance: 'found' } });
    await settle(exporter, 'completed', { outcome: 'exporter_identified', sourceCountry: 'US' });
    const foreign = await make({ recovery: { date: '2026-03-03', department: '+SUM(A1)', circumstance: 'found' } });
    await settle(foreign, 'not_traceable', { outcome: 'not_traceable', reason: 'foreign_no_us_record', sourceCountry: 'AT' });
    await make({ recovery: { date: '2026-04-04', department: '@cmd', circumstance: 'found' } }); // queued → pending
    await make({ recovery: { date: '2026-04-05', department: '-2+3', circumstance: 'found' }, draft: true }); // not counted
    const cancelled = await make({ recovery: { date: '2026-04-06', circumstance: 'found' } });
    await inv().post(`/traces/${cancelled}/cancel`, { reason: 'error' }); // not counted
    await make({ recovery: { date: '2025-01-01', circumstance: 'found' } }); // outside the period
  });

  const report = (query: string) => inv().get(`/reports/traces?from=2026-01-01&to=2026-06-30&${query}`);

  it('counts by recovery date, all statuses but draft and cancelled, with time-to-crime quartiles of a known set', async () => {
    const res = await report('groupBy=outcome');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      from: '2026-01-01', to: '2026-06-30', groupBy: 'outcome', total: 8,
      byOutcome: { purchaser_identified: 5, dealer_identified: 0, importer_identified: 0, exporter_identified: 1, not_traceable: 1, pending: 1 },
      timeToCrime: { count: 5, medianDays: 300, p25Days: 200, p75Days: 400, under3YearsShare: 0.8 },
    });
    expect(res.body.groups).toEqual([
      { key: 'purchaser_identified', count: 5, completed: 5, medianTimeToCrimeDays: 300 },
      { key: 'exporter_identified', count: 1, completed: 1, medianTimeToCrimeDays: null },
      { key: 'not_traceable', count: 1, completed: 0, medianTimeToCrimeDays: null },
      { key: 'pending', count: 1, completed: 0, medianTimeToCrimeDays: null },
    ]);
  });

  it('total equals the sum of the groups for every groupBy, and the count from the trace list', async () => {
    const listed = (await inv().get(`/traces?caseId=${caseId}&status=pending_review,queued,in_progress,needs_info,completed,not_traceable,failed&limit=200`)).body.items
      .filter((x: { recovery: { date: string } }) => x.recovery.date >= '2026-01-01' && x.recovery.date <= '2026-06-30');
    for (const groupBy of ['outcome', 'manufacturer', 'type', 'department', 'sourceCountry', 'agency', 'month']) {
      const res = await report(`groupBy=${groupBy}`);
      expect(res.body.total, groupBy).toBe(res.body.groups.reduce((sum: number, g: { count: number }) => sum + g.count, 0));
      expect(res.body.total, groupBy).toBe(listed.length);
    }
    expect((await report('groupBy=month')).body.groups.map((g: { key: string }) => g.key).sort()).toEqual(['2026-01', '2026-02', '2026-03', '2026-04', '2026-05']);
    expect((await report('groupBy=sourceCountry')).body.groups).toContainEqual({ key: 'US', count: 6, completed: 6, medianTimeToCrimeDays: 300 });
  });

  it('is scoped like reads', async () => {
    expect((await t.client.as(world.users.farAdvisor.token).get('/reports/traces?from=2026-01-01&to=2026-06-30')).body.total).toBe(0);
    expect((await t.client.as(world.users.advisor.token).get('/reports/traces?from=2026-01-01&to=2026-06-30')).body.total).toBe(8);
    expect((await t.client.as(world.users.advisor.token).get(`/reports/traces?from=2026-01-01&to=2026-06-30&agencyId=${world.faraway.id}`)).body.total).toBe(0);
    expect((await inv().get('/reports/traces?from=2026-07-01&to=2026-01-01')).status).toBe(400);
    expect((await inv().get('/reports/traces?groupBy=color')).body.errors[0].path).toBe('/query/groupBy');
  });

  it('gives the groups as CSV with formula-like cells neutralised', async () => {
    const res = await inv().get('/reports/traces?from=2026-01-01&to=2026-06-30&groupBy=department', { accept: 'text/csv' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    const lines = (res.body as string).trim().split('\n');
    expect(lines[0]).toBe('department,count,completed,medianTimeToCrimeDays');
    expect(lines).toContain('San Salvador,3,3,200');
    expect(lines).toContain('Santa Ana,2,2,1200');
    expect(lines).toContain(`"'=HYPERLINK(""http://x"")",1,1,`);
    expect(lines).toContain("'+SUM(A1),1,0,");
    expect(lines).toContain("'@cmd,1,0,");
    expect(lines.some((l) => l.startsWith('=') || l.startsWith('+') || l.startsWith('@') || l.startsWith('-') || l.startsWith('"='))).toBe(false);
  });
});

describe('POST /traces/bulk', () => {
  function rows(caseId: string, otherCaseId: string) {
    const body = Array.from({ length: 500 }, (_, i) => traceBody(caseId, {
      weapon: { manufacturer: 'Glock', model: '17', caliber: '9mm', type: 'pistol', serialNumber: unique(`BULK${i}-`), countryOfManufacture: 'AT', importer: 'Glock Inc.' },
    })) as Record<string, any>[];
    delete body[3]!.weapon;
    body[77]!.recovery = { date: '2999-01-01', circumstance: 'found' };
    body[150]!.colour = 'black';
    body[260]!.caseId = otherCaseId;
    body[333] = structuredClone(body[332]!);
    body[499]!.urgent = true;
    return body;
  }

  const expectExactOutcome = (res: { status: number; body: any }) => {
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ created: 494, failed: 6 });
    const failures = Object.fromEntries(res.body.results.filter((r: any) => r.errors).map((r: any) => [r.index, r.errors]));
    expect(failures).toEqual({
      3: [{ path: '/weapon', message: 'is required' }],
      77: [{ path: '/recovery/date', message: 'must not be in the future' }],
      150: [{ path: '/colour', message: 'is not a known field' }],
      260: [{ path: '/caseId', message: 'is not a case of your agency' }],
      333: [{ path: '', message: 'duplicates a trace of the same weapon, case and recovery date' }],
      499: [{ path: '/urgentReason', message: 'is required when urgent is true' }],
    });
    const dup = res.body.results[333];
    expect(dup.duplicateOf).toBe(res.body.results[332].traceId);
    expect(res.body.results.map((r: any) => r.index)).toEqual([...Array(500).keys()]);
    for (const r of res.body.results.filter((x: any) => !x.errors)) expect(r.reference).toMatch(/^TR-\d{4}-\d{6,}$/);
  };

  it('imports 500 JSON rows, each standing or failing alone', async () => {
    const kase = await createCase(t.client, world.users.investigator.token);
    const other = await createCase(t.client, world.users.neighbourInvestigator.token);
    const key = unique('bulk-');
    const body = rows(kase.id, other.id);
    const res = await inv().post('/traces/bulk', body, { 'idempotency-key': key });
    expectExactOutcome(res);
    const stored = await t.db('traces').where({ case_id: kase.id });
    expect(stored).toHaveLength(494);
    expect(new Set(stored.map((r) => r.status))).toEqual(new Set(['queued']));
    expect(await t.db('trace_events').whereIn('trace_id', stored.map((r) => r.id))).toHaveLength(494);
    expect(await t.db('trace_outbox').whereIn('trace_id', stored.map((r) => r.id))).toHaveLength(494);
    const replay = await inv().post('/traces/bulk', body, { 'idempotency-key': key });
    expect(replay.body).toEqual(res.body);
    expect(await t.db('traces').where({ case_id: kase.id })).toHaveLength(494);
  });

  it('imports 500 CSV rows with the same per-row outcome', async () => {
    const kase = await createCase(t.client, world.users.investigator.token);
    const other = await createCase(t.client, world.users.neighbourInvestigator.token);
    const header = 'caseId,weapon.manufacturer,weapon.model,weapon.caliber,weapon.type,weapon.serialNumber,weapon.importer,weapon.countryOfManufacture,recovery.date,recovery.circumstance,colour,urgent,urgentReason';
    const lines = rows(kase.id, other.id).map((r) => [
      r.caseId, r.weapon?.manufacturer ?? '', r.weapon?.model ?? '', r.weapon?.caliber ?? '', r.weapon?.type ?? '', r.weapon?.serialNumber ?? '',
      r.weapon?.importer ?? '', r.weapon?.countryOfManufacture ?? '', r.recovery.date, r.recovery.circumstance, r.colour ?? '', r.urgent ? 'true' : '', '',
    ].join(','));
    const unknownColumn = await inv().request('POST', '/traces/bulk', `${header}\n${lines.join('\n')}\n`, { 'content-type': 'text/csv' });
    expect(unknownColumn.status).toBe(400);
    expect(unknownColumn.body.errors).toEqual([{ path: '/header/colour', message: 'is not a known column' }]);

    const csv = (h: string, ls: string[]) => `${h}\n${ls.join('\n')}\n`;
    const noColour = header.replace(',colour', '');
    const cleaned = lines.map((l) => { const cells = l.split(','); cells.splice(10, 1); return cells.join(','); });
    // Row 150's unknown field cannot exist in CSV; give it an unknown enum instead.
    cleaned[150] = cleaned[150]!.replace(',pistol,', ',bazooka,');
    const res = await inv().request('POST', '/traces/bulk', csv(noColour, cleaned), { 'content-type': 'text/csv' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ created: 494, failed: 6 });
    expect(res.body.results[3].errors).toEqual([{ path: '/weapon', message: 'is required' }]);
    expect(res.body.results[150].errors).toEqual([{ path: '/weapon/type', message: expect.stringContaining('must be one of') }]);
    expect(res.body.results[333].duplicateOf).toBe(res.body.results[332].traceId);
    expect(res.body.results[499].errors).toEqual([{ path: '/urgentReason', message: 'is required when urgent is true' }]);
  });

  it('reads the documented example file', async () => {
    const kase = await createCase(t.client, world.users.investigator.token);
    const example = readFileSync(new URL('./fixtures/bulk-example.csv', import.meta.url), 'utf8').replaceAll('3f0c1a52-6b1e-4c7a-9d0e-2a6f1b8c9d10', kase.id);
    const res = await inv().request('POST', '/traces/bulk', example, { 'content-type': 'text/csv' });
    expect(res.body).toMatchObject({ created: 3, failed: 0 });
    const traces = (await inv().get(`/traces?caseId=${kase.id}`)).body.items;
    expect(traces.map((x: any) => x.qualityFlags).sort()).toEqual([['obliterated_serial'], ['urgent'], []].sort());
  });

  it('refuses more than 500 rows and an empty body', async () => {
    const kase = await createCase(t.client, world.users.investigator.token);
    const tooMany = await inv().post('/traces/bulk', Array.from({ length: 501 }, () => traceBody(kase.id)));
    expect(tooMany.status).toBe(400);
    expect((await inv().post('/traces/bulk', [])).status).toBe(400);
    expect((await t.client.as(world.users.advisor.token).post('/traces/bulk', [traceBody(kase.id)])).status).toBe(403);
  });
});

describe('audit trail', () => {
  it('records a read of purchaser data, a failed authentication and a refused cross-agency read, readable by admins', async () => {
    const kase = await createCase(t.client, world.users.investigator.token);
    const trace = (await inv().post('/traces', traceBody(kase.id, { possessor: undefined }))).body;
    await settle(trace.id, 'completed', {
      outcome: 'purchaser_identified', sourceCountry: 'US', saleDate: '2025-01-01', timeToCrimeDays: 273,
      purchaser: { firstName: 'Mary', lastName: 'Jones', dateOfBirth: '1970-01-01', city: 'Phoenix', state: 'AZ' },
    });
    const requestId = `audit-${unique()}`;
    await t.client.as(world.users.advisor.token).get(`/traces/${trace.id}`, { 'x-request-id': requestId });
    expect(await t.client.get('/me', { authorization: 'Bearer rst_nottherealtokennottherealtoken', 'x-request-id': `${requestId}-login` })).toMatchObject({ status: 401 });
    expect((await t.client.as(world.users.farInvestigator.token).get(`/traces/${trace.id}`, { 'x-request-id': `${requestId}-cross` })).status).toBe(404);

    const admin = t.client.as(world.users.admin.token);
    const read = await admin.get(`/audit?entity=trace&entityId=${trace.id}&action=trace.personal_data_read`);
    expect(read.body.items[0]).toMatchObject({
      component: 'api', action: 'trace.personal_data_read', outcome: 'success', actorId: world.users.advisor.id, role: 'advisor',
      agencyId: world.home.id, entity: 'trace', entityId: trace.id, requestId, ip: expect.stringContaining('127.0.0.1'),
    });
    const failed = await admin.get('/audit?action=auth.failed&outcome=failure&limit=200');
    expect(failed.body.items.find((e: any) => e.requestId === `${requestId}-login`)).toMatchObject({ actorId: null, component: 'api', ip: expect.any(String) });
    const refused = await admin.get(`/audit?actorId=${world.users.farInvestigator.id}&action=access.refused`);
    expect(refused.body.items[0]).toMatchObject({
      outcome: 'denied', role: 'investigator', agencyId: world.faraway.id, requestId: `${requestId}-cross`,
      details: { status: 404, method: 'GET', path: `/api/v1/traces/${trace.id}` },
    });

    const reads = await t.db('audit_log').where({ action: 'audit.read', actor_id: world.users.admin.id });
    expect(reads.length).toBeGreaterThanOrEqual(3);
    expect((await inv().get('/audit')).status).toBe(403);
  });

  it('pages the audit log newest first with a cursor and time filters', async () => {
    const admin = t.client.as(world.users.admin.token);
    const from = new Date(Date.now() - 60_000).toISOString();
    const first = await admin.get(`/audit?limit=3&from=${from}`);
    expect(first.body.items).toHaveLength(3);
    const second = await admin.get(`/audit?limit=3&from=${from}&cursor=${first.body.nextCursor}`);
    expect(second.body.items[0].id).toBeLessThan(first.body.items[2].id);
    expect((await admin.get(`/audit?to=${from}&from=${from}`)).body.items).toEqual([]);
  });
});
