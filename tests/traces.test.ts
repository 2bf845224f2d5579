import { parse } from 'csv-parse/sync';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCase, traceBody, unique, useWorld } from './support/harness.ts';

const t = useWorld();

let caseId: string;
const inv = () => t.client.as(t.users.investigator.token);

beforeAll(async () => {
  caseId = (await createCase(t.client, t.users.investigator.token)).id;
});

const usWeapon = () => ({
  manufacturer: 'Smith & Wesson',
  model: 'M&P9',
  caliber: '9mm',
  type: 'pistol',
  serialNumber: unique('US'),
  serialObliterated: false,
  countryOfManufacture: 'US',
});

describe('creating traces', () => {
  it('creates a clean trace straight to queued, with a TR reference, events and the weapon linked to the case', async () => {
    const res = await inv().post('/traces', traceBody(caseId, { weapon: usWeapon() }));
    expect(res.status).toBe(201);
    const trace = res.body;
    expect(trace.reference).toMatch(new RegExp(`^TR-${new Date().getUTCFullYear()}-\\d{6}$`));
    expect(trace).toMatchObject({
      status: 'queued',
      stage: null,
      urgent: false,
      urgentReason: null,
      qualityFlags: [],
      agencyId: t.home.id,
      caseId,
      createdBy: t.users.investigator.id,
      attempts: 0,
      result: null,
      assignedTo: null,
      completedAt: null,
      recovery: {
        date: '2026-10-01',
        country: 'SV',
        department: 'San Salvador',
        circumstance: 'seizure',
        municipality: null,
      },
      possessor: { firstName: 'Juan', lastName: 'Pérez', dateOfBirth: '1990-05-04', nationality: 'SV' },
    });
    expect(trace.submittedAt).not.toBeNull();
    const events = await inv().get(`/traces/${trace.id}/events`);
    expect(events.body.items).toEqual([
      expect.objectContaining({
        type: 'submitted',
        fromStatus: null,
        toStatus: 'queued',
        actor: { id: t.users.investigator.id, name: t.users.investigator.name, role: 'investigator' },
      }),
    ]);
    const kase = await inv().get(`/cases/${caseId}`);
    expect(kase.body.weapons.map((w: { id: string }) => w.id)).toContain(trace.weaponId);
    expect(kase.body.traces).toContainEqual(expect.objectContaining({ id: trace.id, status: 'queued', outcome: null }));
  });

  it('flags urgent, obliterated serial and missing importer, and sends flagged traces to review', async () => {
    const res = await inv().post(
      '/traces',
      traceBody(caseId, {
        urgent: true,
        urgentReason: 'Homicide suspect in custody for 72 h',
        weapon: {
          manufacturer: 'Taurus',
          model: 'PT92',
          caliber: '9mm',
          type: 'pistol',
          serialObliterated: true,
          countryOfManufacture: 'BR',
        },
      }),
    );
    expect(res.status).toBe(201);
    expect(res.body.status).toBe('pending_review');
    expect(res.body.qualityFlags).toEqual(['urgent', 'obliterated_serial', 'missing_importer']);
    expect(res.body.weapon).toMatchObject({ serialNumber: null, serialObliterated: true, importer: null });
  });

  it('sends every trace of an agency with reviewRequired to review', async () => {
    await t.db('agencies').where({ id: t.home.id }).update({ review_required: true });
    try {
      const res = await inv().post('/traces', traceBody(caseId, { weapon: usWeapon() }));
      expect(res.body).toMatchObject({ status: 'pending_review', qualityFlags: [] });
    } finally {
      await t.db('agencies').where({ id: t.home.id }).update({ review_required: false });
    }
  });

  it('treats "ab-12.3" and "AB 123" from the same manufacturer as one weapon, and another maker as another', async () => {
    const serialBase = unique('AB');
    const weapon = (serialNumber: string, manufacturer = 'Beretta') => ({
      manufacturer,
      model: '92FS',
      caliber: '9mm',
      type: 'pistol',
      serialNumber,
      countryOfManufacture: 'IT',
      importer: 'Beretta USA',
    });
    const first = await inv().post(
      '/traces',
      traceBody(caseId, { weapon: weapon(`${serialBase.toLowerCase()}-12.3`) }),
    );
    const second = await inv().post(
      '/traces',
      traceBody(caseId, {
        weapon: weapon(`${serialBase} 123`, ' beretta '),
        recovery: { date: '2026-09-01', circumstance: 'found' },
      }),
    );
    const other = await inv().post('/traces', traceBody(caseId, { weapon: weapon(`${serialBase}123`, 'Bersa') }));
    expect([first.status, second.status, other.status]).toEqual([201, 201, 201]);
    expect(second.body.weaponId).toBe(first.body.weaponId);
    expect(other.body.weaponId).not.toBe(first.body.weaponId);
    const found = await inv().get(`/weapons?serial=${encodeURIComponent(`${serialBase}/12 3`)}&manufacturer=BERETTA`);
    expect(found.body.items.map((w: { id: string }) => w.id)).toEqual([first.body.weaponId]);
  });

  it('refuses a duplicate (same weapon, case and recovery date) with 409 and duplicateOf, but not once cancelled', async () => {
    const body = traceBody(caseId, { weapon: usWeapon() });
    const first = await inv().post('/traces', body);
    const again = await inv().post('/traces', body);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ status: 409, duplicateOf: first.body.id });
    expect(again.headers.get('content-type')).toContain('application/problem+json');
    await inv().post(`/traces/${first.body.id}/cancel`, { reason: 'entered twice' });
    expect((await inv().post('/traces', body)).status).toBe(201);
  });

  it('refuses a case of another agency and a closed case', async () => {
    const otherCase = await createCase(t.client, t.users.neighbourInvestigator.token);
    const res = await inv().post('/traces', traceBody(otherCase.id));
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ path: '/caseId', message: 'is not a case of your agency' }]);
    const closed = await createCase(t.client, t.users.investigator.token);
    await inv().patch(`/cases/${closed.id}`, { status: 'closed' });
    expect((await inv().post('/traces', traceBody(closed.id))).status).toBe(409);
  });
});

