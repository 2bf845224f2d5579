import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { describe, expect, it, beforeAll } from 'vitest';
import { es } from '../src/i18n/es.ts';
import { MAP_ZERO } from '../src/reports/rules.ts';
import { violations } from './support/axe.ts';
import { screenshot } from './support/browser.ts';
import { createCase, traceBody, unique, useWorld } from './support/harness.ts';
import { waitFor } from './support/processes.ts';
import { expectSpanish, field, useBrowser } from './support/web-session.ts';

// Issue 34: the country report page — the figures beside last year's, the map of US source states (hover a state: its
// count and share; states with none drawn as zero), the tables and the disclaimer, the spreadsheet download.
const t = useWorld({ privateDatabase: true, webUi: true, worker: { ADAPTER_LATENCY_MS: '0' } });
const { people, open, signIn } = useBrowser(t, { advisor: ['advisor', 'Carlos Mejía'] });

beforeAll(async () => {
  await t.db('agencies').where({ id: t.home.id }).update({ name: 'Policía Nacional Civil' });
  const kase = await createCase(t.client, t.users.investigator.token);
  const year = new Date().getFullYear();
  for (const [i, date] of [`${year}-01-10`, `${year}-02-11`, `${year}-03-12`, `${year - 1}-05-05`].entries())
    await t.as('investigator').post(
      '/traces',
      traceBody(kase.id, {
        weapon: {
          manufacturer: 'Smith & Wesson',
          model: 'SD9VE',
          caliber: '9mm',
          type: 'pistol',
          serialNumber: `TESTOK${unique()}${i}`,
          countryOfManufacture: 'US',
        },
        recovery: { date, country: 'SV', circumstance: 'seizure' },
      }),
    );
  await waitFor(
    async () => Number((await t.db('traces').where({ status: 'completed' }).count({ n: '*' }))[0]!.n) === 4,
    'the traces completed',
    60_000,
  );
}, 120_000);

describe('the country report page', () => {
  it('shows the figures beside last year’s, a map where every state is drawn and hover tells its count, and downloads for a spreadsheet', async () => {
    const c = es;
    const year = new Date().getFullYear();
    const report = (await t.as('advisor').get(`/reports/country?country=SV&year=${year}`)).body;
    const { page, context } = await open('es-SV', undefined, true);
    await signIn(page, people.advisor.email);
    await page.getByTestId('who').waitFor();
    await page.getByRole('link', { name: c.nav.reports }).click();
    await page.getByRole('link', { name: c.countryReport.heading }).click();
    await field(page, c.countryReport.country).selectOption('SV');
    const figures = page.getByTestId('country-figures');
    await figures.waitFor();
    const recovered = figures.locator('tbody tr').first();
    await expect.poll(() => recovered.locator('td').allInnerTexts()).toEqual(['3', '1', '+2']);

    const map = page.getByTestId('us-map');
    expect(await map.locator('path[data-state]').count()).toBe(51);
    const used = report.bySourceState.filter((row: { state: string | null }) => row.state);
    expect(used.length).toBeGreaterThan(0);
    const busy = used[0] as { state: string; count: number };
    const empty = ['MT', 'WY', 'ND', 'SD', 'VT', 'ME'].find(
      (code) => !used.some((row: { state: string }) => row.state === code),
    )!;
    expect(await map.locator(`path[data-state="${empty}"]`).getAttribute('fill')).toBe(MAP_ZERO);
    expect(await map.locator(`path[data-state="${busy.state}"]`).getAttribute('fill')).not.toBe(MAP_ZERO);
    // A touch (a click) on a state tells the same as hovering it; a state's centre may lie outside it, so the event is sent to it.
    await map.locator(`path[data-state="${empty}"]`).dispatchEvent('click');
    await expect
      .poll(() => page.getByTestId('map-hover').innerText())
      .toMatch(/: 0 \(0\s?% de las de origen estadounidense\)$/);
    await map.locator(`path[data-state="${busy.state}"]`).dispatchEvent('click');
    await expect.poll(() => page.getByTestId('map-hover').innerText()).toContain(`: ${busy.count} (`);
    // The mouse's own tooltip says it too.
    expect(await map.locator(`path[data-state="${empty}"] title`).textContent()).toMatch(/: 0 \(/);
    expect(await page.getByTestId('disclaimer').innerText()).toMatch(
      /^Los datos de rastreo no son una muestra aleatoria/,
    );
    await expectSpanish(page);
    expect(await violations(page)).toEqual([]);
    await screenshot(page, 'country-report-es');

    // The download is the spreadsheet form: BOM, ";" in Spanish, CRLF.
    const [file] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: c.countryReport.downloadCsv }).click(),
    ]);
    expect(file.suggestedFilename()).toBe(`rastreo-SV-${year}.csv`);
    const bytes = await readFile((await file.path())!);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows: string[][] = parse(bytes.toString('utf8'), { bom: true, delimiter: ';' });
    expect(rows[0]).toEqual(['Tabla', 'Fila', 'Cantidad de armas']);
    expect(rows.find((row) => row[0] === c.countryReport.recovered)![2]).toBe('3');
    await context.close();
  }, 120_000);
});
