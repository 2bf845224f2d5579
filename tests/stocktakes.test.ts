import { createCanvas, loadImage } from '@napi-rs/canvas';
import { BinaryBitmap, HybridBinarizer, QRCodeReader, RGBLuminanceSource } from '@zxing/library';
import { PDFParse } from 'pdf-parse';
import { beforeAll, describe, expect, it } from 'vitest';
import { createUser, intakeItem, unique, useWorld, WITNESSES, type Client } from './support/harness.ts';

const t = useWorld();

let second: { id: string; token: string };
let neighbourManager: { id: string; token: string };
beforeAll(async () => {
  second = await createUser(t.db, t.home.id, 'stockpile_manager');
  neighbourManager = await createUser(t.db, t.neighbour.id, 'stockpile_manager');
});

const mgr = () => t.as('stockpile');
const other = () => t.client.as(second.token);
/** A store of its own for each test: counts of one store never meet another test's. */
const newStore = () => `Bodega ${unique()}, estante 1`;
const stock = (storageLocation: string, n: number, token = t.users.stockpile.token) =>
  Promise.all(Array.from({ length: n }, () => intakeItem(t.client, token, { storageLocation })));

async function openCount(storageLocation: string, client: Client = mgr()) {
  const res = await client.post('/stockpile/stocktakes', { storageLocation, note: 'Conteo anual' });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; reference: string; expected: number };
}

const count = (id: string, body: Record<string, unknown>, client: Client = mgr()) =>
  client.post(`/stockpile/stocktakes/${id}/counts`, body);

async function pdfOf(path: string, token: string, accept = 'application/pdf') {
  const res = await fetch(`${t.client.baseUrl}/api/v1${path}`, {
    headers: { authorization: `Bearer ${token}`, accept },
  });
  return { status: res.status, type: res.headers.get('content-type'), bytes: new Uint8Array(await res.arrayBuffer()) };
}
const textOf = async (bytes: Uint8Array) =>
  (await new PDFParse({ data: bytes.slice() }).getText()).text.replace(/\s+/g, ' ');

describe('opening a count', () => {
  it('expects the items in custody or scheduled at that store when it opens, and nothing else', async () => {
    const store = newStore();
    const [a, b, c] = await stock(store, 3);
    await stock(newStore(), 1); // another store of the agency
    await intakeItem(t.client, neighbourManager.token, { storageLocation: store }); // the same words, another agency
    const plan = await mgr().post('/destructions', {
      plannedFor: '2026-12-20',
      method: 'cutting',
      location: 'Patio',
      itemIds: [c!.id],
    });
    expect(plan.status).toBe(201);

    const res = await mgr().post('/stockpile/stocktakes', { storageLocation: store, note: 'Conteo anual' });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`/api/v1/stockpile/stocktakes/${res.body.id}`);
    expect(res.body).toMatchObject({
      storageLocation: store,
      status: 'open',
      expected: 3,
      counted: 0,
      unexpectedCount: 0,
      missingCount: null,
      openedBy: t.users.stockpile.id,
      note: 'Conteo anual',
      missing: [],
      unexpected: [],
    });
    expect(res.body.reference).toMatch(/^ST-\d{4}-\d{6}$/);
    expect(Date.parse(res.body.openedAt)).toBeGreaterThan(Date.now() - 60_000);
    const pending = await mgr().get(`/stockpile/stocktakes/${res.body.id}/lines?outcome=pending`);
    expect(pending.body.items.map((line: { itemId: string }) => line.itemId).sort()).toEqual(
      [a!.id, b!.id, c!.id].sort(),
    );
    expect(await t.db('audit_log').where({ entity_id: res.body.id }).pluck('action')).toEqual(['stocktake.open']);
  });

  it('allows one count of a store at a time (409 naming it); other stores and agencies are free', async () => {
    const store = newStore();
    await stock(store, 1);
    const first = await openCount(store);
    const again = await other().post('/stockpile/stocktakes', { storageLocation: store });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ type: '/problems/stocktake-in-progress', duplicateOf: first.id });
    expect(again.body.detail).toContain(first.reference);
    await openCount(newStore());
    await openCount(store, t.client.as(neighbourManager.token));
    // Concurrent opens of one store: one wins.
    const racing = newStore();
    const both = await Promise.all([
      mgr().post('/stockpile/stocktakes', { storageLocation: racing }),
      other().post('/stockpile/stocktakes', { storageLocation: racing }),
    ]);
    expect(both.map((r) => r.status).sort()).toEqual([201, 409]);
  });

  it('refuses bad bodies and other roles', async () => {
    for (const body of [{}, { storageLocation: '   ' }, { storageLocation: 'x'.repeat(201) }, { storageLocation: 3 }]) {
      const res = await mgr().post('/stockpile/stocktakes', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.errors[0].path).toBe('/storageLocation');
    }
    const extra = await mgr().post('/stockpile/stocktakes', { storageLocation: 'x', expected: 5 });
    expect(extra.status).toBe(400);
    for (const who of ['investigator', 'advisor', 'admin'] as const)
      expect((await t.as(who).post('/stockpile/stocktakes', { storageLocation: newStore() })).status).toBe(403);
  });
});

