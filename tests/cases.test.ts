import { describe, expect, it } from 'vitest';
import { createCase, traceBody, unique, useWorld } from './support/harness.ts';

const t = useWorld();

describe('cases', () => {
  it('creates, reads, searches, renames and closes a case; case numbers are unique per agency', async () => {
    const client = t.client.as(t.users.investigator.token);
    const caseNumber = unique('PNC-2026-');
    const created = await client.post('/cases', {
      caseNumber,
      title: 'Robo a mano armada en Santa Ana',
      offense: 'robbery',
      openedAt: '2026-10-03',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      caseNumber,
      status: 'open',
      offense: 'robbery',
      openedAt: '2026-10-03',
      agencyId: t.home.id,
      createdBy: t.users.investigator.id,
    });
    expect((await client.post('/cases', { caseNumber, title: 'again', offense: 'other' })).status).toBe(409);
    const elsewhere = await t.client
      .as(t.users.neighbourInvestigator.token)
      .post('/cases', { caseNumber, title: 'same number, other agency', offense: 'other' });
    expect(elsewhere.status).toBe(201);

    expect(
      (await client.get(`/cases?q=${encodeURIComponent('santa ana')}`)).body.items.map((c: { id: string }) => c.id),
    ).toEqual([created.body.id]);
    expect((await client.get(`/cases?q=${caseNumber}`)).body.items).toHaveLength(1);

    const renamed = await client.patch(`/cases/${created.body.id}`, { title: 'Robo agravado', status: 'closed' });
    expect(renamed.body).toMatchObject({ title: 'Robo agravado', status: 'closed' });
    expect((await client.get('/cases?status=closed')).body.items.map((c: { id: string }) => c.id)).toContain(
      created.body.id,
    );
    expect((await client.get('/cases?status=open')).body.items.map((c: { id: string }) => c.id)).not.toContain(
      created.body.id,
    );
    expect((await client.patch(`/cases/${created.body.id}`, {})).status).toBe(400);
    expect(
      (await client.post('/cases', { caseNumber: unique(), title: 't', offense: 'jaywalking' })).body.errors,
    ).toEqual([{ path: '/offense', message: expect.stringContaining('must be one of') }]);
  });

  it('embeds at most the 50 most recent traces and weapons, with totals; the lists page the rest', async () => {
    const client = t.client.as(t.users.investigator.token);
    const kase = await createCase(t.client, t.users.investigator.token);
    const rows = Array.from({ length: 55 }, () =>
      traceBody(kase.id, { weapon: { ...traceBody(kase.id).weapon, serialNumber: unique('CAP') } }),
    );
    const bulk = await client.post('/traces/bulk', rows);
    expect(bulk.body.created).toBe(55);
    const detail = (await client.get(`/cases/${kase.id}`)).body;
    expect(detail.traces).toHaveLength(50);
    expect(detail.tracesTotal).toBe(55);
    expect(detail.weapons).toHaveLength(50);
    expect(detail.weaponsTotal).toBe(55);
    // Newest first, and the same 50 the case's trace list starts with.
    const firstPage = (await client.get(`/traces?caseId=${kase.id}&limit=50`)).body;
    expect(detail.traces.map((x: { id: string }) => x.id)).toEqual(firstPage.items.map((x: { id: string }) => x.id));
    const rest = (await client.get(`/traces?caseId=${kase.id}&limit=50&cursor=${firstPage.nextCursor}`)).body;
    expect(rest.items).toHaveLength(5);
    expect(rest.nextCursor).toBeNull();
    const weapons = [];
    let cursor: string | null = null;
    do {
      const page: { items: { id: string }[]; nextCursor: string | null } = (
        await client.get(`/weapons?caseId=${kase.id}&limit=20${cursor ? `&cursor=${cursor}` : ''}`)
      ).body;
      weapons.push(...page.items.map((w) => w.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(new Set(weapons).size).toBe(55);
    expect(weapons.slice(0, 50)).toEqual(detail.weapons.map((w: { id: string }) => w.id));
    const empty = (await client.get(`/cases/${(await createCase(t.client, t.users.investigator.token)).id}`)).body;
    expect(empty).toMatchObject({ traces: [], tracesTotal: 0, weapons: [], weaponsTotal: 0 });
  });
});

describe('the database guards itself', () => {
  it('refuses UPDATE, DELETE and TRUNCATE on the audit log', async () => {
    const [row] = await t.db('audit_log').insert({ component: 'api', action: 'test.append' }).returning('id');
    await expect(t.db('audit_log').where({ id: row.id }).update({ action: 'tampered' })).rejects.toThrow(/append-only/);
    await expect(t.db('audit_log').where({ id: row.id }).delete()).rejects.toThrow(/append-only/);
    await expect(t.db.raw('TRUNCATE audit_log')).rejects.toThrow(/append-only/);
    expect((await t.db('audit_log').where({ id: row.id }).first()).action).toBe('test.append');
  });

  it('rejects enum values, duplicate weapon identities and case numbers that bypass the API', async () => {
    const kase = await createCase(t.client, t.users.investigator.token);
    await expect(t.db('cases').where({ id: kase.id }).update({ status: 'archived' })).rejects.toThrow(
      /check constraint/,
    );
    const trace = await t.client.as(t.users.investigator.token).post('/traces', traceBody(kase.id));
    await expect(t.db('traces').where({ id: trace.body.id }).update({ status: 'lost' })).rejects.toThrow(
      /check constraint/,
    );
    await expect(
      t
        .db('traces')
        .where({ id: trace.body.id })
        .update({ quality_flags: ['pretty'] }),
    ).rejects.toThrow(/check constraint/);
    const weapon = {
      manufacturer: 'X',
      manufacturer_normalized: 'X',
      model: 'm',
      caliber: 'c',
      type: 'pistol',
      serial_number: 'S-1',
      serial_normalized: 'S1',
      country_of_manufacture: 'US',
    };
    await t.db('weapons').insert(weapon).onConflict().ignore();
    await expect(t.db('weapons').insert(weapon)).rejects.toThrow(/weapons_identity/);
    await expect(t.db('weapons').insert({ ...weapon, serial_number: null, serial_normalized: null })).rejects.toThrow(
      /check constraint/,
    );
  });

  it('numbers trace references from a sequence, never reusing one', async () => {
    const kase = await createCase(t.client, t.users.investigator.token);
    const refs = await Promise.all(
      Array.from({ length: 10 }, () =>
        t.client
          .as(t.users.investigator.token)
          .post('/traces', traceBody(kase.id))
          .then((r) => r.body.reference as string),
      ),
    );
    expect(new Set(refs).size).toBe(10);
  });
});
