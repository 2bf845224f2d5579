import { describe, expect, it } from 'vitest';
import { createCase, intakeItem, stockWeapon, traceBody, unique, useWorld } from './support/harness.ts';

const t = useWorld();
const inv = () => t.as('investigator');
const far = () => t.as('farInvestigator');

const glock = (serialNumber: string, manufacturer = 'Glock') => ({
  manufacturer,
  model: '17',
  caliber: '9mm',
  type: 'pistol',
  serialNumber,
  countryOfManufacture: 'AT',
  importer: 'Glock Inc.',
});
const report = (weapon: unknown, extra: Record<string, unknown> = {}) => ({
  weapon,
  kind: 'stolen',
  lostOn: '2026-09-14',
  sourceType: 'agency_stockpile',
  circumstances: 'Missing from the armoury at the quarterly inventory.',
  location: { country: 'GT', department: 'Zacapa' },
  ...extra,
});
const alertsOf = async (who: Parameters<typeof t.as>[0], subjectId: string) =>
  (await t.as(who).get('/alerts?limit=200')).body.items.filter(
    (a: { subject: { id: string } }) => a.subject.id === subjectId,
  );

describe('lost and stolen registry', () => {
  it('files a report (LS reference, Location), lists and finds it by serial, and refuses a second active one for the same gun', async () => {
    const serial = unique('AB-');
    const res = await far().post('/stolen-reports', report(glock(serial)));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({
      reference: expect.stringMatching(/^LS-\d{4}-\d{6}$/),
      status: 'active',
      kind: 'stolen',
      agencyId: t.faraway.id,
      closedAt: null,
    });
    expect(res.headers.get('location')).toBe(`/api/v1/stolen-reports/${res.body.id}`);
    expect(
      (await far().get(`/stolen-reports?q=${serial.toLowerCase()}`)).body.items.map((r: { id: string }) => r.id),
    ).toEqual([res.body.id]);
    expect((await far().get(`/stolen-reports?q=${res.body.reference}`)).body.items).toHaveLength(1);
    // Another agency's report is not in the investigator's list, nor readable.
    expect((await inv().get(`/stolen-reports/${res.body.id}`)).status).toBe(404);

    // The same gun, written differently, by another agency: one active report per weapon.
    const again = await inv().post('/stolen-reports', report(glock(serial.toLowerCase().replace('-', ''), 'GLOCK')));
    expect(again.status).toBe(409);
    expect(again.body.duplicateOf).toBe(res.body.id);
  });

  it('refuses bad input field by field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [report(glock(unique('F')), { lostOn: '2999-01-01' }), '/lostOn'],
      [report(glock(unique('F')), { weaponId: '00000000-0000-4000-8000-000000000001' }), '/weaponId'],
      [{ ...report(undefined), weapon: undefined }, '/weaponId'],
      [report(glock(unique('F')), { kind: 'misplaced' }), '/kind'],
      [report(glock(unique('F')), { circumstances: '' }), '/circumstances'],
      [report(glock(unique('F')), { lostOn: '1899-12-31' }), '/lostOn'],
    ];
    for (const [body, path] of cases) {
      const res = await inv().post('/stolen-reports', body);
      expect(res.status, path).toBe(400);
      expect(
        res.body.errors.map((e: { path: string }) => e.path),
        path,
      ).toContain(path);
    }
    expect((await t.as('advisor').post('/stolen-reports', report(glock(unique('F'))))).status).toBe(403);
  });

  it('only the reporting agency marks a report recovered or withdrawn, once', async () => {
    const filed = (await far().post('/stolen-reports', report(glock(unique('W'))))).body;
    expect((await inv().post(`/stolen-reports/${filed.id}/withdraw`, { reason: 'Not ours' })).status).toBe(404);
    expect((await t.as('farAdvisor').post(`/stolen-reports/${filed.id}/withdraw`, { reason: 'x' })).status).toBe(403);
    expect((await far().post(`/stolen-reports/${filed.id}/withdraw`, {})).status).toBe(400);
    const withdrawn = await far().post(`/stolen-reports/${filed.id}/withdraw`, { reason: 'Filed twice by mistake' });
    expect(withdrawn.body).toMatchObject({
      status: 'withdrawn',
      closingNote: 'Filed twice by mistake',
      closedAt: expect.any(String),
    });
    const again = await far().post(`/stolen-reports/${filed.id}/recovered`, {});
    expect(again.status).toBe(409);
    expect(again.body.currentStatus).toBe('withdrawn');
    expect(await t.db('audit_log').where({ entity: 'stolen_report', entity_id: filed.id }).pluck('action')).toEqual(
      expect.arrayContaining(['stolen_report.create', 'stolen_report.withdraw']),
    );
  });

  it('the registry check answers anyone, across agencies, in the short form only, and is audited', async () => {
    const serial = unique('CHK-');
    const filed = (await far().post('/stolen-reports', report(glock(serial)))).body;
    const res = await t
      .as('stockpile')
      .get(`/registry/check?manufacturer=GLOCK&serial=${serial.toLowerCase().replace('-', ' ')}`);
    expect(res.status).toBe(200);
    expect(res.body.matches).toEqual([
      {
        reference: filed.reference,
        kind: 'stolen',
        lostOn: '2026-09-14',
        status: 'active',
        agency: { code: expect.any(String), country: expect.any(String) },
      },
    ]);
    expect((await inv().get(`/registry/check?manufacturer=Glock&serial=${unique('NONE')}`)).body.matches).toEqual([]);
    const audited = await t.db('audit_log').where({ action: 'registry.check', actor_id: t.users.stockpile.id });
    expect(audited.length).toBeGreaterThan(0);
  });
});

