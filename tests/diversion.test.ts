import { describe, expect, it } from 'vitest';
import { createCase, intakeItem, stockWeapon, traceBody, unique, useWorld, WITNESSES } from './support/harness.ts';

/** Diversion safety (contract, Additions of 2026-12-05): the open alerts about a gun on every record that touches it. */
const t = useWorld();
const inv = () => t.as('investigator');
const mgr = () => t.as('stockpile');
const ALL_STATUSES = 'pending_review,queued,in_progress,needs_info,failed,completed,not_traceable';

/** A gun in custody since 2026-10-15, then recovered at a crime scene on 2026-11-01: a critical custody alert. */
async function custodyGunRecovered(serial = unique('SP')) {
  const item = await intakeItem(t.client, t.users.stockpile.token, { weapon: stockWeapon(serial) });
  const kase = await createCase(t.client, t.users.investigator.token);
  const trace = await inv().post(
    '/traces',
    traceBody(kase.id, {
      weapon: stockWeapon(item.weapon.serialNumber),
      recovery: { date: '2026-11-01', country: 'SV', circumstance: 'seizure' },
    }),
  );
  expect(trace.status).toBe(201);
  // The creation's own answer already shows the alert it raised.
  expect(trace.body.openAlerts).toMatchObject([{ kind: 'custody_weapon_recovered', severity: 'critical' }]);
  const alerts = (await inv().get(`/alerts?weaponId=${item.weaponId}`)).body.items;
  expect(alerts).toMatchObject([{ kind: 'custody_weapon_recovered', severity: 'critical', weaponId: item.weaponId }]);
  return { item, trace: trace.body, alert: alerts[0] as { id: string } };
}

const stolenReport = (weapon: unknown) => ({
  weapon,
  kind: 'stolen',
  lostOn: '2026-09-14',
  sourceType: 'agency_stockpile',
  circumstances: 'Missing from the armoury at the quarterly inventory.',
  location: { country: 'SV', department: 'San Salvador' },
});

/** Every place the gun shows, as `who` reads it: the trace, its list and queue rows, the item, its list row, the weapon. */
async function openAlertsEverywhere(traceId: string, itemId: string, weaponId: string) {
  const seen: Record<string, unknown> = {};
  seen.trace = (await inv().get(`/traces/${traceId}`)).body.openAlerts;
  seen.traceRow = (await inv().get(`/traces?weaponId=${weaponId}`)).body.items.find(
    (x: { id: string }) => x.id === traceId,
  )?.openAlerts;
  seen.queueRow = (await t.as('advisor').get(`/queue?status=${ALL_STATUSES}&limit=200`)).body.items.find(
    (x: { id: string }) => x.id === traceId,
  )?.openAlerts;
  seen.item = (await mgr().get(`/stockpile/items/${itemId}`)).body.openAlerts;
  seen.itemRow = (await mgr().get('/stockpile/items?limit=200')).body.items.find(
    (x: { id: string }) => x.id === itemId,
  )?.openAlerts;
  seen.weapon = (await inv().get(`/weapons/${weaponId}`)).body.openAlerts;
  seen.weaponForCustodian = (await mgr().get(`/weapons/${weaponId}`)).body.openAlerts;
  return seen;
}

