import { createCanvas, loadImage } from '@napi-rs/canvas';
import { parse } from 'csv-parse/sync';
import { PDFParse } from 'pdf-parse';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAP_PALETTE, MAP_ZERO } from '../src/reports/rules.ts';
import { createCase, createUser, traceBody, unique, useWorld } from './support/harness.ts';
import { waitFor } from './support/processes.ts';

// Issue 34: the country report, checked against counts this test makes itself from the traces table.
const t = useWorld({ privateDatabase: true, worker: { ADAPTER_LATENCY_MS: '0' } });

const GUNS = [
  { manufacturer: 'Smith & Wesson', model: 'SD9VE', caliber: '9mm', type: 'pistol', countryOfManufacture: 'US' },
  {
    manufacturer: 'Glock',
    model: '19',
    caliber: '9mm',
    type: 'pistol',
    countryOfManufacture: 'AT',
    importer: 'Glock Inc.',
  },
  { manufacturer: 'Colt', model: 'Python', caliber: '.357 Magnum', type: 'revolver', countryOfManufacture: 'US' },
  { manufacturer: 'Ruger', model: '10/22', caliber: '.22 LR', type: 'rifle', countryOfManufacture: 'US' },
  {
    manufacturer: 'Fábrica Militar Ñandú',
    model: 'Bersa',
    caliber: '.380 ACP',
    type: 'pistol',
    countryOfManufacture: 'AR',
    importer: 'Eagle Imports',
  },
  { manufacturer: '+Armas Peligrosas', model: 'X', caliber: '9mm', type: 'pistol', countryOfManufacture: 'US' },
];
const SETTLED = ['completed', 'not_traceable', 'needs_info', 'failed'];

async function settle() {
  await waitFor(
    async () =>
      Number(
        (
          await t
            .db('traces')
            .whereNotIn('status', [...SETTLED, 'draft', 'cancelled'])
            .count({ n: '*' })
        )[0]!.n,
      ) === 0,
    'every trace final',
    120_000,
  );
}

/** The figures the report should give, computed here from the table, row by row, without the report's SQL. */
async function expectedFigures(country: string, year: number) {
  const rows: {
    id: string;
    weapon_id: string;
    status: string;
    outcome: string | null;
    result: Record<string, unknown> | null;
    weapon: { type: string; caliber: string };
    recovery_date: Date;
    manufacturer: string;
  }[] = await t
    .db('traces as t')
    .join('weapons as w', 'w.id', 't.weapon_id')
    .where('t.recovery_country', country)
    .whereBetween('t.recovery_date', [`${year}-01-01`, `${year}-12-31`])
    .whereNotIn('t.status', ['draft', 'cancelled'])
    .select(
      't.id',
      't.weapon_id',
      't.status',
      't.outcome',
      't.result',
      't.weapon',
      't.recovery_date',
      'w.manufacturer',
    );
  const byGun = new Map<string, (typeof rows)[number]>();
  for (const row of rows) {
    const kept = byGun.get(row.weapon_id);
    const better =
      !kept ||
      (row.status === 'completed') > (kept.status === 'completed') ||
      ((row.status === 'completed') === (kept.status === 'completed') &&
        (row.recovery_date < kept.recovery_date || (+row.recovery_date === +kept.recovery_date && row.id < kept.id)));
    if (better) byGun.set(row.weapon_id, row);
  }
  const guns = [...byGun.values()];
  const traced = guns.filter((g) => g.status === 'completed');
  const us = traced.filter((g) => g.result?.sourceCountry === 'US');
  const tally = (values: (string | null)[]) => {
    const counts: Record<string, number> = {};
    for (const value of values) counts[String(value)] = (counts[String(value)] ?? 0) + 1;
    return counts;
  };
  const ttc = traced.map((g) => g.result?.timeToCrimeDays as number | undefined).filter((d) => d !== undefined);
  return {
    duplicates: rows.length - guns.length,
    recovered: guns.length,
    traced: traced.length,
    usSourced: us.length,
    byType: tally(guns.map((g) => g.weapon.type)),
    states: tally(
      us.map(
        (g) =>
          ((g.result?.dealer as { state?: string } | undefined)?.state ?? (g.result?.sourceState as string)) || null,
      ),
    ),
    manufacturers: tally(guns.map((g) => g.manufacturer)),
    calibers: tally(guns.map((g) => g.weapon.caliber)),
    outcomes: tally(guns.map((g) => g.outcome ?? 'pending')),
    ttc: {
      count: ttc.length,
      under1Year: ttc.filter((d) => d < 365).length,
      oneToThreeYears: ttc.filter((d) => d >= 365 && d < 1095).length,
      overThreeYears: ttc.filter((d) => d >= 1095).length,
    },
  };
}