describe('counting', () => {
  it('counts by reference or by serial, once; records what was not expected, explained; moves open → counting', async () => {
    const store = newStore();
    const [a, b] = await stock(store, 2);
    const [elsewhere] = await stock(newStore(), 1);
    const st = await openCount(store);

    const first = await count(st.id, { itemReference: a!.reference });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      result: 'counted',
      line: {
        itemId: a!.id,
        itemReference: a!.reference,
        expected: true,
        outcome: 'counted',
        explanation: null,
        condition: 'ok',
        countedBy: { id: t.users.stockpile.id },
        weapon: { manufacturer: 'Taurus', model: 'PT92', serialNumber: a!.weapon.serialNumber },
      },
      tally: { expected: 2, counted: 1, unexpected: 0 },
    });
    expect((await mgr().get(`/stockpile/stocktakes/${st.id}`)).body.status).toBe('counting');
    // Again, from another device and person: counted once, the first count kept.
    const twice = await count(st.id, { itemReference: a!.reference, condition: 'damaged' }, other());
    expect(twice.body).toMatchObject({
      result: 'already_counted',
      line: { condition: 'ok', countedBy: { id: t.users.stockpile.id } },
      tally: { counted: 1 },
    });
    // By the gun's identity, written another way (case, dashes and spaces ignored).
    const serial = b!.weapon.serialNumber;
    const bySerial = await count(st.id, {
      manufacturer: ' taurus ',
      serialNumber: `${serial.slice(0, 3).toLowerCase()}-${serial.slice(3)}`,
      condition: 'damaged',
      note: 'Cacha rota',
    });
    expect(bySerial.body).toMatchObject({
      result: 'counted',
      line: { itemId: b!.id, condition: 'damaged', note: 'Cacha rota' },
    });

    const moved = await count(st.id, { itemReference: elsewhere!.reference });
    expect(moved.body).toMatchObject({
      result: 'unexpected',
      line: { expected: false, outcome: 'unexpected', explanation: 'recorded_elsewhere' },
      tally: { expected: 2, counted: 2, unexpected: 1 },
    });
    const [late] = await stock(store, 1);
    const takenIn = await count(st.id, { itemReference: late!.reference });
    expect(takenIn.body.line).toMatchObject({ outcome: 'unexpected', explanation: 'taken_in_during_count' });
  });

  it('answers "not ours" to a code that is no label or another agency’s item, and records nothing', async () => {
    const store = newStore();
    await stock(store, 1);
    const st = await openCount(store);
    const theirs = await intakeItem(t.client, neighbourManager.token, { storageLocation: store });
    const linesBefore = await t.db('stocktake_lines').where({ stocktake_id: st.id }).count({ n: '*' });
    const attempts = [
      { itemReference: 'https://example.org/qr' },
      { itemReference: 'SI-2026-9999999' },
      { itemReference: theirs.reference },
      { manufacturer: 'Taurus', serialNumber: theirs.weapon.serialNumber },
    ];
    for (const body of attempts) {
      const res = await count(st.id, body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.type).toBe('/problems/not-ours');
      expect(res.body.detail).toMatch(/nothing was recorded/);
      expect(JSON.stringify(res.body)).not.toContain(t.neighbour.code);
    }
    // Another agency's item and no item at all answer alike: the answer tells nothing of the other agency.
    const none = await count(st.id, { itemReference: 'SI-2026-999999' });
    const foreign = await count(st.id, { itemReference: theirs.reference });
    expect(foreign.body.detail.replace(theirs.reference, 'X')).toBe(none.body.detail.replace('SI-2026-999999', 'X'));
    expect(await t.db('stocktake_lines').where({ stocktake_id: st.id }).count({ n: '*' })).toEqual(linesBefore);
    expect((await mgr().get(`/stockpile/stocktakes/${st.id}`)).body.status).toBe('open');
  });

  it('refuses bad count bodies with the field at fault, and other roles and agencies', async () => {
    const store = newStore();
    const [item] = await stock(store, 1);
    const st = await openCount(store);
    const cases: [Record<string, unknown>, string][] = [
      [{}, '/itemReference'],
      [{ itemReference: item!.reference, manufacturer: 'Taurus', serialNumber: 'X' }, '/itemReference'],
      [{ manufacturer: 'Taurus' }, '/serialNumber'],
      [{ serialNumber: 'X1' }, '/manufacturer'],
      [{ itemReference: '  ' }, '/itemReference'],
      [{ itemReference: item!.reference, condition: 'lost' }, '/condition'],
      [{ itemReference: ['SI'] }, '/itemReference'],
      [{ itemReference: item!.reference, note: 'x'.repeat(2001) }, '/note'],
    ];
    for (const [body, path] of cases) {
      const res = await count(st.id, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.errors[0].path).toBe(path);
    }
    for (const who of ['investigator', 'advisor', 'admin'] as const)
      expect((await count(st.id, { itemReference: item!.reference }, t.as(who))).status).toBe(403);
    expect((await count(st.id, { itemReference: item!.reference }, t.client.as(neighbourManager.token))).status).toBe(
      404,
    );
    expect((await count('00000000-0000-4000-8000-000000000000', { itemReference: item!.reference })).status).toBe(404);
  });

  it('merges two devices counting the same store at once: every item counted once', async () => {
    const store = newStore();
    const items = await stock(store, 40);
    const st = await openCount(store);
    // Each device counts 30 items; 20 are counted by both, each twice on one of them (a double scan).
    const deviceA = items.slice(0, 30).flatMap((item, i) => (i % 5 === 0 ? [item, item] : [item]));
    const deviceB = items.slice(10).reverse();
    const run = (client: Client, list: typeof items) =>
      (async () => {
        const results: string[] = [];
        for (const item of list)
          results.push((await count(st.id, { itemReference: item!.reference }, client)).body.result);
        return results;
      })();
    const [a, b] = await Promise.all([run(mgr(), deviceA), run(other(), deviceB)]);
    const counted = [...a, ...b].filter((result) => result === 'counted');
    expect(counted).toHaveLength(40);
    expect([...a, ...b].filter((result) => result === 'already_counted')).toHaveLength(
      deviceA.length + deviceB.length - 40,
    );
    const stocktake = (await mgr().get(`/stockpile/stocktakes/${st.id}`)).body;
    expect(stocktake).toMatchObject({ expected: 40, counted: 40, unexpectedCount: 0 });
    expect(await t.db('stocktake_lines').where({ stocktake_id: st.id }).count({ n: '*' })).toEqual([{ n: 40 }]);
  });
});

