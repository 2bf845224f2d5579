import { describe, expect, it } from 'vitest';
import {
  createCase,
  intakeItem,
  stockWeapon,
  traceBody,
  useWorld,
  type WorldUser,
  WITNESSES,
} from './support/harness.ts';

const t = useWorld();
const inv = () => t.as('investigator');
const mgr = () => t.as('stockpile');

async function destroyedItem() {
  const item = await intakeItem(t.client, t.users.stockpile.token);
  const plan = await mgr().post('/destructions', {
    plannedFor: '2026-11-01',
    method: 'cutting',
    location: 'Bodega central',
    itemIds: [item.id],
  });
  expect(
    (
      await mgr().post(`/destructions/${plan.body.id}/complete`, {
        performedAt: '2026-11-02T10:00:00Z',
        witnesses: WITNESSES,
      })
    ).status,
  ).toBe(200);
  return item;
}

const alertsAbout = async (who: WorldUser, subjectId: string) =>
  (await t.as(who).get('/alerts?limit=200')).body.items.filter(
    (a: { subject: { id: string } }) => a.subject.id === subjectId,
  );

describe('diversion alerts', () => {
  it('a gun recorded as destroyed, recovered in another region, raises a critical alert for both agencies and their advisors', async () => {
    const item = await destroyedItem();
    const kase = await createCase(t.client, t.users.farInvestigator.token);
    const trace = await t
      .as('farInvestigator')
      .post('/traces', traceBody(kase.id, { weapon: stockWeapon(item.weapon.serialNumber) }));
    expect(trace.status).toBe(201);
    for (const who of ['farInvestigator', 'farAdvisor', 'stockpile', 'investigator', 'advisor', 'admin'] as const) {
      const [alert] = await alertsAbout(who, trace.body.id);
      expect(alert, who).toMatchObject({
        kind: 'destroyed_weapon_recovered',
        severity: 'critical',
        status: 'open',
        subject: { type: 'trace', reference: trace.body.reference },
        related: [{ type: 'stockpile_item', reference: item.reference, agency: { country: expect.any(String) } }],
      });
      const agency = alert.related[0].agency.code;
      // Worded in TypeScript from the code and its values (the catalogue), not by the SQL that raised it.
      expect(alert.message).toBe(
        `The gun of trace ${trace.body.reference} was recorded as destroyed by ${agency} (${item.reference}).`,
      );
      expect(alert).toMatchObject({
        messageCode: 'destroyed_weapon_recovered',
        messageParams: { subjectType: 'trace', subject: trace.body.reference, agency, record: item.reference },
      });
      expect(JSON.stringify(alert)).not.toContain('Pérez');
    }
    expect(await alertsAbout('neighbourInvestigator', trace.body.id)).toEqual([]);
    // Taken into custody again: the intake is the subject this time.
    const again = await intakeItem(t.client, t.users.stockpile.token, {
      weapon: stockWeapon(item.weapon.serialNumber),
    });
    expect(await alertsAbout('stockpile', again.id)).toMatchObject([
      { kind: 'destroyed_weapon_recovered', subject: { type: 'stockpile_item' } },
    ]);
  });

  it('a gun in custody recovered after its intake raises custody_weapon_recovered; one recovered before the intake does not', async () => {
    const item = await intakeItem(t.client, t.users.stockpile.token, { intakeDate: '2026-10-15' });
    const kase = await createCase(t.client, t.users.investigator.token);
    const before = await inv().post(
      '/traces',
      traceBody(kase.id, {
        weapon: stockWeapon(item.weapon.serialNumber),
        recovery: { date: '2026-10-01', country: 'SV', circumstance: 'seizure' },
      }),
    );
    expect(await alertsAbout('investigator', before.body.id)).toEqual([]);
    const after = await inv().post(
      '/traces',
      traceBody(kase.id, {
        weapon: stockWeapon(item.weapon.serialNumber),
        recovery: { date: '2026-11-01', country: 'SV', circumstance: 'seizure' },
      }),
    );
    expect(await alertsAbout('stockpile', after.body.id)).toMatchObject([
      { kind: 'custody_weapon_recovered', severity: 'critical', related: [{ reference: item.reference }] },
    ]);
  });
});

