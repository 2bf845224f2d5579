import { createCanvas, loadImage } from '@napi-rs/canvas';
import { PDFParse } from 'pdf-parse';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCase, createUser, intakeItem, stockWeapon, traceBody, unique, useWorld } from './support/harness.ts';

const t = useWorld();

let secondManager: { id: string; token: string };
const mgr = () => t.client.as(t.users.stockpile.token);

beforeAll(async () => {
  secondManager = await createUser(t.db, t.home.id, 'stockpile_manager');
});

const intake = (extra: Record<string, unknown> = {}, token = t.users.stockpile.token) =>
  intakeItem(t.client, token, extra);

const pdfText = async (body: string | ArrayBuffer) => {
  const parser = new PDFParse({ data: new Uint8Array(body as ArrayBuffer) });
  return (await parser.getText()).text;
};

async function fetchPdf(path: string, token: string) {
  const res = await fetch(`${t.client.baseUrl}/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, type: res.headers.get('content-type'), body: await res.arrayBuffer() };
}

describe('destruction', () => {
  it('tells nothing of another agency’s item but that it is not yours — not its custody, not its holds — in the region or beyond', async () => {
    for (const agency of [t.neighbour, t.faraway]) {
      const manager = await createUser(t.db, agency.id, 'stockpile_manager');
      const held = await intake({ evidenceHold: true }, manager.token);
      const scheduled = await intake({}, manager.token);
      await t.client.as(manager.token).post('/destructions', {
        plannedFor: '2026-12-01',
        method: 'crushing',
        location: 'Bodega',
        itemIds: [scheduled.id],
      });
      const res = await mgr().post('/destructions', {
        plannedFor: '2026-12-01',
        method: 'smelting',
        location: 'Acería',
        itemIds: [held.id, scheduled.id],
      });
      expect(res.status).toBe(409);
      expect(res.body.items).toEqual([
        { itemId: held.id, reasons: ['other_agency'] },
        { itemId: scheduled.id, reasons: ['other_agency'] },
      ]);
    }
  });

  it('refuses a plan with a reason per ineligible item, and changes nothing', async () => {
    const ok = await intake();
    const held = await intake({ evidenceHold: true });
    const scheduled = await intake();
    await mgr().post('/destructions', {
      plannedFor: '2026-12-01',
      method: 'crushing',
      location: 'AMSA steelworks',
      itemIds: [scheduled.id],
    });
    const farManager = await createUser(t.db, t.faraway.id, 'stockpile_manager');
    const foreign = await intake({}, farManager.token);
    const kase = await createCase(t.client, t.users.investigator.token);
    const trace = await t.client.as(t.users.investigator.token).post('/traces', traceBody(kase.id));
    const traced = await intake({ weapon: undefined, weaponId: trace.body.weaponId, evidenceHold: false });
    const missing = '00000000-0000-4000-8000-00000000abcd';

    const res = await mgr().post('/destructions', {
      plannedFor: '2026-12-01',
      method: 'smelting',
      location: 'Acería',
      itemIds: [ok.id, held.id, scheduled.id, foreign.id, traced.id, missing],
    });
    expect(res.status).toBe(409);
    expect(res.body.type).toBe('/problems/destruction-blocked');
    const reasons = Object.fromEntries(
      res.body.items.map((i: { itemId: string; reasons: string[] }) => [i.itemId, i.reasons]),
    );
    expect(reasons).toEqual({
      [held.id]: ['evidence_hold'],
      [scheduled.id]: ['not_in_custody'],
      [foreign.id]: ['other_agency'],
      [traced.id]: ['open_trace'],
      [missing]: ['not_found'],
    });
    expect((await mgr().get(`/stockpile/items/${ok.id}`)).body.status).toBe('in_custody');

    // Each item already says what blocks its destruction, by the same rule, before anyone tries.
    const blockersOf = async (id: string) => {
      const { destructionBlockers, openTrace } = (await mgr().get(`/stockpile/items/${id}`)).body;
      return { destructionBlockers, openTrace };
    };
    expect(await blockersOf(ok.id)).toEqual({ destructionBlockers: [], openTrace: null });
    expect(await blockersOf(held.id)).toEqual({ destructionBlockers: ['evidence_hold'], openTrace: null });
    expect(await blockersOf(scheduled.id)).toEqual({ destructionBlockers: ['not_in_custody'], openTrace: null });
    expect(await blockersOf(traced.id)).toEqual({
      destructionBlockers: ['open_trace'],
      openTrace: { id: trace.body.id, reference: trace.body.reference },
    });
    const listed = (await mgr().get('/stockpile/items?limit=200')).body.items.find(
      (item: { id: string }) => item.id === traced.id,
    );
    expect(listed.destructionBlockers).toEqual(['open_trace']);
    // A trace by another agency blocks destruction too, but its reference is not theirs to see.
    const farInvestigatorCase = await createCase(t.client, t.users.farInvestigator.token);
    const farTrace = await t.client
      .as(t.users.farInvestigator.token)
      .post('/traces', traceBody(farInvestigatorCase.id, { weapon: stockWeapon(ok.weapon.serialNumber) }));
    expect(farTrace.body.weaponId).toBe(ok.weaponId);
    expect(await blockersOf(ok.id)).toEqual({ destructionBlockers: ['open_trace'], openTrace: null });
  });

  it('plans, removes an item, completes with ≥ 2 witnesses, is verified by a second person; nothing changes afterwards', async () => {
    const items = [await intake(), await intake(), await intake()];
    const plan = await mgr().post('/destructions', {
      plannedFor: '2026-12-01',
      method: 'cutting',
      location: 'Bodega central',
      itemIds: items.map((i) => i.id),
    });
    expect(plan.status).toBe(201);
    const id = plan.body.id;
    expect(plan.body).toMatchObject({ status: 'planned', itemCount: 3, method: 'cutting' });
    expect(plan.body.reference).toMatch(/^DE-\d{4}-\d{4}$/);
    expect((await mgr().get(`/stockpile/items/${items[0]!.id}`)).body).toMatchObject({
      status: 'scheduled',
      destructionId: id,
    });

    expect((await mgr().delete(`/destructions/${id}/items/${items[2]!.id}`)).status).toBe(204);
    expect((await mgr().get(`/stockpile/items/${items[2]!.id}`)).body).toMatchObject({
      status: 'in_custody',
      destructionId: null,
    });
    expect((await mgr().delete(`/destructions/${id}/items/${items[2]!.id}`)).status).toBe(404);

    const oneWitness = await mgr().post(`/destructions/${id}/complete`, {
      performedAt: '2026-11-20T10:00:00Z',
      witnesses: [{ name: 'Ana', organization: 'FGR' }],
    });
    expect(oneWitness.status).toBe(400);
    expect(oneWitness.body.errors[0].path).toBe('/witnesses');
    expect((await t.client.as(t.users.advisor.token).post(`/destructions/${id}/verify`, {})).status).toBe(409);

    const witnesses = [
      { name: 'Lic. Ana Rivas', organization: 'Fiscalía General' },
      { name: 'John Miller', organization: 'US Embassy (INL)' },
    ];
    const done = await mgr().post(`/destructions/${id}/complete`, {
      performedAt: '2026-11-20T10:00:00Z',
      witnesses,
      certificateNumber: 'CD-2026-77',
    });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({
      status: 'completed',
      itemCount: 2,
      witnesses,
      completedBy: t.users.stockpile.id,
    });
    expect((await mgr().get(`/stockpile/items/${items[0]!.id}`)).body.status).toBe('destroyed');

    const self = await mgr().post(`/destructions/${id}/verify`, {});
    expect(self.status).toBe(409);
    expect(self.body.type).toBe('/problems/self-verification');
    expect((await t.client.as(t.users.farAdvisor.token).post(`/destructions/${id}/verify`, {})).status).toBe(404);
    expect((await t.client.as(t.users.investigator.token).post(`/destructions/${id}/verify`, {})).status).toBe(403);
    const verified = await t.client
      .as(secondManager.token)
      .post(`/destructions/${id}/verify`, { notes: 'Conteo físico conforme' });
    expect(verified.body).toMatchObject({
      status: 'verified',
      verifiedBy: secondManager.id,
      verificationNotes: 'Conteo físico conforme',
    });

    expect((await mgr().post(`/stockpile/items/${items[0]!.id}/hold`, { reason: 'late' })).status).toBe(409);
    expect((await mgr().delete(`/destructions/${id}/items/${items[0]!.id}`)).status).toBe(409);
    expect(
      (await mgr().post(`/destructions/${id}/complete`, { performedAt: '2026-11-20T10:00:00Z', witnesses })).status,
    ).toBe(409);
    expect((await t.client.as(t.users.advisor.token).post(`/destructions/${id}/verify`, {})).status).toBe(409);

    // And at the SQL level, past the API.
    await expect(
      t.db('stockpile_items').where({ id: items[0]!.id }).update({ storage_location: 'elsewhere' }),
    ).rejects.toThrow(/destroyed and cannot change/);
    await expect(t.db('stockpile_items').where({ id: items[0]!.id }).delete()).rejects.toThrow(
      /destroyed and cannot change/,
    );
    await expect(t.db('destruction_events').where({ id }).update({ location: 'elsewhere' })).rejects.toThrow(
      /cannot change/,
    );
    await expect(t.db('destruction_events').where({ id }).delete()).rejects.toThrow(/cannot change/);
    await expect(t.db('stockpile_events').where({ item_id: items[0]!.id }).delete()).rejects.toThrow(/append-only/);
  });

  it('a completed event admits only its verification, even in SQL; an advisor of the region may verify', async () => {
    const item = await intake();
    const plan = await mgr().post('/destructions', {
      plannedFor: '2026-12-02',
      method: 'shredding',
      location: 'x',
      itemIds: [item.id],
    });
    await mgr().post(`/destructions/${plan.body.id}/complete`, {
      performedAt: '2026-11-21T10:00:00Z',
      witnesses: [
        { name: 'A', organization: 'B' },
        { name: 'C', organization: 'D' },
      ],
    });
    await expect(
      t
        .db('destruction_events')
        .where({ id: plan.body.id })
        .update({ status: 'verified', verified_by: secondManager.id, verified_at: t.db.fn.now(), method: 'burning' }),
    ).rejects.toThrow(/cannot change/);
    await expect(t.db('destruction_events').where({ id: plan.body.id }).update({ status: 'planned' })).rejects.toThrow(
      /cannot change/,
    );
    const verified = await t.client.as(t.users.advisor.token).post(`/destructions/${plan.body.id}/verify`, {});
    expect(verified.body.status).toBe('verified');
  });

  it('links the weapon, its trace and its destruction both ways', async () => {
    const kase = await createCase(t.client, t.users.investigator.token);
    const trace = await t.client.as(t.users.investigator.token).post('/traces', traceBody(kase.id));
    await t
      .db('traces')
      .where({ id: trace.body.id })
      .update({
        status: 'not_traceable',
        result: JSON.stringify({ outcome: 'not_traceable', reason: 'foreign_no_us_record', sourceCountry: 'AT' }),
      });
    const item = await intake({ weapon: undefined, weaponId: trace.body.weaponId });
    const plan = await mgr().post('/destructions', {
      plannedFor: '2026-12-03',
      method: 'crushing',
      location: 'x',
      itemIds: [item.id],
    });
    await mgr().post(`/destructions/${plan.body.id}/complete`, {
      performedAt: '2026-11-22T08:00:00Z',
      witnesses: [
        { name: 'A', organization: 'B' },
        { name: 'C', organization: 'D' },
      ],
    });

    const detail = await mgr().get(`/destructions/${plan.body.id}`);
    expect(detail.body.items).toEqual([
      expect.objectContaining({
        itemId: item.id,
        status: 'destroyed',
        weapon: expect.objectContaining({ id: trace.body.weaponId }),
        traces: [
          { id: trace.body.id, reference: trace.body.reference, status: 'not_traceable', outcome: 'not_traceable' },
        ],
      }),
    ]);
    const weaponView = await t.client.as(t.users.investigator.token).get(`/weapons/${trace.body.weaponId}`);
    expect(weaponView.body.traces.map((x: { id: string }) => x.id)).toEqual([trace.body.id]);
    expect(weaponView.body.stockpile).toMatchObject({
      itemId: item.id,
      status: 'destroyed',
      destruction: {
        id: plan.body.id,
        reference: plan.body.reference,
        method: 'crushing',
        performedAt: '2026-11-22T08:00:00.000Z',
        verifiedAt: null,
      },
    });
  });

  it('plans, completes and verifies a 5,000-item event; its certificate lists every serial', async () => {
    const n = 5000;
    const tag = unique('B');
    const ids: string[] = (
      await t.db.raw(
        `WITH w AS (
         INSERT INTO weapons (manufacturer, manufacturer_normalized, model, caliber, type, serial_number, serial_normalized, country_of_manufacture)
         SELECT 'Norinco', 'NORINCO', 'Type 54', '7.62x25', 'pistol', ?::text || '-' || g, upper(?::text) || g, 'CN' FROM generate_series(1, ?) g
         RETURNING id)
       INSERT INTO stockpile_items (agency_id, weapon_id, source, intake_date, storage_location, created_by)
       SELECT ?, id, 'surplus', '2026-01-10', 'Arsenal', ? FROM w RETURNING id`,
        [tag, tag, n, t.home.id, t.users.stockpile.id],
      )
    ).rows.map((r: { id: string }) => r.id);
    expect(ids).toHaveLength(n);
    const plan = await mgr().post('/destructions', {
      plannedFor: '2026-12-10',
      method: 'smelting',
      location: 'Acería de Acajutla',
      itemIds: ids,
    });
    expect(plan.status).toBe(201);
    expect(plan.body.itemCount).toBe(n);
    const witnesses = [
      { name: 'Cap. Rosa Mejía', organization: 'Ministerio de la Defensa' },
      { name: 'Observador ONU', organization: 'UNLIREC' },
    ];
    expect(
      (await mgr().post(`/destructions/${plan.body.id}/complete`, { performedAt: '2026-11-25T09:00:00Z', witnesses }))
        .body.status,
    ).toBe('completed');
    expect(
      Number(
        (
          await t.db('stockpile_items').where({ destruction_id: plan.body.id, status: 'destroyed' }).count({ n: '*' })
        )[0]!.n,
      ),
    ).toBe(n);
    expect(
      Number(
        (
          await t.db('stockpile_events').where({ destruction_id: plan.body.id, type: 'destroyed' }).count({ n: '*' })
        )[0]!.n,
      ),
    ).toBe(n);
    expect((await t.client.as(secondManager.token).post(`/destructions/${plan.body.id}/verify`, {})).body.status).toBe(
      'verified',
    );

    const pdf = await fetchPdf(`/destructions/${plan.body.id}/certificate`, t.users.advisor.token);
    expect(pdf.status).toBe(200);
    expect(pdf.type).toBe('application/pdf');
    expect(Buffer.from(pdf.body).subarray(0, 5).toString()).toBe('%PDF-');
    const bytes = new Uint8Array(pdf.body).slice(); // (parsing hands the buffer over: keep a copy for the second look)
    const text = await pdfText(pdf.body);
    expect(text).toContain(plan.body.reference);
    expect(text).toContain('Acería de Acajutla');
    expect(text).toContain('Cap. Rosa Mejía');
    // Words, not codes; local time with its zone (the agency is in El Salvador, UTC−6); who completed and verified it.
    expect(text).toContain('Fundición / Smelting');
    expect(text).not.toMatch(/\bsmelting\b/);
    expect(text).not.toContain('(stockpile_manager)'); // (the test users' names hold their role: only the parenthesis is the code)
    expect(text).toContain('2026-11-25 03:00 (UTC−06:00, America/El_Salvador)');
    expect(text.replace(/\s+/g, ' '), text.slice(0, 1500)).toContain('Encargado de custodia / Stockpile manager');
    // PDF/A-2b for records kept ten years and more: its identification, title, subject and language, fonts embedded.
    const parser = new PDFParse({ data: bytes.slice() });
    const { info, metadata } = await parser.getInfo();
    expect(info).toMatchObject({
      Title: expect.stringContaining(plan.body.reference),
      Subject: expect.stringContaining(`${n} firearms`),
    });
    const raw = Buffer.from(bytes).toString('latin1');
    expect(raw).toMatch(/\/Lang \(es\)/);
    expect(raw).not.toMatch(/\/BaseFont \/Helvetica/);
    expect(raw).toMatch(/\/BaseFont \/[A-Z]{6}\+NotoSans/);
    const xmp = String((metadata as unknown as { getRaw?(): string } | undefined)?.getRaw?.() ?? '');
    expect(xmp + raw).toMatch(/pdfaid:part>2</);
    const serials = new Set(text.match(new RegExp(`${tag}-\\d+`, 'g')));
    expect(serials.size).toBe(n);
  }, 120_000);

  it('the certificate is one a ministry files: letterhead, signature lines, page numbers, within the page; NOT VERIFIED until verified', async () => {
    const items = [await intake(), await intake()];
    const plan = await mgr().post('/destructions', {
      plannedFor: '2026-11-20',
      method: 'smelting',
      location: 'Acería de Acajutla',
      itemIds: items.map((item) => item.id),
    });
    const witnesses = [
      { name: 'Lic. Ana Rivas', organization: 'Fiscalía General de la República' },
      { name: 'John Miller', organization: 'US Embassy (INL)' },
    ];
    expect(
      (await mgr().post(`/destructions/${plan.body.id}/complete`, { performedAt: '2026-11-25T09:00:00Z', witnesses }))
        .status,
    ).toBe(200);
    const agency = (await t.db('agencies').where({ id: t.home.id }).first()) as { name: string; code: string };

    const look = async () => {
      const pdf = await fetchPdf(`/destructions/${plan.body.id}/certificate`, t.users.advisor.token);
      expect(pdf.status).toBe(200);
      const bytes = new Uint8Array(pdf.body);
      const text = (await pdfText(bytes.slice().buffer)).replace(/\s+/g, ' ');
      const shots = await new PDFParse({ data: bytes.slice() }).getScreenshot({ scale: 1, imageBuffer: true });
      return { text, pages: shots.pages };
    };
    /** Dark pixels in a vertical strip of a page image, from x0 to x1 (PDF points at scale 1). */
    const inkIn = async (png: Uint8Array, x0: number, x1: number) => {
      const image = await loadImage(Buffer.from(png));
      const canvas = createCanvas(image.width, image.height);
      const context = canvas.getContext('2d');
      context.drawImage(image, 0, 0);
      const { data } = context.getImageData(Math.round(x0), 0, Math.round(x1 - x0), image.height);
      let dark = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i]! + data[i + 1]! + data[i + 2]! < 300) dark++;
      return dark;
    };

    const unverified = await look();
    // The letterhead: the agency, its country and the seal's slot; signature lines for each witness and the officials.
    expect(unverified.text).toContain(agency.name);
    expect(unverified.text).toContain('El Salvador');
    expect(unverified.text).toContain('Escudo / Seal');
    expect(unverified.text).toContain('Firmas / Signatures');
    for (const witness of witnesses) expect(unverified.text).toContain(`Testigo / Witness — ${witness.organization}`);
    expect(unverified.text).toContain('Ejecutó / Completed by —');
    expect(unverified.text).toMatch(/Verificó \/ Verified by(?! —)/);
    expect(unverified.text).toContain(`${plan.body.reference} · Página 1 de 1 / Page 1 of 1`);
    expect(unverified.text).toContain('NO VERIFICADO / NOT VERIFIED');
    // Rendered: an A4 page, and nothing drawn in the outer 40 points of its right side (the table stays in its margin).
    const [page] = unverified.pages;
    expect([page!.width, page!.height].map(Math.round)).toEqual([595, 842]);
    expect(await inkIn(page!.data, page!.width - 40, page!.width)).toBe(0);
    expect(await inkIn(page!.data, 50, 110)).toBeGreaterThan(0); // (the check can see ink: the seal's frame is there)

    expect((await t.client.as(secondManager.token).post(`/destructions/${plan.body.id}/verify`, {})).status).toBe(200);
    const verified = await look();
    expect(verified.text).not.toContain('NO VERIFICADO');
    expect(verified.text).toMatch(/Verificó \/ Verified by — /);
  });

  it('has no certificate while planned', async () => {
    const item = await intake();
    const plan = await mgr().post('/destructions', {
      plannedFor: '2026-12-02',
      method: 'other',
      location: 'x',
      itemIds: [item.id],
    });
    expect((await fetchPdf(`/destructions/${plan.body.id}/certificate`, t.users.stockpile.token)).status).toBe(409);
    expect(
      (await mgr().get('/destructions?status=planned&limit=200')).body.items.map((d: { id: string }) => d.id),
    ).toContain(plan.body.id);
  });
});