describe('closing a count', () => {
  it('needs a second stockpile manager; reports missing, unexpected and left items; raises one critical alert per missing item', async () => {
    const store = newStore();
    const [found, missing1, missing2, destroyed] = await stock(store, 4);
    const [elsewhere] = await stock(newStore(), 1);
    const st = await openCount(store);
    await count(st.id, { itemReference: found!.reference });
    await count(st.id, { itemReference: elsewhere!.reference });
    // Destroyed while the count is open: not missing, but explained.
    const plan = await other().post('/destructions', {
      plannedFor: '2026-12-01',
      method: 'cutting',
      location: 'Patio',
      itemIds: [destroyed!.id],
    });
    expect(
      (
        await other().post(`/destructions/${plan.body.id}/complete`, {
          performedAt: new Date().toISOString(),
          witnesses: WITNESSES,
        })
      ).status,
    ).toBe(200);

    const bySelf = await mgr().post(`/stockpile/stocktakes/${st.id}/close`, { note: 'Listo' });
    expect(bySelf.status).toBe(403);
    expect(bySelf.body.type).toBe('/problems/self-close');
    for (const who of ['investigator', 'advisor', 'admin'] as const)
      expect((await t.as(who).post(`/stockpile/stocktakes/${st.id}/close`, { note: 'Listo' })).status).toBe(403);
    expect((await other().post(`/stockpile/stocktakes/${st.id}/close`, { note: '  ' })).status).toBe(400);
    expect((await other().post(`/stockpile/stocktakes/${st.id}/close`, {})).status).toBe(400);
    expect(
      (await t.client.as(neighbourManager.token).post(`/stockpile/stocktakes/${st.id}/close`, { note: 'x' })).status,
    ).toBe(404);

    const closed = await other().post(`/stockpile/stocktakes/${st.id}/close`, { note: 'Dos faltantes reportados' });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({
      status: 'closed',
      closedBy: second.id,
      closingNote: 'Dos faltantes reportados',
      expected: 4,
      counted: 1,
      unexpectedCount: 1,
      missingCount: 2,
    });
    const ids = (lines: { itemId: string }[]) => lines.map((line) => line.itemId).sort();
    expect(ids(closed.body.missing)).toEqual([missing1!.id, missing2!.id].sort());
    expect(closed.body.missing[0]).toMatchObject({ outcome: 'missing', expected: true, countedAt: null });
    expect(closed.body.unexpected).toMatchObject([{ itemId: elsewhere!.id, explanation: 'recorded_elsewhere' }]);
    expect(closed.body.left).toMatchObject([
      { itemId: destroyed!.id, outcome: 'left', explanation: 'destroyed_during_count', itemStatus: 'destroyed' },
    ]);

    // Closed: no more counts, no second close.
    const late = await count(st.id, { itemReference: missing1!.reference }, other());
    expect(late.status).toBe(409);
    expect(late.body.type).toBe('/problems/stocktake-closed');
    expect((await t.client.as(second.token).post(`/stockpile/stocktakes/${st.id}/close`, { note: 'x' })).status).toBe(
      409,
    );
    // A third manager could not close it either: closed is closed.
    const third = await createUser(t.db, t.home.id, 'stockpile_manager');
    expect((await t.client.as(third.token).post(`/stockpile/stocktakes/${st.id}/close`, { note: 'x' })).status).toBe(
      409,
    );

    // One critical alert per missing item, seen by the agency and its region's advisor — not another region's.
    const alertsOf = async (client: Client) =>
      (
        (await client.get(`/alerts?kind=stock_discrepancy&status=open&limit=200`)).body.items as {
          subject: { id: string };
          severity: string;
          related: { type: string; reference: string }[];
          message: string;
        }[]
      ).filter((alert) => alert.related[0]?.reference === st.reference);
    const seen = await alertsOf(mgr());
    expect(seen.map((alert) => alert.subject.id).sort()).toEqual([missing1!.id, missing2!.id].sort());
    expect(seen[0]).toMatchObject({ severity: 'critical', related: [{ type: 'stocktake', reference: st.reference }] });
    expect(seen[0]!.message).toContain(store);
    expect(await alertsOf(t.as('advisor'))).toHaveLength(2);
    expect(await alertsOf(t.as('farAdvisor'))).toHaveLength(0);
    // A missing gun cannot be planned for destruction while its alert is open.
    const item = (await mgr().get(`/stockpile/items/${missing1!.id}`)).body;
    expect(item.destructionBlockers).toContain('critical_alert');
    expect(item.openAlerts).toMatchObject([{ kind: 'stock_discrepancy', severity: 'critical' }]);

    // The next count finds one of them: its alert closes with a note; the other stays missing, with its one alert.
    const next = await openCount(store, other());
    await count(next.id, { itemReference: missing1!.reference }, other());
    await count(next.id, { itemReference: found!.reference }, other());
    const nextClosed = await mgr().post(`/stockpile/stocktakes/${next.id}/close`, { note: 'Recuento' });
    expect(nextClosed.status).toBe(200);
    expect(nextClosed.body.missing.map((line: { itemId: string }) => line.itemId)).toEqual([missing2!.id]);
    const alerts = await t
      .db('alerts')
      .where({ kind: 'stock_discrepancy' })
      .whereIn('subject_id', [missing1!.id, missing2!.id]);
    const of = (id: string) => alerts.filter((alert) => alert.subject_id === id);
    expect(of(missing1!.id)).toMatchObject([{ status: 'closed', closed_by: t.users.stockpile.id }]);
    expect(of(missing1!.id)[0].closing_note).toContain(next.reference);
    expect(of(missing2!.id)).toMatchObject([{ status: 'open', related_id: st.id }]);
    expect(
      await t
        .db('audit_log')
        .where({ entity_id: of(missing1!.id)[0].id })
        .pluck('action'),
    ).toEqual(['alert.close']);
    // The first count's result is what was signed off, whatever happened since.
    const firstAgain = (await mgr().get(`/stockpile/stocktakes/${st.id}`)).body;
    expect(ids(firstAgain.missing)).toEqual([missing1!.id, missing2!.id].sort());
  }, 60_000);

  it('a count closed with nothing counted reports every expected item missing; an empty store closes clean', async () => {
    const store = newStore();
    await stock(store, 2);
    const st = await openCount(store);
    const closed = await other().post(`/stockpile/stocktakes/${st.id}/close`, { note: 'Nadie contó' });
    expect(closed.body).toMatchObject({ status: 'closed', missingCount: 2, counted: 0 });
    const empty = await openCount(newStore());
    expect(empty.expected).toBe(0);
    const closedEmpty = await other().post(`/stockpile/stocktakes/${empty.id}/close`, { note: 'Vacío' });
    expect(closedEmpty.body).toMatchObject({ status: 'closed', missingCount: 0, missing: [] });
  });

  it('a close and counts at the same moment: every count is in the result or refused, never lost', async () => {
    const store = newStore();
    const items = await stock(store, 30);
    const st = await openCount(store);
    const counts = items.map((item) => count(st.id, { itemReference: item!.reference }, mgr()));
    const close = other().post(`/stockpile/stocktakes/${st.id}/close`, { note: 'Cierre' });
    const answers = await Promise.all(counts);
    expect((await close).status).toBe(200);
    const accepted = answers.filter((answer) => answer.status === 200).length;
    expect(answers.every((answer) => answer.status === 200 || answer.status === 409)).toBe(true);
    const final = (await mgr().get(`/stockpile/stocktakes/${st.id}`)).body;
    expect(final.counted).toBe(accepted);
    expect(final.missingCount).toBe(30 - accepted);
  });
});