const asMap = <K extends string>(rows: ({ [key in K]: string | null } & { count: number })[], key: K) =>
  Object.fromEntries(rows.map((row) => [String(row[key]), row.count]));
const sum = (rows: { count: number }[]) => rows.reduce((total, row) => total + row.count, 0);

let caseId: string;
beforeAll(async () => {
  caseId = (await createCase(t.client, t.users.investigator.token)).id;
  const other = (await createCase(t.client, t.users.investigator.token)).id;
  const inv = t.as('investigator');
  const create = async (
    gun: (typeof GUNS)[number],
    date: string,
    country: string,
    serial = unique('CR'),
    kase = caseId,
  ) => {
    const res = await inv.post(
      '/traces',
      traceBody(kase, {
        weapon: { ...gun, serialNumber: serial },
        recovery: { date, country, circumstance: 'seizure' },
      }),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return serial;
  };
  for (let i = 0; i < 48; i++) {
    const month = String((i % 11) + 1).padStart(2, '0');
    await create(GUNS[i % GUNS.length]!, `2026-${month}-0${(i % 9) + 1}`, i % 8 === 7 ? 'GT' : 'SV');
  }
  for (let i = 0; i < 6; i++) await create(GUNS[i]!, `2025-0${i + 1}-15`, 'SV');
  // One gun traced twice in 2026 (two cases): counted once.
  const twice = await create(GUNS[0]!, '2026-03-03', 'SV');
  await create(GUNS[0]!, '2026-04-04', 'SV', twice, other);
  await settle();
}, 180_000);

describe('GET /reports/country', () => {
  it('counts each gun recovered in the country that year once; every figure matches a count made here', async () => {
    const want = await expectedFigures('SV', 2026);
    expect(want.duplicates).toBeGreaterThanOrEqual(1);
    const res = await t.as('advisor').get('/reports/country?country=SV&year=2026');
    expect(res.status).toBe(200);
    const report = res.body;
    expect(report).toMatchObject({ country: 'SV', year: 2026, recovered: want.recovered, traced: want.traced });
    expect(report.usSourced.count).toBe(want.usSourced);
    expect(report.usSourced.share).toBe(want.traced ? Math.round((want.usSourced / want.traced) * 1000) / 1000 : null);
    expect(asMap(report.byType, 'type')).toEqual(want.byType);
    expect(asMap(report.bySourceState, 'state')).toEqual(want.states);
    expect(asMap(report.topManufacturers, 'manufacturer')).toEqual(want.manufacturers);
    expect(asMap(report.topCalibers, 'caliber')).toEqual(want.calibers);
    expect(report.timeToCrime).toMatchObject(want.ttc);
    for (const [outcome, count] of Object.entries(report.outcomes))
      expect(count, outcome).toBe(want.outcomes[outcome] ?? 0);
    // Every table adds up to its total.
    expect(sum(report.byType)).toBe(report.recovered);
    expect(sum(report.topManufacturers)).toBe(report.recovered);
    expect(sum(report.topCalibers)).toBe(report.recovered);
    expect(sum(report.bySourceState)).toBe(report.usSourced.count);
    expect(Object.values(report.outcomes as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(report.recovered);
    expect(report.timeToCrime.under1Year + report.timeToCrime.oneToThreeYears + report.timeToCrime.overThreeYears).toBe(
      report.timeToCrime.count,
    );
    // Most first; the disclaimer in the caller's language.
    const counts = report.topManufacturers.map((row: { count: number }) => row.count);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    expect(report.disclaimer).toMatch(/^Trace data are not a random sample/);
    const spanish = await t.as('advisor').get('/reports/country?country=SV&year=2026', { 'accept-language': 'es' });
    expect(spanish.body.disclaimer).toMatch(/^Los datos de rastreo no son una muestra aleatoria/);
    // Another year and another country are other counts.
    const before = await expectedFigures('SV', 2025);
    expect((await t.as('admin').get('/reports/country?country=SV&year=2025')).body.recovered).toBe(before.recovered);
    const guatemala = await expectedFigures('GT', 2026);
    expect((await t.as('admin').get('/reports/country?country=GT&year=2026')).body.recovered).toBe(guatemala.recovered);
  });

  it('keeps to scope: advisors their region’s countries, investigators their own; 403 otherwise', async () => {
    expect((await t.as('investigator').get('/reports/country?country=SV&year=2026')).status).toBe(200);
    expect((await t.as('investigator').get('/reports/country?country=GT&year=2026')).status).toBe(403);
    expect((await t.as('advisor').get('/reports/country?country=GT&year=2026')).status).toBe(403);
    expect((await t.as('stockpile').get('/reports/country?country=SV&year=2026')).status).toBe(403);
    const honduras = await t
      .db('agencies')
      .insert({ code: unique('HN-'), name: 'PNH', country: 'HN', region: t.region })
      .returning('id');
    expect(honduras).toHaveLength(1);
    expect((await t.as('advisor').get('/reports/country?country=HN&year=2026')).status).toBe(200);
    expect((await t.as('farAdvisor').get('/reports/country?country=HN&year=2026')).status).toBe(403);
    expect((await t.as('admin').get('/reports/country?country=NI&year=2026')).status).toBe(200);
  });

  it('a year with no traces is a valid empty report; a year in the future or before 1900, or a bad country, is a 400', async () => {
    const empty = await t.as('admin').get('/reports/country?country=SV&year=1990');
    expect(empty.status).toBe(200);
    expect(empty.body).toMatchObject({
      recovered: 0,
      traced: 0,
      usSourced: { count: 0, share: null },
      byType: [],
      bySourceState: [],
      topManufacturers: [],
      topCalibers: [],
      timeToCrime: { count: 0, under1Year: 0, oneToThreeYears: 0, overThreeYears: 0, medianDays: null },
    });
    expect(Object.values(empty.body.outcomes)).toEqual([0, 0, 0, 0, 0, 0]);
    for (const [query, path] of [
      ['country=SV&year=2027', '/query/year'],
      ['country=SV&year=1899', '/query/year'],
      ['country=SV&year=2026.5', '/query/year'],
      ['country=SV&year=abc', '/query/year'],
      ['country=SV', '/query/year'],
      ['country=sv&year=2026', '/query/country'],
      ['country=SVX&year=2026', '/query/country'],
      ['year=2026', '/query/country'],
    ]) {
      const res = await t.as('admin').get(`/reports/country?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.errors[0].path, query).toBe(path);
    }
  });

  it('adds up while traces are being written: each answer comes from one snapshot', async () => {
    const inv = t.as('investigator');
    let writing = true;
    const writer = (async () => {
      let n = 0;
      while (writing && n < 60) {
        await inv.post(
          '/traces',
          traceBody(caseId, {
            weapon: { ...GUNS[n % GUNS.length]!, serialNumber: unique('RW') },
            recovery: { date: '2026-06-06', country: 'SV', circumstance: 'seizure' },
          }),
        );
        n++;
      }
    })();
    for (let i = 0; i < 15; i++) {
      const report = (await t.as('admin').get('/reports/country?country=SV&year=2026')).body;
      expect(sum(report.byType)).toBe(report.recovered);
      expect(sum(report.topManufacturers)).toBe(report.recovered);
      expect(sum(report.topCalibers)).toBe(report.recovered);
      expect(sum(report.bySourceState)).toBe(report.usSourced.count);
      expect(Object.values(report.outcomes as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(
        report.recovered,
      );
    }
    writing = false;
    await writer;
    await settle();
  }, 120_000);

  it('as CSV for a Spanish spreadsheet: BOM, “;”, CRLF, accents intact, formulas neutralized; plain CSV by default', async () => {
    const res = await fetch(`${t.client.baseUrl}/api/v1/reports/country?country=SV&year=2026&excel=true`, {
      headers: { authorization: `Bearer ${t.users.advisor.token}`, accept: 'text/csv', 'accept-language': 'es' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="rastreo-SV-2026.csv"');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8');
    expect(text).toContain('\r\n');
    const rows: string[][] = parse(text, { bom: true, delimiter: ';' });
    expect(rows[0]).toEqual(['Tabla', 'Fila', 'Cantidad de armas']);
    const report = (await t.as('advisor').get('/reports/country?country=SV&year=2026')).body;
    const manufacturers = rows.filter((row) => row[0] === 'Principales fabricantes');
    expect(manufacturers.map((row) => row[1])).toContain('Fábrica Militar Ñandú');
    expect(manufacturers.map((row) => row[1])).toContain("'+Armas Peligrosas");
    expect(rows.find((row) => row[0] === 'Armas recuperadas y rastreadas')![2]).toBe(String(report.recovered));
    expect(rows.filter((row) => row[0] === 'Por tipo').map((row) => row[1])).toContain('Pistola');
    const plain = await t.as('advisor').get('/reports/country?country=SV&year=2026', { accept: 'text/csv' });
    expect(plain.body.startsWith('\uFEFF')).toBe(false);
    expect(plain.body.split('\r\n')[0]).toBe('Table,Row,Number of guns');
  });
});

/** The pages of a PDF as pictures, and which of the map's colours each one shows. */
async function coloursOf(bytes: Uint8Array) {
  const shots = await new PDFParse({ data: bytes.slice() }).getScreenshot({ scale: 1, imageBuffer: true });
  const wanted = [MAP_ZERO, ...MAP_PALETTE];
  const found: Set<string>[] = [];
  for (const page of shots.pages) {
    const image = await loadImage(Buffer.from(page.data));
    const canvas = createCanvas(image.width, image.height);
    const context = canvas.getContext('2d');
    context.drawImage(image, 0, 0);
    const { data } = context.getImageData(0, 0, image.width, image.height);
    const seen = new Set<string>();
    for (let i = 0; i < data.length; i += 16) {
      const hex = `#${[data[i]!, data[i + 1]!, data[i + 2]!].map((v) => v.toString(16).padStart(2, '0')).join('')}`;
      if (wanted.includes(hex)) seen.add(hex);
    }
    found.push(seen);
  }
  return found;
}

describe('the printable country report', () => {
  for (const [language, title, disclaimer, table] of [
    [
      'es',
      'Datos de rastreo de armas de fuego',
      'Los datos de rastreo no son una muestra aleatoria',
      'Principales fabricantes',
    ],
    ['en', 'Firearms trace data', 'Trace data are not a random sample', 'Top manufacturers'],
  ] as const)
    it(`in ${language}: a title page, the map of source states as vector shapes, the tables and the disclaimer`, async () => {
      const res = await fetch(`${t.client.baseUrl}/api/v1/reports/country?country=SV&year=2026`, {
        headers: {
          authorization: `Bearer ${t.users.advisor.token}`,
          accept: 'application/pdf',
          'accept-language': language,
        },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/pdf');
      const bytes = new Uint8Array(await res.arrayBuffer());
      const text = (await new PDFParse({ data: bytes.slice() }).getText()).text.replace(/\s+/g, ' ');
      expect(text).toContain(title);
      expect(text).toContain(disclaimer);
      expect(text).toContain(table);
      expect(text).toContain('Fábrica Militar Ñandú');
      expect(text).toMatch(language === 'es' ? /Página 1 de \d/ : /Page 1 of \d/);
      expect(text).not.toMatch(language === 'es' ? /Page 1 of/ : /Página 1/);
      // The map is drawn, not pasted: no raster image in the file; its page shows the zero colour (states with no gun
      // are drawn, as zero) and at least one colour of the scale.
      const raw = Buffer.from(bytes).toString('latin1');
      expect(raw).not.toMatch(/\/Subtype\s*\/Image/);
      expect(raw).toMatch(/\/BaseFont \/[A-Z]{6}\+NotoSans/);
      const colours = await coloursOf(bytes);
      expect(colours[1]!.has(MAP_ZERO)).toBe(true);
      expect(MAP_PALETTE.some((colour) => colours[1]!.has(colour))).toBe(true);
    }, 60_000);

  it('an empty year prints too: every state drawn as zero', async () => {
    const res = await fetch(`${t.client.baseUrl}/api/v1/reports/country?country=SV&year=1990`, {
      headers: { authorization: `Bearer ${t.users.admin.token}`, accept: 'application/pdf' },
    });
    expect(res.status).toBe(200);
    const colours = await coloursOf(new Uint8Array(await res.arrayBuffer()));
    expect([...colours[1]!]).toEqual([MAP_ZERO]);
  }, 60_000);

  it('is refused like the JSON outside scope', async () => {
    const manager = await createUser(t.db, t.home.id, 'stockpile_manager');
    const res = await fetch(`${t.client.baseUrl}/api/v1/reports/country?country=SV&year=2026`, {
      headers: { authorization: `Bearer ${manager.token}`, accept: 'application/pdf' },
    });
    expect(res.status).toBe(403);
  });
});
