import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { createCase, traceBody, useWorld } from './support/harness.ts';

const t = useWorld();

const inv = () => t.client.as(t.users.investigator.token);

async function settle(id: string, status: string, result: Record<string, unknown> | null) {
  await t
    .db('traces')
    .where({ id })
    .update({ status, result: result ? JSON.stringify(result) : null });
}

describe('GET /reports/traces', () => {
  let caseId: string;
  beforeAll(async () => {
    caseId = (await createCase(t.client, t.users.investigator.token)).id;
    const make = async (overrides: Record<string, unknown>) =>
      (await inv().post('/traces', traceBody(caseId, overrides))).body.id as string;
    const ttc = [100, 200, 300, 400, 2000];
    for (const [i, days] of ttc.entries()) {
      const id = await make({
        recovery: {
          date: `2026-0${i + 1}-15`,
          department: i < 3 ? 'San Salvador' : 'Santa Ana',
          circumstance: 'seizure',
        },
      });
      await settle(id, 'completed', {
        outcome: 'purchaser_identified',
        dealer: { name: 'Lone Star Guns', licenseNumber: '5-74-113-01-2C-04123', city: 'Houston', state: 'TX' },
        sourceCountry: 'US',
        sourceState: 'TX',
        timeToCrimeDays: days,
        saleDate: '2020-01-01',
      });
    }
    const exporter = await make({
      recovery: { date: '2026-03-02', department: '=HYPERLINK("http://x")', circumstance: 'found' },
    });
    await settle(exporter, 'completed', { outcome: 'exporter_identified', sourceCountry: 'US' });
    const foreign = await make({ recovery: { date: '2026-03-03', department: '+SUM(A1)', circumstance: 'found' } });
    await settle(foreign, 'not_traceable', {
      outcome: 'not_traceable',
      reason: 'foreign_no_us_record',
      sourceCountry: 'AT',
    });
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
      from: '2026-01-01',
      to: '2026-06-30',
      groupBy: 'outcome',
      total: 8,
      byOutcome: {
        purchaser_identified: 5,
        dealer_identified: 0,
        importer_identified: 0,
        exporter_identified: 1,
        not_traceable: 1,
        pending: 1,
      },
      timeToCrime: {
        count: 5,
        medianDays: 300,
        p25Days: 200,
        p75Days: 400,
        under3YearsShare: 0.8,
        buckets: { underOneYear: 3, oneToThreeYears: 1, overThreeYears: 1 },
      },
    });
    expect(res.body.groups).toEqual([
      { key: 'purchaser_identified', count: 5, completed: 5, medianTimeToCrimeDays: 300 },
      { key: 'exporter_identified', count: 1, completed: 1, medianTimeToCrimeDays: null },
      { key: 'not_traceable', count: 1, completed: 0, medianTimeToCrimeDays: null },
      { key: 'pending', count: 1, completed: 0, medianTimeToCrimeDays: null },
    ]);
  });

  it('total equals the sum of the groups for every groupBy, and the count from the trace list', async () => {
    const listed = (
      await inv().get(
        `/traces?caseId=${caseId}&status=pending_review,queued,in_progress,needs_info,completed,not_traceable,failed&limit=200`,
      )
    ).body.items.filter(
      (x: { recovery: { date: string } }) => x.recovery.date >= '2026-01-01' && x.recovery.date <= '2026-06-30',
    );
    for (const groupBy of [
      'outcome',
      'manufacturer',
      'type',
      'department',
      'sourceCountry',
      'agency',
      'month',
      'dealer',
    ]) {
      const res = await report(`groupBy=${groupBy}`);
      expect(res.body.total, groupBy).toBe(
        res.body.groups.reduce((sum: number, g: { count: number }) => sum + g.count, 0),
      );
      expect(res.body.total, groupBy).toBe(listed.length);
    }
    expect((await report('groupBy=month')).body.groups.map((g: { key: string }) => g.key).sort()).toEqual([
      '2026-01',
      '2026-02',
      '2026-03',
      '2026-04',
      '2026-05',
    ]);
    expect((await report('groupBy=dealer')).body.groups).toEqual([
      { key: '5-74-113-01-2C-04123', count: 5, completed: 5, medianTimeToCrimeDays: 300 },
      { key: 'unknown', count: 3, completed: 1, medianTimeToCrimeDays: null },
    ]);
    expect((await report('groupBy=sourceCountry')).body.groups).toContainEqual({
      key: 'US',
      count: 6,
      completed: 6,
      medianTimeToCrimeDays: 300,
    });
  });

  it('is scoped like reads', async () => {
    expect(
      (await t.client.as(t.users.farAdvisor.token).get('/reports/traces?from=2026-01-01&to=2026-06-30')).body.total,
    ).toBe(0);
    expect(
      (await t.client.as(t.users.advisor.token).get('/reports/traces?from=2026-01-01&to=2026-06-30')).body.total,
    ).toBe(8);
    expect(
      (
        await t.client
          .as(t.users.advisor.token)
          .get(`/reports/traces?from=2026-01-01&to=2026-06-30&agencyId=${t.faraway.id}`)
      ).body.total,
    ).toBe(0);
    expect((await inv().get('/reports/traces?from=2026-07-01&to=2026-01-01')).status).toBe(400);
    expect((await inv().get('/reports/traces?groupBy=color')).body.errors[0].path).toBe('/query/groupBy');
  });

  it('gives the groups as CSV with formula-like cells neutralised', async () => {
    const res = await inv().get('/reports/traces?from=2026-01-01&to=2026-06-30&groupBy=department', {
      accept: 'text/csv',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    expect(res.body as string).not.toMatch(/^\uFEFF/);
    expect(res.body as string).not.toMatch(/[^\r]\n/);
    const lines = (res.body as string).trim().split('\r\n');
    expect(lines[0]).toBe('department,count,completed,medianTimeToCrimeDays');
    expect(lines).toContain('San Salvador,3,3,200');
    expect(lines).toContain('Santa Ana,2,2,1200');
    expect(lines).toContain(`"'=HYPERLINK(""http://x"")",1,1,`);
    expect(lines).toContain("'+SUM(A1),1,0,");
    expect(lines).toContain("'@cmd,1,0,");
    expect(
      lines.some(
        (l) => l.startsWith('=') || l.startsWith('+') || l.startsWith('@') || l.startsWith('-') || l.startsWith('"='),
      ),
    ).toBe(false);
  });
});