describe('openAlerts', () => {
  it('a trace, its list and queue rows, the stockpile item and its row, and the weapon show the alert until it is closed', async () => {
    const { item, trace, alert } = await custodyGunRecovered();
    const open = [{ id: alert.id, kind: 'custody_weapon_recovered', severity: 'critical' }];
    const everywhere = (value: unknown) =>
      Object.fromEntries(
        ['trace', 'traceRow', 'queueRow', 'item', 'itemRow', 'weapon', 'weaponForCustodian'].map((k) => [k, value]),
      );
    expect(await openAlertsEverywhere(trace.id, item.id, item.weaponId)).toEqual(everywhere(open));

    // Acknowledged is being looked at, not resolved: still shown.
    expect((await mgr().post(`/alerts/${alert.id}/acknowledge`, { note: 'Revisando el inventario' })).status).toBe(200);
    expect(await openAlertsEverywhere(trace.id, item.id, item.weaponId)).toEqual(everywhere(open));

    expect((await inv().post(`/alerts/${alert.id}/close`, { note: 'Arma verificada en bodega' })).status).toBe(200);
    expect(await openAlertsEverywhere(trace.id, item.id, item.weaponId)).toEqual(everywhere([]));
  });

  it('only alerts the caller may see: another region sees none about our gun; a gun without alerts shows []', async () => {
    const { item } = await custodyGunRecovered();
    const kase = await createCase(t.client, t.users.farInvestigator.token);
    // The far agency recovers the same gun before its intake (no custody alert for them): the earlier alert is ours only.
    const far = await t.as('farInvestigator').post(
      '/traces',
      traceBody(kase.id, {
        weapon: stockWeapon(item.weapon.serialNumber),
        recovery: { date: '2026-10-01', country: 'SV', circumstance: 'seizure' },
      }),
    );
    expect(far.status).toBe(201);
    expect(far.body.openAlerts).toEqual([]);
    expect((await t.as('farInvestigator').get(`/traces/${far.body.id}`)).body.openAlerts).toEqual([]);
    const plain = await intakeItem(t.client, t.users.stockpile.token);
    expect((await mgr().get(`/stockpile/items/${plain.id}`)).body.openAlerts).toEqual([]);
  });

  it('critical first, then newest', async () => {
    const { item, alert } = await custodyGunRecovered();
    // A stolen report filed after raises a newer warning about the same gun (its trace and its item).
    const report = await t
      .as('farInvestigator')
      .post('/stolen-reports', stolenReport(stockWeapon(item.weapon.serialNumber)));
    expect(report.status).toBe(201);
    const shown = (await mgr().get(`/stockpile/items/${item.id}`)).body.openAlerts as { id: string; kind: string }[];
    // The report matches the gun's trace and its item: two warnings about the gun, after the critical alert.
    expect(shown.map((a) => a.kind)).toEqual(['custody_weapon_recovered', 'stolen_match', 'stolen_match']);
    expect(shown[0]!.id).toBe(alert.id);
  });
});