describe('validation', () => {
  it('lists every failing field with its JSON Pointer, unknown and missing fields at their own path', async () => {
    const res = await inv().post('/traces', {
      caseId: 'not-a-uuid',
      weapon: {
        manufacturer: '',
        model: 'X',
        caliber: '9mm',
        type: 'bazooka',
        color: 'black',
        countryOfManufacture: 'usa',
      },
      recovery: { date: '2026-13-45' },
      urgent: 'yes',
      extra: 1,
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const paths = res.body.errors.map((e: { path: string }) => e.path).sort();
    expect(paths).toEqual([
      '/caseId',
      '/extra',
      '/recovery/circumstance',
      '/recovery/date',
      '/urgent',
      '/weapon/color',
      '/weapon/countryOfManufacture',
      '/weapon/manufacturer',
      '/weapon/type',
    ]);
    const missing = await inv().post('/traces', { caseId });
    expect(missing.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['/recovery', '/weapon']);
  });

  it('applies the field rules no schema expresses', async () => {
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const res = await inv().post(
      '/traces',
      traceBody(caseId, {
        urgent: true,
        weapon: { manufacturer: 'Glock', model: '19', caliber: '9mm', type: 'pistol', countryOfManufacture: 'AT' },
        recovery: { date: tomorrow, circumstance: 'found' },
      }),
    );
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      { path: '/weapon/serialNumber', message: 'is required unless serialObliterated is true' },
      { path: '/recovery/date', message: 'must not be in the future' },
      { path: '/urgentReason', message: 'is required when urgent is true' },
    ]);
  });

  it('answers malformed JSON 400, a body over 1 MiB 413, a wrong content type 415, an unknown route 404 — all problem+json', async () => {
    const malformed = await inv().request('POST', '/traces', '{"caseId": ', { 'content-type': 'application/json' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.type).toBe('/problems/malformed-json');
    const big = await inv().post('/traces', { ...traceBody(caseId), notes: 'x'.repeat(1_100_000) });
    expect(big.status).toBe(413);
    const wrongType = await inv().request('POST', '/traces', 'caseId=1', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(wrongType.status).toBe(415);
    const unknown = await inv().get('/nothing-here');
    expect(unknown.status).toBe(404);
    for (const res of [malformed, big, wrongType, unknown]) {
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body).toMatchObject({
        type: expect.any(String),
        title: expect.any(String),
        status: res.status,
        detail: expect.any(String),
      });
    }
  });

  it('validates query parameters at /query/<name> and rejects unknown ones', async () => {
    const res = await inv().get('/traces?limit=500&status=open&bogus=1');
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      '/query/bogus',
      '/query/limit',
      '/query/status',
    ]);
  });
});