describe('the alerts inbox', () => {
  async function anAlert() {
    const item = await destroyedItem();
    const kase = await createCase(t.client, t.users.investigator.token);
    const trace = await inv().post('/traces', traceBody(kase.id, { weapon: stockWeapon(item.weapon.serialNumber) }));
    const [alert] = await alertsAbout('investigator', trace.body.id);
    return { alert, trace: trace.body, item };
  }

  it('/metrics counts unclosed alerts by kind and status, and follows them through acknowledge and close', async () => {
    const unclosed = async () => {
      const text = await (await fetch(`${t.client.baseUrl}/metrics`)).text();
      return (status: string) =>
        Number(
          new RegExp(
            `^rastreo_alerts_unclosed\\{kind="destroyed_weapon_recovered",status="${status}"\\} (\\d+)$`,
            'm',
          ).exec(text)?.[1] ?? NaN,
        );
    };
    const before = await unclosed();
    const { alert } = await anAlert();
    const raised = await unclosed();
    expect(raised('open')).toBe(before('open') + 1);
    expect(raised('acknowledged')).toBe(before('acknowledged'));
    await inv().post(`/alerts/${alert.id}/acknowledge`, {});
    const acknowledged = await unclosed();
    expect([acknowledged('open'), acknowledged('acknowledged')]).toEqual([before('open'), before('acknowledged') + 1]);
    await inv().post(`/alerts/${alert.id}/close`, { note: 'The serial was re-stamped; not the destroyed gun.' });
    const closed = await unclosed();
    expect([closed('open'), closed('acknowledged')]).toEqual([before('open'), before('acknowledged')]);
  });

  it('acknowledge, then close with a note, each once and audited; the counts follow', async () => {
    const { alert } = await anAlert();
    const countBefore = (await inv().get('/alerts/count')).body;
    expect(countBefore.openCritical).toBeGreaterThan(0);
    const ack = await inv().post(`/alerts/${alert.id}/acknowledge`, { note: 'Looking into it with the armoury' });
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({
      status: 'acknowledged',
      acknowledgedBy: t.users.investigator.id,
      acknowledgedAt: expect.any(String),
    });
    expect((await inv().get('/alerts/count')).body).toEqual({
      open: countBefore.open - 1,
      openCritical: countBefore.openCritical - 1,
    });
    const twice = await mgr().post(`/alerts/${alert.id}/acknowledge`, {});
    expect(twice.status).toBe(409);
    expect(twice.body.currentStatus).toBe('acknowledged');
    expect((await mgr().post(`/alerts/${alert.id}/close`, {})).status).toBe(400);
    const closed = await mgr().post(`/alerts/${alert.id}/close`, {
      note: 'Destruction record corrected: the item was swapped',
    });
    expect(closed.body).toMatchObject({
      status: 'closed',
      closedBy: t.users.stockpile.id,
      closingNote: 'Destruction record corrected: the item was swapped',
    });
    expect((await mgr().post(`/alerts/${alert.id}/close`, { note: 'again' })).status).toBe(409);
    expect(
      await t.db('audit_log').where({ entity: 'alert', entity_id: alert.id }).orderBy('id').pluck('action'),
    ).toEqual(['alert.acknowledge', 'alert.close']);
    expect(
      (
        await inv().get(`/alerts?status=closed&kind=destroyed_weapon_recovered&severity=critical&limit=200`)
      ).body.items.map((a: { id: string }) => a.id),
    ).toContain(alert.id);
  });

  it('an admin reads but does not act; someone the alert does not concern gets 404; an unknown id 404', async () => {
    const { alert } = await anAlert();
    expect((await t.as('admin').get(`/alerts/${alert.id}`)).status).toBe(200);
    expect((await t.as('admin').post(`/alerts/${alert.id}/acknowledge`, {})).status).toBe(403);
    expect((await t.as('neighbourInvestigator').get(`/alerts/${alert.id}`)).status).toBe(404);
    expect((await t.as('neighbourInvestigator').post(`/alerts/${alert.id}/acknowledge`, {})).status).toBe(404);
    expect((await t.as('farAdvisor').post(`/alerts/${alert.id}/close`, { note: 'x' })).status).toBe(404);
    expect((await inv().post('/alerts/00000000-0000-4000-8000-000000000009/acknowledge', {})).status).toBe(404);
    expect((await t.db('alerts').where({ id: alert.id }).first()).status).toBe('open');
  });

  it('the same condition never raises two alerts that are not closed; once closed, it may be raised again', async () => {
    const { alert, trace } = await anAlert();
    await t.db('traces').where({ id: trace.id }).update({ status: 'needs_info' });
    expect((await inv().post(`/traces/${trace.id}/submit`)).status).toBe(200);
    expect(await t.db('alerts').where({ subject_id: trace.id })).toHaveLength(1);
    await inv().post(`/alerts/${alert.id}/close`, { note: 'Checked' });
    await t.db('traces').where({ id: trace.id }).update({ status: 'needs_info' });
    expect((await inv().post(`/traces/${trace.id}/submit`)).status).toBe(200);
    expect((await t.db('alerts').where({ subject_id: trace.id }).pluck('status')).sort()).toEqual(['closed', 'open']);
  });
});