describe('GET /alerts', () => {
  it('filters by weaponId and subjectId, and sorts open critical alerts first, then newest, across pages', async () => {
    const { item, trace, alert } = await custodyGunRecovered();
    const report = await t
      .as('farInvestigator')
      .post('/stolen-reports', stolenReport(stockWeapon(item.weapon.serialNumber)));
    expect(report.status).toBe(201);
    const list = async (query: string) => (await mgr().get(`/alerts?${query}`)).body.items as Record<string, any>[];

    const byWeapon = await list(`weaponId=${item.weaponId}`);
    expect(byWeapon.map((a) => [a.kind, a.subject.type])).toEqual([
      ['custody_weapon_recovered', 'trace'],
      // newest first among the rest (the two registry matches of one report, raised in one statement)
      ...byWeapon.slice(1).map((a) => ['stolen_match', a.subject.type]),
    ]);
    expect(byWeapon).toHaveLength(3);
    expect(byWeapon.every((a) => a.weaponId === item.weaponId)).toBe(true);
    expect((await list(`subjectId=${trace.id}`)).map((a) => a.kind).sort()).toEqual([
      'custody_weapon_recovered',
      'stolen_match',
    ]);
    expect(await list(`subjectId=${item.id}`)).toMatchObject([{ kind: 'stolen_match', subject: { id: item.id } }]);

    // One at a time, the cursor walks the same order.
    const walked: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { items: { id: string }[]; nextCursor: string | null } } = await mgr().get(
        `/alerts?weaponId=${item.weaponId}&limit=1${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.status).toBe(200);
      walked.push(...page.body.items.map((a) => a.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(walked).toEqual(byWeapon.map((a) => a.id));

    // Closed, the critical alert is no longer first.
    expect((await mgr().post(`/alerts/${alert.id}/close`, { note: 'Arma verificada en bodega' })).status).toBe(200);
    const after = await list(`weaponId=${item.weaponId}`);
    expect(after.at(-1)!.id).toBe(alert.id);
  });

  it('refuses a weaponId or subjectId that is not a UUID, and a cursor it did not make', async () => {
    for (const query of [
      'weaponId=abc',
      'subjectId=1',
      `weaponId=${'f'.repeat(36)}`,
      'cursor=WzAsIngiXQ',
      'cursor=x',
    ]) {
      const res = await mgr().get(`/alerts?${query}`);
      expect(res.status, query).toBe(400);
    }
  });
});

describe('destructions refuse a gun that may have been diverted', () => {
  const plan = (itemIds: string[]) =>
    mgr().post('/destructions', { plannedFor: '2026-12-20', method: 'cutting', location: 'Bodega central', itemIds });

  it('a gun reported stolen or lost: 409 naming the report; the item says why before anyone tries', async () => {
    const item = await intakeItem(t.client, t.users.stockpile.token);
    const report = await t
      .as('farInvestigator')
      .post('/stolen-reports', stolenReport(stockWeapon(item.weapon.serialNumber)));
    expect(report.status).toBe(201);
    expect((await mgr().get(`/stockpile/items/${item.id}`)).body.destructionBlockers).toEqual(['stolen_report']);
    const other = await intakeItem(t.client, t.users.stockpile.token);
    const refused = await plan([other.id, item.id]);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({
      type: expect.stringContaining('destruction-blocked'),
      items: [{ itemId: item.id, reasons: ['stolen_report'], stolenReports: [{ reference: report.body.reference }] }],
    });
    expect(refused.body.detail).toContain(report.body.reference);
    // Nothing was planned: the other item is still in custody.
    expect((await mgr().get(`/stockpile/items/${other.id}`)).body.status).toBe('in_custody');
  });

  it('a gun with an open critical alert: 409 naming the alert, until the alert is closed', async () => {
    // The trace that recovered it is withdrawn: then only the alert stands in the way.
    const { item, trace, alert } = await custodyGunRecovered();
    expect((await inv().post(`/traces/${trace.id}/cancel`, { reason: 'Registrado dos veces' })).status).toBe(200);
    expect((await mgr().get(`/stockpile/items/${item.id}`)).body.destructionBlockers).toEqual(['critical_alert']);
    const refused = await plan([item.id]);
    expect(refused.status).toBe(409);
    expect(refused.body.items).toMatchObject([
      { itemId: item.id, reasons: ['critical_alert'], alerts: [{ id: alert.id, kind: 'custody_weapon_recovered' }] },
    ]);
    expect(refused.body.detail).toContain(alert.id);
    expect(
      (await mgr().post(`/alerts/${alert.id}/close`, { note: 'Recuperada en escena; custodia confirmada' })).status,
    ).toBe(200);
    expect((await plan([item.id])).status).toBe(201);
  });

  it('verifying while a critical alert about one of its guns is open: 409, then verified once it is closed', async () => {
    const item = await intakeItem(t.client, t.users.stockpile.token);
    const planned = await plan([item.id]);
    expect(planned.status).toBe(201);
    const completed = await mgr().post(`/destructions/${planned.body.id}/complete`, {
      performedAt: '2026-11-02T10:00:00Z',
      witnesses: WITNESSES,
    });
    expect(completed.status).toBe(200);
    // The "destroyed" gun turns up at a crime scene in another region before anyone verified the destruction.
    const kase = await createCase(t.client, t.users.farInvestigator.token);
    const recovered = await t
      .as('farInvestigator')
      .post('/traces', traceBody(kase.id, { weapon: stockWeapon(item.weapon.serialNumber) }));
    expect(recovered.status).toBe(201);
    const [alert] = (await t.as('advisor').get(`/alerts?weaponId=${item.weaponId}`)).body.items;
    expect(alert).toMatchObject({ kind: 'destroyed_weapon_recovered', severity: 'critical' });

    const refused = await t.as('advisor').post(`/destructions/${planned.body.id}/verify`, {});
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({
      type: expect.stringContaining('critical-alert-open'),
      alerts: [{ id: alert.id, kind: 'destroyed_weapon_recovered', severity: 'critical' }],
    });
    expect((await t.as('advisor').get(`/destructions/${planned.body.id}`)).body.status).toBe('completed');
    // Acknowledging is not resolving.
    expect((await t.as('advisor').post(`/alerts/${alert.id}/acknowledge`, {})).status).toBe(200);
    expect((await t.as('advisor').post(`/destructions/${planned.body.id}/verify`, {})).status).toBe(409);
    expect(
      (await t.as('advisor').post(`/alerts/${alert.id}/close`, { note: unique('Peritaje: otra arma, ') })).status,
    ).toBe(200);
    expect((await t.as('advisor').post(`/destructions/${planned.body.id}/verify`, {})).status).toBe(200);
  });
});