describe('matching at every entry point', () => {
  it('a trace of a gun reported stolen in another region shows the match and raises one stolen_match alert for both sides', async () => {
    const serial = unique('AB-');
    const filed = (await far().post('/stolen-reports', report(glock(serial)))).body;
    const kase = await createCase(t.client, t.users.investigator.token);
    const trace = await inv().post(
      '/traces',
      traceBody(kase.id, { weapon: glock(serial.toLowerCase().replace('-', ''), 'GLOCK') }),
    );
    expect(trace.status).toBe(201);
    expect(trace.body.registryMatches).toEqual([
      {
        reference: filed.reference,
        kind: 'stolen',
        lostOn: '2026-09-14',
        status: 'active',
        agency: expect.objectContaining({ code: expect.any(String) }),
      },
    ]);
    expect((await inv().get(`/traces/${trace.body.id}`)).body.registryMatches).toHaveLength(1);
    expect((await inv().get(`/traces?caseId=${kase.id}`)).body.items[0].registryMatches).toHaveLength(1);
    expect((await inv().get(`/weapons/${trace.body.weaponId}`)).body.registryMatches).toHaveLength(1);
    // The advisors' queue shows it too (its page query carries the matches: no second statement).
    let queued: { registryMatches: unknown[] } | undefined;
    for (let cursor = '', pages = 0; !queued && pages < 50; pages++) {
      const page = (await t.as('advisor').get(`/queue?status=queued&limit=200${cursor && `&cursor=${cursor}`}`)).body;
      queued = page.items.find((item: { id: string }) => item.id === trace.body.id);
      if (!page.nextCursor) break;
      cursor = encodeURIComponent(page.nextCursor);
    }
    expect(queued?.registryMatches).toEqual(trace.body.registryMatches);

    for (const who of ['investigator', 'advisor', 'farInvestigator', 'farAdvisor', 'admin'] as const) {
      const seen = await alertsOf(who, trace.body.id);
      expect(seen, who).toHaveLength(1);
      expect(seen[0]).toMatchObject({
        kind: 'stolen_match',
        severity: 'warning',
        status: 'open',
        subject: { type: 'trace', id: trace.body.id, reference: trace.body.reference },
        related: [{ type: 'stolen_report', reference: filed.reference, agency: expect.any(Object) }],
      });
      // References and agency codes only: never the possessor.
      expect(JSON.stringify(seen[0])).not.toContain('Pérez');
    }
    expect(await alertsOf('neighbourInvestigator', trace.body.id)).toEqual([]);
  });

  it('a report withdrawn before the trace raises nothing; a draft then submitted (and resubmitted) raises one alert', async () => {
    const withdrawnSerial = unique('WD');
    const filed = (await far().post('/stolen-reports', report(glock(withdrawnSerial)))).body;
    await far().post(`/stolen-reports/${filed.id}/withdraw`, { reason: 'Found in another armoury' });
    const kase = await createCase(t.client, t.users.investigator.token);
    const clean = await inv().post('/traces', traceBody(kase.id, { weapon: glock(withdrawnSerial) }));
    expect(clean.body.registryMatches).toEqual([]);
    expect(await t.db('alerts').where({ subject_id: clean.body.id })).toEqual([]);

    const serial = unique('RS');
    await far().post('/stolen-reports', report(glock(serial)));
    const draft = await inv().post('/traces', traceBody(kase.id, { weapon: glock(serial), draft: true }));
    expect((await inv().post(`/traces/${draft.body.id}/submit`)).status).toBe(200);
    await t.db('traces').where({ id: draft.body.id }).update({ status: 'needs_info' });
    expect((await inv().post(`/traces/${draft.body.id}/submit`)).status).toBe(200);
    expect(await t.db('alerts').where({ subject_id: draft.body.id })).toHaveLength(1);
  });

  it('a report filed for a gun that already has a trace and a custody record raises an alert for each', async () => {
    const item = await intakeItem(t.client, t.users.stockpile.token);
    const kase = await createCase(t.client, t.users.investigator.token);
    const trace = (await inv().post('/traces', traceBody(kase.id, { weapon: stockWeapon(item.weapon.serialNumber) })))
      .body;
    expect(trace.weaponId).toBe(item.weaponId);
    const filed = await far().post('/stolen-reports', report(stockWeapon(item.weapon.serialNumber)));
    expect(filed.status).toBe(201);
    const alerts = await t.db('alerts').where({ related_id: filed.body.id }).orderBy('subject_type');
    expect(alerts.map((a) => [a.subject_type, a.subject_id])).toEqual([
      ['stockpile_item', item.id],
      ['trace', trace.id],
    ]);
    expect((await t.as('stockpile').get(`/stockpile/items/${item.id}`)).body.registryMatches).toHaveLength(1);
  });

  it('a stockpile intake of a reported gun raises a stolen_match on the item', async () => {
    const serial = unique('SP');
    const filed = (await far().post('/stolen-reports', report(stockWeapon(serial)))).body;
    const item = await intakeItem(t.client, t.users.stockpile.token, {
      weapon: {
        manufacturer: 'TAURUS',
        model: 'PT92',
        caliber: '9mm',
        type: 'pistol',
        serialNumber: serial.toLowerCase(),
        countryOfManufacture: 'BR',
      },
    });
    const seen = await alertsOf('stockpile', item.id);
    expect(seen).toMatchObject([
      {
        kind: 'stolen_match',
        subject: { type: 'stockpile_item', reference: item.reference },
        related: [{ reference: filed.reference }],
      },
    ]);
  });

  it('a bulk of 500 rows with 50 reported guns raises 50 alerts', async () => {
    const kase = await createCase(t.client, t.users.investigator.token);
    const serials = Array.from({ length: 500 }, (_, i) => unique(`BK${i}-`));
    for (let i = 0; i < 500; i += 10) {
      expect((await far().post('/stolen-reports', report(glock(serials[i]!)))).status).toBe(201);
    }
    const res = await inv().post(
      '/traces/bulk',
      serials.map((serial) => traceBody(kase.id, { weapon: glock(serial) })),
    );
    expect(res.status).toBe(200);
    const ids = (await t.db('traces').where({ case_id: kase.id }).pluck('id')) as string[];
    expect(ids).toHaveLength(500);
    expect(await t.db('alerts').whereIn('subject_id', ids).where({ kind: 'stolen_match' })).toHaveLength(50);
  });
});
