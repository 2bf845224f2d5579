import { beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from './support/browser.ts';
import { createCase, traceBody, unique, useWorld } from './support/harness.ts';
import { indicatorsRecorded, waitFor } from './support/processes.ts';
import { expectSpanish, field, PASSWORD, useBrowser } from './support/web-session.ts';

const t = useWorld({ privateDatabase: true, webUi: true, worker: { ADAPTER_LATENCY_MS: '20', OUTBOX_POLL_MS: '100' } });
const { people, open, signIn } = useBrowser(t, {
  investigator: ['investigator', 'Marta Hernández'],
  stockpile: ['stockpile_manager', 'Rosa Aguilar'],
});

beforeAll(async () => {
  await t.db('agencies').where({ id: t.home.id }).update({ name: 'Policía Nacional Civil' });
});

/** Three guns of one straw purchaser, from one batch, traced to completion by the real worker and mock tracing center. */
async function strawGuns() {
  const caseId = (await createCase(t.client, people.investigator.token)).id;
  const batch = unique('');
  const investigator = t.client.as(people.investigator.token);
  const traces = [];
  for (const last of ['01', '02', '15']) {
    const weapon = {
      manufacturer: 'Smith & Wesson',
      model: 'SD9VE',
      caliber: '9mm',
      type: 'pistol',
      serialNumber: `TESTSTRAW${batch}${last}`,
      countryOfManufacture: 'US',
    };
    const created = await investigator.post('/traces', traceBody(caseId, { weapon }));
    expect(created.status).toBe(201);
    traces.push(created.body as { id: string; reference: string; weaponId: string });
  }
  for (const trace of traces) {
    await waitFor(
      async () => (await investigator.get(`/traces/${trace.id}`)).body.status === 'completed',
      `${trace.reference} to complete`,
    );
  }
  await indicatorsRecorded(t.db);
  return traces;
}

describe('trafficking intelligence in the browser', () => {
  it('an investigator finds the straw purchaser on the intelligence page and follows the link graph to the other guns', async () => {
    const traces = await strawGuns();
    const { page, context, errors } = await open();
    await signIn(page, people.investigator.email);
    await page.getByRole('link', { name: 'Inteligencia' }).click();
    await page.getByRole('heading', { name: 'Inteligencia sobre tráfico' }).waitFor();
    await field(page, 'Tipo').selectOption({ label: 'Comprador recurrente' });
    const row = page.getByTestId('indicators').locator('tr', { hasText: 'Kevin Morales' });
    await row.waitFor();
    expect(await row.innerText()).toMatch(/Kevin Morales, nacido el .*1994/);
    await row.getByText('3 rastreos').click();
    for (const trace of traces) await row.getByRole('link', { name: trace.reference }).waitFor();
    await expectSpanish(page);
    await screenshot(page, 'intelligence');
    await field(page, 'Tipo').selectOption({ label: 'Secuencia de series' });
    await page.getByTestId('indicators').locator('tr', { hasText: 'Smith & Wesson SD9VE' }).waitFor();

    // From a trace of the indicator to its gun, whose links show the two other guns by purchaser, dealer and serial.
    await field(page, 'Tipo').selectOption({ label: 'Comprador recurrente' });
    await row.getByText('3 rastreos').click();
    await row.getByRole('link', { name: traces[0]!.reference }).click();
    await page.getByTestId('trace-status').waitFor();
    // The trace's result says what it is part of: its indicators, each linked to the other traces behind it.
    const part = page.getByTestId('trace-indicators');
    await part.locator('[data-indicator-kind=repeat_purchaser]').waitFor();
    for (const other of traces.slice(1)) await part.getByRole('link', { name: other.reference }).first().waitFor();
    // Time-to-crime in years and months, with its band.
    const days = (await t.client.as(people.investigator.token).get(`/traces/${traces[0]!.id}`)).body.result
      .timeToCrimeDays as number;
    const ttc = await page.getByTestId('time-to-crime').innerText();
    expect(ttc).toContain(days < 365 ? 'menos de 1 año' : days < 1095 ? 'de 1 a 3 años' : 'más de 3 años');
    if (days >= 31) expect(ttc).toMatch(/\d+ (año|años|mes|meses)\b/);
    await expectSpanish(page);
    await page.goto(`${t.client.baseUrl}/weapons/${traces[0]!.weaponId}`);
    const list = page.getByTestId('links-list');
    await list.waitFor();
    for (const via of ['Mismo comprador', 'Misma armería', 'Secuencia de series']) {
      for (const other of traces.slice(1))
        await list.locator('tr', { hasText: via }).filter({ hasText: other.reference }).waitFor();
    }
    const graph = page.getByTestId('link-graph');
    await expect.poll(() => graph.locator('canvas').count()).toBeGreaterThan(0);
    expect(await graph.getAttribute('aria-label')).toMatch(
      /^Grafo: esta arma, Comprador Kevin Morales, Armería .+ y 2 armas vinculadas\./,
    );
    await expectSpanish(page);
    await screenshot(page, 'weapon-links');

    // A linked gun's node in the graph opens that gun (cytoscape keeps its instance on the container). The graph is
    // brought into view first, as a person scrolls to it: its node positions are read where it will be clicked.
    await graph.scrollIntoViewIfNeeded();
    const at = await graph.evaluate((element, weaponId) => {
      const cy = (
        element as unknown as { _cyreg: { cy: { $id(id: string): { renderedPosition(): { x: number; y: number } } } } }
      )._cyreg.cy;
      return cy.$id(`w-${weaponId}`).renderedPosition();
    }, traces[2]!.weaponId);
    await graph.click({ position: at });
    await expect.poll(() => new URL(page.url()).pathname).toBe(`/weapons/${traces[2]!.weaponId}`);
    await page.goBack();
    await list.waitFor();

    // Keyboard: the list's link opens the other gun, whose graph ties back to the first.
    const open2 = page.getByRole('link', { name: `Abrir el arma de ${traces[1]!.reference}` }).first();
    await open2.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => new URL(page.url()).pathname).toBe(`/weapons/${traces[1]!.weaponId}`);
    await list.locator('tr', { hasText: traces[0]!.reference }).first().waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });

  it('in English, and for a stockpile manager: no purchaser, no intelligence in the menu', async () => {
    const [gun] = await strawGuns();
    const english = await open('en-US');
    await english.page.goto(`${t.client.baseUrl}/`);
    await english.page.getByLabel('Email').fill(people.investigator.email);
    await english.page.getByLabel('Password').fill(PASSWORD);
    await english.page.getByRole('button', { name: 'Sign in' }).click();
    await english.page.getByRole('link', { name: 'Intelligence' }).waitFor();
    await english.page.goto(`${t.client.baseUrl}/weapons/${gun!.weaponId}`);
    await english.page.getByRole('heading', { name: 'Links to other guns' }).waitFor();
    expect(await english.page.getByTestId('links-list').innerText()).toContain('Same purchaser');
    await english.page.goto(`${t.client.baseUrl}/traces/${gun!.id}`);
    await english.page.getByTestId('trace-indicators').getByText('Repeat purchaser').waitFor();
    expect(await english.page.getByTestId('time-to-crime').innerText()).toMatch(
      /(under 1 year|1 to 3 years|over 3 years)$/,
    );
    expect(english.errors).toEqual([]);
    await english.context.close();

    const { page, context, errors } = await open();
    await signIn(page, people.stockpile.email);
    await page.getByRole('link', { name: 'Registro de custodia' }).waitFor();
    expect(await page.getByRole('link', { name: 'Inteligencia' }).count()).toBe(0);
    await page.goto(`${t.client.baseUrl}/weapons/${gun!.weaponId}`);
    await page.getByTestId('weapon-links').waitFor();
    await page.getByTestId('links-list').waitFor();
    const text = await page.getByTestId('weapon-links').innerText();
    expect(text).not.toContain('Kevin');
    expect(text).not.toContain('Mismo comprador');
    expect(text).toContain('Misma armería');
    expect(errors).toEqual([]);
    await context.close();
  });
});