describe('CSV for spreadsheets (?excel=true)', () => {
  beforeAll(async () => {
    const caseId = (await createCase(t.client, t.users.investigator.token)).id;
    const departments = ['Cabañas', '＝1+1', '＠cmd', 'San Miguel', 'Cabañas'];
    for (const [i, department] of departments.entries()) {
      const body = traceBody(caseId, {
        recovery: { date: `2025-${['10', '08', '09', '08', '10'][i]}-0${i + 1}`, department, circumstance: 'found' },
      });
      expect((await inv().post('/traces', body)).status).toBe(201);
    }
  });
  // The bytes as a spreadsheet gets them (a Response's text() would drop the byte-order mark).
  const csv = async (query: string, language: string) => {
    const res = await fetch(
      `${t.client.baseUrl}/api/v1/reports/traces?from=2025-08-01&to=2025-10-31&excel=true&${query}`,
      {
        headers: {
          authorization: `Bearer ${t.users.investigator.token}`,
          accept: 'text/csv',
          'accept-language': language,
        },
      },
    );
    expect(res.status).toBe(200);
    return Buffer.from(await res.arrayBuffer()).toString('utf8');
  };

  it('in Spanish: a byte-order mark, `;` between cells, CRLF line ends; it parses back with its accents, and full-width formula signs are neutralised', async () => {
    const text = await csv('groupBy=department', 'es-SV,es;q=0.9');
    expect(text.startsWith('\uFEFF')).toBe(true);
    expect(text).not.toMatch(/[^\r]\n/);
    const rows = parse(text, { bom: true, delimiter: ';', record_delimiter: '\r\n' }) as string[][];
    expect(rows[0]).toEqual(['department', 'count', 'completed', 'medianTimeToCrimeDays']);
    expect(rows).toContainEqual(['Cabañas', '2', '0', '']);
    expect(rows).toContainEqual(["'＝1+1", '1', '0', '']);
    expect(rows).toContainEqual(["'＠cmd", '1', '0', '']);
  });

  it('in English: `,` between cells; month rows in calendar order, not by count', async () => {
    const text = await csv('groupBy=month', 'en');
    expect(text.startsWith('\uFEFF')).toBe(true);
    const rows = parse(text, { bom: true, delimiter: ',' }) as string[][];
    expect(rows.slice(1).map((row) => row[0])).toEqual(['2025-08', '2025-09', '2025-10']);
    // Without excel=true: no byte-order mark, `,` whatever the language.
    const plain = await inv().get('/reports/traces?from=2025-08-01&to=2025-10-31&groupBy=month', {
      accept: 'text/csv',
      'accept-language': 'es',
    });
    expect(plain.body as string).toMatch(/^month,count,completed,medianTimeToCrimeDays\r\n2025-08,/);
  });
});
