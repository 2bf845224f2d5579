import { describe, expect, it } from 'vitest';
import { createCase, traceBody, useWorld, intakeItem, stockWeapon } from './support/harness.ts';

const t = useWorld();

const mgr = () => t.client.as(t.users.stockpile.token);

const intake = (extra: Record<string, unknown> = {}, token = t.users.stockpile.token) =>
  intakeItem(t.client, token, extra);

describe('custody register', () => {
  it('takes a weapon in by fields or by id, with an SI reference; evidence hold defaults to true with a case', async () => {
    const plain = await intake();
    expect(plain).toMatchObject({
      status: 'in_custody',
      evidenceHold: false,
      source: 'seized',
      caseId: null,
      agencyId: t.home.id,
    });
    expect(plain.reference).toMatch(/^SI-\d{4}-\d{6}$/);

    const kase = await createCase(t.client, t.users.investigator.token);
    const trace = await t.client.as(t.users.investigator.token).post('/traces', traceBody(kase.id));
    const byId = await intake({ weapon: undefined, weaponId: trace.body.weaponId, caseId: kase.id });
    expect(byId).toMatchObject({ weaponId: trace.body.weaponId, caseId: kase.id, evidenceHold: true });

    const again = await mgr().post('/stockpile/items', {
      weaponId: trace.body.weaponId,
      source: 'seized',
      intakeDate: '2026-10-16',
      storageLocation: 'x',
    });
    expect(again.status).toBe(409);
    expect(again.body.type).toBe('/problems/already-in-custody');
  });

  it('refuses bad intakes with the field at fault', async () => {
    const both = await mgr().post('/stockpile/items', {
      weapon: stockWeapon(),
      weaponId: '00000000-0000-4000-8000-000000000000',
      source: 'found',
      intakeDate: '2999-01-01',
      storageLocation: 'x',
    });
    expect(both.status).toBe(400);
    expect(both.body.errors.map((e: { path: string }) => e.path)).toEqual(['/weaponId', '/intakeDate']);
    const foreignCase = await createCase(t.client, t.users.farInvestigator.token);
    const res = await mgr().post('/stockpile/items', {
      weapon: stockWeapon(),
      source: 'found',
      intakeDate: '2026-01-01',
      storageLocation: 'x',
      caseId: foreignCase.id,
    });
    expect(res.body.errors).toEqual([{ path: '/caseId', message: 'is not a case of your agency' }]);
    expect(
      (
        await mgr().post('/stockpile/items', {
          weapon: stockWeapon(),
          source: 'stolen',
          intakeDate: '2026-01-01',
          storageLocation: 'x',
        })
      ).body.errors[0].path,
    ).toBe('/source');
    expect(
      (
        await t.client.as(t.users.investigator.token).post('/stockpile/items', {
          weapon: stockWeapon(),
          source: 'found',
          intakeDate: '2026-01-01',
          storageLocation: 'x',
        })
      ).status,
    ).toBe(403);
  });

  it('places and releases holds with a reason, each an event and an audit entry', async () => {
    const item = await intake();
    const held = await mgr().post(`/stockpile/items/${item.id}/hold`, {
      reason: 'Orden del Juzgado 3.º de Instrucción',
    });
    expect(held.body.evidenceHold).toBe(true);
    expect((await mgr().post(`/stockpile/items/${item.id}/hold`, { reason: 'again' })).status).toBe(409);
    expect((await mgr().post(`/stockpile/items/${item.id}/release-hold`, {})).status).toBe(400);
    const released = await mgr().post(`/stockpile/items/${item.id}/release-hold`, {
      reason: 'Sentencia firme, ref. 123-2026',
    });
    expect(released.body.evidenceHold).toBe(false);
    const events = await t.db('stockpile_events').where({ item_id: item.id }).orderBy('id');
    expect(events.map((e) => [e.type, e.reason])).toEqual([
      ['intake', null],
      ['hold', 'Orden del Juzgado 3.º de Instrucción'],
      ['release_hold', 'Sentencia firme, ref. 123-2026'],
    ]);
    expect((await t.db('audit_log').where({ entity_id: item.id }).pluck('action')).sort()).toEqual([
      'stockpile.hold',
      'stockpile.intake',
      'stockpile.release_hold',
    ]);
  });

  it('lists by status and hold with a cursor, in scope only', async () => {
    const held = await intake({ evidenceHold: true });
    const list = await mgr().get('/stockpile/items?evidenceHold=true&status=in_custody&limit=200');
    expect(list.body.items.map((i: { id: string }) => i.id)).toContain(held.id);
    expect(list.body.items.every((i: { evidenceHold: boolean }) => i.evidenceHold)).toBe(true);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: { id: string }[]; nextCursor: string | null } } = await mgr().get(
        `/stockpile/items?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...page.body.items.map((i) => i.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect((await t.client.as(t.users.advisor.token).get(`/stockpile/items/${held.id}`)).status).toBe(200);
    expect((await t.client.as(t.users.farAdvisor.token).get(`/stockpile/items/${held.id}`)).status).toBe(404);
    expect((await t.client.as(t.users.investigator.token).get('/stockpile/items')).status).toBe(403);
  });
});
