import { describe, expect, it } from 'vitest';
import { createCase, traceBody, unique, useWorld } from './support/harness.ts';

const t = useWorld();

describe('weapons', () => {
  it('shows a weapon with its cases and traces in scope and counts the cases outside it', async () => {
    const serial = unique('W');
    const weapon = {
      manufacturer: 'Colt',
      model: '1911',
      caliber: '.45 ACP',
      type: 'pistol',
      serialNumber: serial,
      countryOfManufacture: 'US',
    };
    const homeCase = await createCase(t.client, t.users.investigator.token);
    const farCase = await createCase(t.client, t.users.farInvestigator.token);
    const mine = await t.client.as(t.users.investigator.token).post('/traces', traceBody(homeCase.id, { weapon }));
    const theirs = await t.client
      .as(t.users.farInvestigator.token)
      .post('/traces', traceBody(farCase.id, { weapon: { ...weapon, serialNumber: serial.toLowerCase() } }));
    expect(theirs.body.weaponId).toBe(mine.body.weaponId);

    const detail = await t.client.as(t.users.investigator.token).get(`/weapons/${mine.body.weaponId}`);
    expect(detail.status).toBe(200);
    expect(detail.body.weapon).toMatchObject({ id: mine.body.weaponId, manufacturer: 'Colt', serialNumber: serial });
    expect(detail.body.cases.map((c: { id: string }) => c.id)).toEqual([homeCase.id]);
    expect(detail.body.otherCasesOutsideScope).toBe(1);
    expect(detail.body.traces).toEqual([
      { id: mine.body.id, reference: mine.body.reference, status: 'queued', outcome: null, caseId: homeCase.id },
    ]);
    expect(detail.body.stockpile).toBeNull();

    const admin = await t.client.as(t.users.admin.token).get(`/weapons/${mine.body.weaponId}`);
    expect(admin.body.otherCasesOutsideScope).toBe(0);
    expect(admin.body.traces).toHaveLength(2);

    const stranger = await t.client.as(t.users.neighbourInvestigator.token).get(`/weapons/${mine.body.weaponId}`);
    expect(stranger.status).toBe(404);
    expect(
      (await t.client.as(t.users.neighbourInvestigator.token).get(`/weapons?serial=${serial}`)).body.items,
    ).toEqual([]);
  });

  it("answers ?caseId= of a case outside the caller's scope exactly like an unknown case (404)", async () => {
    const serial = unique('W');
    const weapon = {
      manufacturer: 'Colt',
      model: '1911',
      caliber: '.45 ACP',
      type: 'pistol',
      serialNumber: serial,
      countryOfManufacture: 'US',
    };
    const homeCase = await createCase(t.client, t.users.investigator.token);
    const farCase = await createCase(t.client, t.users.farInvestigator.token);
    await t.as('investigator').post('/traces', traceBody(homeCase.id, { weapon }));
    await t.as('farInvestigator').post('/traces', traceBody(farCase.id, { weapon }));
    const own = await t.as('investigator').get(`/weapons?caseId=${homeCase.id}`);
    expect(own.status).toBe(200);
    expect(own.body.items).toHaveLength(1);
    const other = await t.as('investigator').get(`/weapons?caseId=${farCase.id}`);
    const unknown = await t.as('investigator').get('/weapons?caseId=00000000-0000-4000-8000-000000000001');
    expect([other.status, unknown.status]).toEqual([404, 404]);
    expect(other.body.detail).toBe(unknown.body.detail);
    expect((await t.as('admin').get(`/weapons?caseId=${farCase.id}`)).body.items).toHaveLength(1);
    expect((await t.as('advisor').get(`/weapons?caseId=${farCase.id}`)).status).toBe(404);
  });
});

describe('searching weapons by part of the serial', () => {
  it('serialPrefix matches the start of the normalized serial; serial the whole of it; wildcards are literal', async () => {
    const tag = unique('XK').toUpperCase();
    const kase = await createCase(t.client, t.users.investigator.token);
    const made = await t.as('investigator').post(
      '/traces',
      traceBody(kase.id, {
        weapon: {
          manufacturer: 'Glock',
          model: '17',
          caliber: '9mm',
          type: 'pistol',
          serialNumber: `${tag}-4471-2209`,
          importer: 'Glock Inc.',
          countryOfManufacture: 'AT',
        },
      }),
    );
    expect(made.status).toBe(201);
    const find = async (query: string) => {
      const res = await t.as('investigator').get(`/weapons?${query}`);
      return { status: res.status, ids: (res.body.items ?? []).map((w: { id: string }) => w.id) as string[] };
    };
    const partial = `${tag.slice(0, 3).toLowerCase()} ${tag.slice(3).toLowerCase()}-44`;
    expect((await find(`serialPrefix=${encodeURIComponent(partial)}`)).ids).toEqual([made.body.weaponId]);
    expect((await find(`serial=${encodeURIComponent(`${tag}4471`)}`)).ids).toEqual([]);
    expect((await find(`serial=${encodeURIComponent(`${tag.toLowerCase()} 4471 2209`)}`)).ids).toEqual([
      made.body.weaponId,
    ]);
    expect((await find(`serialPrefix=${encodeURIComponent(`${tag.slice(0, 2)}%`)}`)).ids).toEqual([]);
    expect((await find('serialPrefix=ab')).status).toBe(400);
    expect((await find('serialPrefix=%20%20%20')).status).toBe(400);
  });
});