describe('listing traces', () => {
  it('filters by status, case, weapon, urgent and q (reference or serial), and pages with a keyset cursor', async () => {
    const listCase = (await createCase(t.client, t.users.investigator.token)).id;
    const created = [];
    for (let i = 0; i < 5; i++) {
      created.push((await inv().post('/traces', traceBody(listCase, { weapon: usWeapon(), draft: i % 2 === 0 }))).body);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: { id: string }[]; nextCursor: string | null } } = await inv().get(
        `/traces?caseId=${listCase}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...page.body.items.map((x) => x.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(created.map((c) => c.id).reverse());

    const drafts = await inv().get(`/traces?caseId=${listCase}&status=draft`);
    expect(drafts.body.items).toHaveLength(3);
    const both = await inv().get(`/traces?caseId=${listCase}&status=draft,queued`);
    expect(both.body.items).toHaveLength(5);
    expect((await inv().get(`/traces?q=${created[1].reference}`)).body.items.map((x: { id: string }) => x.id)).toEqual([
      created[1].id,
    ]);
    const serial = created[3].weapon.serialNumber as string;
    expect(
      (await inv().get(`/traces?q=${serial.slice(0, -2).toLowerCase()}`)).body.items.map((x: { id: string }) => x.id),
    ).toEqual([created[3].id]);
    expect(
      (await inv().get(`/traces?weaponId=${created[4].weaponId}`)).body.items.map((x: { id: string }) => x.id),
    ).toEqual([created[4].id]);
    expect((await inv().get(`/traces?caseId=${listCase}&urgent=true`)).body.items).toHaveLength(0);
  });
});

describe('editing and submitting', () => {
  it('patches a draft, recomputes flags, then submits; a queued trace can no longer be edited', async () => {
    const draft = (await inv().post('/traces', traceBody(caseId, { weapon: usWeapon(), draft: true }))).body;
    expect(draft.status).toBe('draft');
    expect(draft.submittedAt).toBeNull();
    const patched = await inv().patch(`/traces/${draft.id}`, {
      urgent: true,
      urgentReason: 'Suspect detained',
      notes: 'Recovered under the seat',
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      urgent: true,
      qualityFlags: ['urgent'],
      notes: 'Recovered under the seat',
      status: 'draft',
    });
    const unflagged = await inv().patch(`/traces/${draft.id}`, { urgent: false, possessor: null });
    expect(unflagged.body).toMatchObject({ urgent: false, urgentReason: null, qualityFlags: [], possessor: null });
    const bad = await inv().patch(`/traces/${draft.id}`, { urgent: true });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ path: '/urgentReason', message: 'is required when urgent is true' }]);

    const submitted = await inv().post(`/traces/${draft.id}/submit`);
    expect(submitted.status).toBe(200);
    expect(submitted.body.status).toBe('queued');
    expect((await inv().patch(`/traces/${draft.id}`, { notes: 'late' })).status).toBe(409);
    const types = (await inv().get(`/traces/${draft.id}/events`)).body.items.map((e: { type: string }) => e.type);
    expect(types).toEqual(['created', 'updated', 'updated', 'submitted']);
  });
});

describe('POST /traces/bulk', () => {
  function rows(caseId: string, otherCaseId: string) {
    const body = Array.from({ length: 500 }, (_, i) =>
      traceBody(caseId, {
        weapon: {
          manufacturer: 'Glock',
          model: '17',
          caliber: '9mm',
          type: 'pistol',
          serialNumber: unique(`BULK${i}-`),
          countryOfManufacture: 'AT',
          importer: 'Glock Inc.',
        },
      }),
    ) as Record<string, any>[];
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
    const failures = Object.fromEntries(
      res.body.results.filter((r: any) => r.errors).map((r: any) => [r.index, r.errors]),
    );
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
    const kase = await createCase(t.client, t.users.investigator.token);
    const other = await createCase(t.client, t.users.neighbourInvestigator.token);
    const key = unique('bulk-');
    const body = rows(kase.id, other.id);
    const res = await inv().post('/traces/bulk', body, { 'idempotency-key': key });
    expectExactOutcome(res);
    const stored = await t.db('traces').where({ case_id: kase.id });
    expect(stored).toHaveLength(494);
    expect(new Set(stored.map((r) => r.status))).toEqual(new Set(['queued']));
    expect(
      await t.db('trace_events').whereIn(
        'trace_id',
        stored.map((r) => r.id),
      ),
    ).toHaveLength(494);
    expect(
      await t.db('trace_outbox').whereIn(
        'trace_id',
        stored.map((r) => r.id),
      ),
    ).toHaveLength(494);
    const replay = await inv().post('/traces/bulk', body, { 'idempotency-key': key });
    expect(replay.body).toEqual(res.body);
    expect(await t.db('traces').where({ case_id: kase.id })).toHaveLength(494);
  });

  it('imports 500 CSV rows with the same per-row outcome', async () => {
    const kase = await createCase(t.client, t.users.investigator.token);
    const other = await createCase(t.client, t.users.neighbourInvestigator.token);
    const header =
      'caseId,weapon.manufacturer,weapon.model,weapon.caliber,weapon.type,weapon.serialNumber,weapon.importer,weapon.countryOfManufacture,recovery.date,recovery.circumstance,colour,urgent,urgentReason';
    const lines = rows(kase.id, other.id).map((r) =>
      [
        r.caseId,
        r.weapon?.manufacturer ?? '',
        r.weapon?.model ?? '',
        r.weapon?.caliber ?? '',
        r.weapon?.type ?? '',
        r.weapon?.serialNumber ?? '',
        r.weapon?.importer ?? '',
        r.weapon?.countryOfManufacture ?? '',
        r.recovery.date,
        r.recovery.circumstance,
        r.colour ?? '',
        r.urgent ? 'true' : '',
        '',
      ].join(','),
    );
    const unknownColumn = await inv().request('POST', '/traces/bulk', `${header}\n${lines.join('\n')}\n`, {
      'content-type': 'text/csv',
    });
    expect(unknownColumn.status).toBe(400);
    expect(unknownColumn.body.errors).toEqual([{ path: '/header/colour', message: 'is not a known column' }]);

    const csv = (h: string, ls: string[]) => `${h}\n${ls.join('\n')}\n`;
    const noColour = header.replace(',colour', '');
    const cleaned = lines.map((l) => {
      const cells = l.split(',');
      cells.splice(10, 1);
      return cells.join(',');
    });
    // Row 150's unknown field cannot exist in CSV; give it an unknown enum instead.
    cleaned[150] = cleaned[150]!.replace(',pistol,', ',bazooka,');
    const res = await inv().request('POST', '/traces/bulk', csv(noColour, cleaned), { 'content-type': 'text/csv' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ created: 494, failed: 6 });
    expect(res.body.results[3].errors).toEqual([{ path: '/weapon', message: 'is required' }]);
    expect(res.body.results[150].errors).toEqual([
      { path: '/weapon/type', message: expect.stringContaining('must be one of') },
    ]);
    expect(res.body.results[333].duplicateOf).toBe(res.body.results[332].traceId);
    expect(res.body.results[499].errors).toEqual([
      { path: '/urgentReason', message: 'is required when urgent is true' },
    ]);
  });

  it('reads the example file as a Spanish spreadsheet saves it: byte-order mark, “;” between cells, CRLF', async () => {
    const caseNumber = unique('PNC-ES-');
    await inv().post('/cases', { caseNumber, title: 'Tráfico de armas en Santa Ana', offense: 'arms_trafficking' });
    const example = readFileSync(new URL('./fixtures/bulk-example.csv', import.meta.url), 'utf8');
    const rows: string[][] = parse(example, { bom: true, skip_empty_lines: true });
    // Its own case and serials; cells holding a ";" quoted, as a spreadsheet writes them.
    const cells = rows.map((row, n) =>
      n === 0
        ? row
        : row.map((cell, column) => (column === 0 ? caseNumber : column === 5 && cell ? `${cell}ES` : cell)),
    );
    const spanish = `\uFEFF${cells.map((row) => row.map((cell) => (cell.includes(';') ? `"${cell}"` : cell)).join(';')).join('\r\n')}\r\n`;
    const res = await inv().request('POST', '/traces/bulk', spanish, { 'content-type': 'text/csv' });
    expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(200);
    expect(res.body).toMatchObject({ created: 3, failed: 0 });
  });

  it("reads the documented example file, whose rows name their case by its number (the demo's first case)", async () => {
    const kase = (
      await inv().post('/cases', {
        caseNumber: 'PNC-DAE-2026-0101',
        title: 'Homicidio en Soyapango',
        offense: 'homicide',
      })
    ).body;
    const example = readFileSync(new URL('./fixtures/bulk-example.csv', import.meta.url), 'utf8');
    const res = await inv().request('POST', '/traces/bulk', example, { 'content-type': 'text/csv' });
    expect(res.body).toMatchObject({ created: 3, failed: 0 });
    const traces = (await inv().get(`/traces?caseId=${kase.id}`)).body.items;
    expect(traces.map((x: any) => x.qualityFlags).sort()).toEqual([['obliterated_serial'], ['urgent'], []].sort());
  });

  it('a case number another agency has, or none has, or that contradicts caseId, fails its row only', async () => {
    const mine = await createCase(t.client, t.users.investigator.token);
    const number = (await t.as('investigator').get(`/cases/${mine.id}`)).body.caseNumber as string;
    const theirs = (
      await t.as('farInvestigator').post('/cases', { caseNumber: unique('FAR-'), title: 'Robo', offense: 'robbery' })
    ).body;
    const other = await createCase(t.client, t.users.investigator.token);
    const { caseId: _, ...row } = traceBody(mine.id);
    const res = await inv().post('/traces/bulk', [
      { ...row, caseNumber: number },
      { ...row, caseNumber: theirs.caseNumber, weapon: { ...row.weapon, serialNumber: unique('SN') } },
      { ...row, caseNumber: 'NO-SUCH-CASE', weapon: { ...row.weapon, serialNumber: unique('SN') } },
      { ...row, caseNumber: number, caseId: other.id, weapon: { ...row.weapon, serialNumber: unique('SN') } },
      { ...row, caseNumber: 42, weapon: { ...row.weapon, serialNumber: unique('SN') } },
    ]);
    expect(res.status).toBe(200);
    expect(res.body.created).toBe(1);
    expect((await t.as('investigator').get(`/traces/${res.body.results[0].traceId}`)).body.caseId).toBe(mine.id);
    expect(res.body.results.slice(1).map((r: { errors: { path: string; message: string }[] }) => r.errors)).toEqual([
      [{ path: '/caseNumber', message: 'is not a case number of your agency' }],
      [{ path: '/caseNumber', message: 'is not a case number of your agency' }],
      [{ path: '/caseNumber', message: 'names another case than caseId' }],
      [{ path: '/caseNumber', message: 'must be string' }],
    ]);
  });

  it('refuses more than 500 rows and an empty body', async () => {
    const kase = await createCase(t.client, t.users.investigator.token);
    const tooMany = await inv().post(
      '/traces/bulk',
      Array.from({ length: 501 }, () => traceBody(kase.id)),
    );
    expect(tooMany.status).toBe(400);
    expect((await inv().post('/traces/bulk', [])).status).toBe(400);
    expect((await t.client.as(t.users.advisor.token).post('/traces/bulk', [traceBody(kase.id)])).status).toBe(403);
  });
});