describe('reading counts', () => {
  it('lists in scope, newest first, by status and store; the region’s advisor reads them, another region does not', async () => {
    const store = newStore();
    await stock(store, 1);
    const st = await openCount(store);
    const mine = await mgr().get(`/stockpile/stocktakes?storageLocation=${encodeURIComponent(store)}`);
    expect(mine.body.items.map((s: { id: string }) => s.id)).toEqual([st.id]);
    const open = await t.as('advisor').get('/stockpile/stocktakes?status=open&limit=200');
    expect(open.body.items.some((s: { id: string }) => s.id === st.id)).toBe(true);
    expect(open.body.items.every((s: { status: string }) => s.status === 'open')).toBe(true);
    expect((await t.as('farAdvisor').get(`/stockpile/stocktakes/${st.id}`)).status).toBe(404);
    expect((await t.as('investigator').get('/stockpile/stocktakes')).status).toBe(403);
    // Paging: every stocktake once.
    const seen = new Set<string>();
    let cursor: string | null = null;
    do {
      const page: { body: { items: { id: string }[]; nextCursor: string | null } } = await mgr().get(
        `/stockpile/stocktakes?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      for (const item of page.body.items) {
        expect(seen.has(item.id)).toBe(false);
        seen.add(item.id);
      }
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen.has(st.id)).toBe(true);
    expect((await mgr().get('/stockpile/stocktakes?cursor=nope')).status).toBe(400);
    expect((await mgr().get(`/stockpile/stocktakes/${st.id}/lines?outcome=lost`)).status).toBe(400);
  });

  it('shows the region’s stores by their last full count, overdue ones highlighted first', async () => {
    const counted = newStore();
    const never = newStore();
    await stock(counted, 1);
    await stock(never, 1);
    const st = await openCount(counted);
    await other().post(`/stockpile/stocktakes/${st.id}/close`, { note: 'ok' });
    const underway = await openCount(never);
    const stores = (await t.as('advisor').get('/stockpile/stores')).body.items as {
      storageLocation: string;
      agency: { code: string };
      overdue: boolean;
      lastCount: { reference: string; missing: number } | null;
      openStocktake: { reference: string } | null;
      items: number;
    }[];
    const of = (name: string) => stores.find((store) => store.storageLocation === name)!;
    expect(of(counted)).toMatchObject({
      overdue: false,
      items: 1,
      lastCount: { reference: st.reference, missing: 1 },
      openStocktake: null,
      agency: { code: t.home.code },
    });
    expect(of(never)).toMatchObject({
      overdue: true,
      lastCount: null,
      openStocktake: { reference: underway.reference },
    });
    expect(stores.findIndex((s) => s.storageLocation === never)).toBeLessThan(
      stores.findIndex((s) => s.storageLocation === counted),
    );
    // A count a year and a day old is overdue.
    await t
      .db('stocktakes')
      .where({ id: st.id })
      .update({ closed_at: new Date(Date.now() - 366 * 86_400_000) });
    const later = (await t.as('advisor').get('/stockpile/stores')).body.items as typeof stores;
    expect(later.find((s) => s.storageLocation === counted)!.overdue).toBe(true);
    const far = (await t.as('farAdvisor').get('/stockpile/stores')).body.items as typeof stores;
    expect(far.some((s) => s.storageLocation === counted)).toBe(false);
  });

  it('prints the signed count sheet: the store, who opened and who closed it, missing and unexpected items, page numbers', async () => {
    const store = newStore();
    const [a, b] = await stock(store, 2);
    const [elsewhere] = await stock(newStore(), 1);
    const st = await openCount(store);
    await count(st.id, { itemReference: a!.reference });
    await count(st.id, { itemReference: elsewhere!.reference });
    const draft = await pdfOf(`/stockpile/stocktakes/${st.id}`, t.users.advisor.token);
    expect(draft.status).toBe(200);
    expect(draft.type).toBe('application/pdf');
    expect(await textOf(draft.bytes)).toContain('NO CERRADO / NOT CLOSED');
    await other().post(`/stockpile/stocktakes/${st.id}/close`, { note: 'Firmado' });
    const sheet = await pdfOf(`/stockpile/stocktakes/${st.id}`, t.users.stockpile.token);
    const text = await textOf(sheet.bytes);
    expect(text).toContain(st.reference);
    expect(text).toContain(store);
    expect(text).toContain('Faltantes / Missing (1)');
    expect(text).toContain(b!.reference);
    expect(text).toContain('Inesperados / Unexpected (1)');
    expect(text).toContain('Su registro indica otra ubicación / Its record names another location');
    expect(text).toContain(`Cerró / Closed by: stockpile_manager`);
    expect(text).toContain('Página 1 de 1 / Page 1 of 1');
    expect(text).not.toContain('NO CERRADO');
    expect(Buffer.from(sheet.bytes).toString('latin1')).toMatch(/\/BaseFont \/[A-Z]{6}\+NotoSans/);
    // JSON stays the default; each print is audited.
    expect((await mgr().get(`/stockpile/stocktakes/${st.id}`)).headers.get('content-type')).toMatch(/json/);
    expect(await t.db('audit_log').where({ entity_id: st.id, action: 'stocktake.print' }).count({ n: '*' })).toEqual([
      { n: 2 },
    ]);
  });
});

/** The QR codes on a PDF page, read from its picture as a phone would. */
async function qrCodesOn(bytes: Uint8Array, scale = 3): Promise<string[]> {
  const shots = await new PDFParse({ data: bytes.slice() }).getScreenshot({ scale, imageBuffer: true });
  const codes: string[] = [];
  for (const page of shots.pages) {
    const image = await loadImage(Buffer.from(page.data));
    const canvas = createCanvas(image.width, image.height);
    const context = canvas.getContext('2d');
    context.drawImage(image, 0, 0);
    const { data, width, height } = context.getImageData(0, 0, image.width, image.height);
    const luminance = new Uint8ClampedArray(width * height);
    for (let i = 0; i < luminance.length; i++) luminance[i] = (data[i * 4]! + data[i * 4 + 1]! + data[i * 4 + 2]!) / 3;
    const bitmap = new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(luminance, width, height)));
    codes.push(new QRCodeReader().decode(bitmap).getText());
  }
  return codes;
}

describe('labels', () => {
  it('prints one item’s label for a label printer: its reference, the weapon’s short form, a QR code of the reference', async () => {
    const [item] = await stock(newStore(), 1);
    const label = await pdfOf(`/stockpile/items/${item!.id}/label`, t.users.stockpile.token);
    expect(label.status).toBe(200);
    expect(label.type).toBe('application/pdf');
    const text = await textOf(label.bytes);
    expect(text).toContain(item!.reference);
    expect(text).toContain(`Taurus PT92 9mm S/N ${item!.weapon.serialNumber}`);
    const { pages } = await new PDFParse({ data: label.bytes.slice() }).getScreenshot({ scale: 1, imageBuffer: false });
    expect(pages).toHaveLength(1);
    expect(Math.round(pages[0]!.width)).toBe(Math.round((62 * 72) / 25.4));
    expect(await qrCodesOn(label.bytes)).toEqual([item!.reference]);
    expect((await pdfOf(`/stockpile/items/${item!.id}/label?layout=a4_2x7`, t.users.advisor.token)).status).toBe(200);
    expect((await pdfOf(`/stockpile/items/${item!.id}/label?layout=huge`, t.users.stockpile.token)).status).toBe(400);
    expect((await pdfOf(`/stockpile/items/${item!.id}/label`, t.users.farAdvisor.token)).status).toBe(400);
    expect((await pdfOf(`/stockpile/items/${item!.id}/label`, t.users.investigator.token)).status).toBe(403);
  }, 60_000);

  it('prints a whole store on A4 sheets of 24, and chosen items; refuses items out of scope', async () => {
    const store = newStore();
    const items = await stock(store, 26);
    const sheet = await fetch(`${t.client.baseUrl}/api/v1/stockpile/labels`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.users.stockpile.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ storageLocation: store }),
    });
    expect(sheet.status).toBe(200);
    const bytes = new Uint8Array(await sheet.arrayBuffer());
    const info = await new PDFParse({ data: bytes.slice() }).getInfo();
    expect(info.total).toBe(2);
    const text = await textOf(bytes);
    for (const item of items) expect(text).toContain(item!.reference);

    const chosen = await mgr().post('/stockpile/labels', {
      itemIds: [items[0]!.id, items[1]!.id],
      layout: 'roll_62x29',
    });
    expect(chosen.status).toBe(200);
    const theirs = await intakeItem(t.client, neighbourManager.token, { storageLocation: store });
    const foreign = await mgr().post('/stockpile/labels', { itemIds: [items[0]!.id, theirs.id] });
    expect(foreign.status).toBe(400);
    expect(foreign.body.errors).toEqual([{ path: '/itemIds/1', message: 'is not a stockpile item in your scope' }]);
    for (const body of [
      {},
      { itemIds: [], storageLocation: store },
      { itemIds: [items[0]!.id], storageLocation: store },
      { itemIds: [items[0]!.id, items[0]!.id] },
      { itemIds: Array.from({ length: 1001 }, () => items[0]!.id) },
      { storageLocation: newStore() },
    ])
      expect((await mgr().post('/stockpile/labels', body)).status, JSON.stringify(body).slice(0, 80)).toBe(400);
  }, 60_000);
});
