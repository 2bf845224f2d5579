import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { en } from '../src/i18n/en.ts';
import { es } from '../src/i18n/es.ts';
import { screenshot } from './support/browser.ts';
import { createCase, stockWeapon, traceBody, unique, useWorld, WITNESSES } from './support/harness.ts';
import { expectSpanish, field, PASSWORD, settledPage, useBrowser } from './support/web-session.ts';

// Issue 30: a gun recorded as destroyed and found again is shown to every person who touches it, not only in the inbox.
const t = useWorld({ privateDatabase: true, webUi: true });
const {
  people,
  open,
  signIn: signInWith,
} = useBrowser(t, {
  stockpile: ['stockpile_manager', 'Rosa Aguilar'],
  advisor: ['advisor', 'Carlos Méndez'],
  investigator: ['investigator', 'Marta Hernández'],
});
beforeAll(async () => {
  await t.db('agencies').where({ id: t.home.id }).update({ name: 'Policía Nacional Civil' });
  await t.db('agencies').where({ id: t.neighbour.id }).update({ name: 'Fiscalía General de la República' });
  await t.db('agencies').where({ id: t.faraway.id }).update({ name: 'Policía Nacional de Honduras' });
});

/** Fills a catalogue text's `{{name}}` placeholders, as the app does. */
const fill = (text: string, values: Record<string, string>) =>
  text.replace(/\{\{(\w+)\}\}/g, (_m, name: string) => values[name] ?? '');

/**
 * A gun taken into custody, destroyed (completed, not yet verified) and then recovered at a crime scene in another
 * region: the critical alert `destroyed_weapon_recovered`, for both agencies.
 */
async function destroyedGunRecovered() {
  const as = (token: string) => t.client.as(token);
  const serial = unique('DV');
  const item = await as(people.stockpile.token).post('/stockpile/items', {
    weapon: stockWeapon(serial),
    source: 'seized',
    intakeDate: '2026-10-15',
    storageLocation: 'Bodega central, estante 4',
  });
  expect(item.status).toBe(201);
  const planned = await as(people.stockpile.token).post('/destructions', {
    plannedFor: '2026-11-01',
    method: 'cutting',
    location: 'Bodega central',
    itemIds: [item.body.id],
  });
  expect(planned.status).toBe(201);
  const completed = await as(people.stockpile.token).post(`/destructions/${planned.body.id}/complete`, {
    performedAt: '2026-11-02T10:00:00Z',
    witnesses: WITNESSES,
  });
  expect(completed.status).toBe(200);
  const kase = await createCase(t.client, t.users.farInvestigator.token);
  const trace = await as(t.users.farInvestigator.token).post(
    '/traces',
    traceBody(kase.id, { weapon: stockWeapon(serial) }),
  );
  expect(trace.status).toBe(201);
  return { serial, item: item.body, destruction: planned.body, trace: trace.body };
}

async function signIn(page: Page, email: string, c: typeof en) {
  await signInWith(page, email, PASSWORD, c);
  await page.getByTestId('who').waitFor();
}

describe.each([
  ['es-SV', es],
  ['en-US', en],
] as const)('the diversion signal, in %s', (locale, c) => {
  it('a custodian taking the gun in is stopped by a dialog, sees the red band and the flags, and the banner opens what it counts', async () => {
    const { serial, item, destruction } = await destroyedGunRecovered();
    const { page, context, errors } = await open(locale);
    await signIn(page, people.stockpile.email, c);

    // The critical banner opens the inbox narrowed to open critical alerts.
    const banner = page.getByTestId('critical-banner');
    await banner.getByRole('link').click();
    await expect.poll(() => new URL(page.url()).searchParams.get('severity')).toBe('critical');
    expect(new URL(page.url()).searchParams.get('status')).toBe('open');
    expect(await field(page, c.alerts.severity).inputValue()).toBe('critical');
    const rows = page.getByTestId('alerts').locator('tbody tr');
    await rows.first().waitFor();
    for (const row of await rows.all()) expect(await row.getAttribute('class')).toContain('alert-critical');
    await page.getByTestId('alerts').getByText(c.alertNextSteps.destroyed_weapon_recovered).first().waitFor();

    // The destroyed item's row in the custody register carries the flag.
    await page.getByRole('link', { name: c.nav.custody }).click();
    await field(page, c.custody.status).selectOption({ label: c.itemStatus.destroyed });
    const custodyRow = page.getByTestId('custody').locator('tr', { hasText: serial }).first();
    await custodyRow.getByTestId('open-alerts-flag').waitFor();
    expect(await custodyRow.getByTestId('open-alerts-flag').innerText()).toBe(c.alerts.flagCritical);

    // Taking the same gun in again: the known gun shows its band before anything is sent…
    await field(page, c.custody.status).selectOption({ label: c.itemStatus.in_custody });
    await page.getByRole('button', { name: c.custody.intake }).click();
    const search = field(page, c.custody.findBySerial);
    // Part of the serial, as typed from a worn marking: lower case, a space.
    await search.fill(`${serial.slice(0, 3).toLowerCase()} ${serial.slice(3, 7).toLowerCase()}`);
    await search.press('Enter');
    await page
      .getByTestId('weapon-matches')
      .locator('li', { hasText: serial })
      .getByRole('button', { name: c.custody.useWeapon })
      .click();
    await page.getByTestId('chosen-weapon').getByTestId('open-alerts-band').waitFor();
    await field(page, c.custody.source).selectOption({ label: c.itemSources.seized });
    await field(page, c.custody.location).fill('Bodega A-3');
    await page.getByRole('button', { name: c.custody.register, exact: true }).click();
    // …and the intake stops on a dialog that only reading closes.
    const stop = page.getByTestId('intake-alert-dialog');
    await stop.getByRole('heading', { name: c.alerts.intakeTitle }).waitFor();
    expect(await stop.innerText()).toContain(c.alertKinds.destroyed_weapon_recovered);
    if (locale === 'es-SV') await expectSpanish(page);
    await screenshot(page, `intake-alert-${locale}`);
    await page.keyboard.press('Escape');
    expect(await stop.isVisible()).toBe(true);
    await stop.getByRole('link', { name: c.alerts.intakeSee }).click();
    await page.getByTestId('alerts-of-weapon').waitFor();
    expect(new URL(page.url()).searchParams.get('weaponId')).toBe(item.weaponId);
    await page.getByTestId('alerts').locator('tbody tr').first().waitFor();

    // The item's own page: the red band, with the next step, and the way to the gun's alerts.
    await page.goto(`${t.client.baseUrl}/stockpile/${item.id}`);
    const band = page.getByTestId('open-alerts-band');
    await band.waitFor();
    expect(await band.innerText()).toContain(c.alertNextSteps.destroyed_weapon_recovered);
    expect(await band.getAttribute('class')).toContain('diversion-band-critical');
    await band.getByRole('link', { name: c.alerts.bandSeeAll }).click();
    await page.getByTestId('alerts-of-weapon').waitFor();

    // The destruction page flags the item.
    await page.goto(`${t.client.baseUrl}/destructions/${destruction.id}`);
    await page.getByTestId('destruction-items').getByTestId('open-alerts-flag').waitFor();
    if (locale === 'es-SV') await expectSpanish(page);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('an advisor cannot verify the destruction while the alert is open, and sees why; the trace page shows the band', async () => {
    const { destruction, trace, item } = await destroyedGunRecovered();
    const { page, context, errors } = await open(locale);
    await signIn(page, people.advisor.email, c);
    await page.goto(`${t.client.baseUrl}/destructions/${destruction.id}`);
    await page.getByRole('button', { name: c.destructions.verify }).click();
    await page.getByRole('dialog').getByRole('button', { name: c.destructions.verify }).click();
    await page.getByRole('dialog').getByText(c.conflicts['critical-alert-open']).waitFor();
    await page.getByRole('dialog').getByRole('button', { name: c.common.cancel }).click();
    await settledPage(page);
    expect((await t.client.as(people.advisor.token).get(`/destructions/${destruction.id}`)).body.status).toBe(
      'completed',
    );

    // The recovering trace is another region's: the weapon's page is where this advisor sees the gun.
    await page.goto(`${t.client.baseUrl}/weapons/${item.weaponId}`);
    await page.getByTestId('open-alerts-band').waitFor();
    expect(trace.openAlerts).toMatchObject([{ kind: 'destroyed_weapon_recovered', severity: 'critical' }]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('the new-trace form finds a case past the newest 200 by searching its number', async () => {
    const tag = unique('OLD').toUpperCase();
    const investigator = await t.db('users').where({ id: people.investigator.id }).first('id', 'agency_id');
    const old = new Date('2025-01-01T00:00:00Z');
    await t.db('cases').insert(
      Array.from({ length: 205 }, (_, i) => ({
        agency_id: investigator.agency_id,
        case_number: `${tag}-${String(i).padStart(3, '0')}`,
        title: `Caso de archivo ${i}`,
        offense: 'robbery',
        created_by: investigator.id,
        opened_at: '2025-01-01',
        created_at: new Date(old.getTime() + i * 1000),
      })),
    );
    // 210 newer cases push the oldest out of the first 200.
    await t.db('cases').insert(
      Array.from({ length: 210 }, (_, i) => ({
        agency_id: investigator.agency_id,
        case_number: `${tag}-N${String(i).padStart(3, '0')}`,
        title: `Caso reciente ${i}`,
        offense: 'robbery',
        created_by: investigator.id,
        opened_at: '2026-11-01',
      })),
    );
    const { page, context, errors } = await open(locale);
    await signIn(page, people.investigator.email, c);
    await page.goto(`${t.client.baseUrl}/traces/new`);
    const choice = field(page, c.traceForm.case);
    await expect.poll(() => choice.locator('option').count()).toBeGreaterThan(200);
    expect(await choice.locator('option', { hasText: `${tag}-000 ` }).count()).toBe(0);
    await field(page, c.traceForm.caseSearch).fill(`${tag.toLowerCase()}-000`);
    await expect.poll(() => choice.locator('option', { hasText: `${tag}-000 ` }).count()).toBe(1);
    await choice.selectOption({ label: `${tag}-000 — Caso de archivo 0` });
    // Searching further keeps the chosen case a choice.
    await field(page, c.traceForm.caseSearch).fill(`${tag}-N001`);
    await expect.poll(() => choice.locator('option', { hasText: `${tag}-N001 ` }).count()).toBe(1);
    expect(await choice.inputValue()).not.toBe('');
    expect(await choice.locator('option:checked').innerText()).toBe(`${tag}-000 — Caso de archivo 0`);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('an investigator sees the band on the trace and the flag in the traces list', async () => {
    const item = await t.client.as(people.stockpile.token).post('/stockpile/items', {
      weapon: stockWeapon(unique('CV')),
      source: 'seized',
      intakeDate: '2026-10-15',
      storageLocation: 'Bodega central',
    });
    const kase = await createCase(t.client, people.investigator.token);
    const trace = await t.client.as(people.investigator.token).post(
      '/traces',
      traceBody(kase.id, {
        weapon: stockWeapon(item.body.weapon.serialNumber),
        recovery: { date: '2026-11-01', country: 'SV', circumstance: 'seizure' },
      }),
    );
    expect(trace.body.openAlerts).toMatchObject([{ kind: 'custody_weapon_recovered' }]);
    const { page, context, errors } = await open(locale);
    await signIn(page, people.investigator.email, c);
    await page.goto(`${t.client.baseUrl}/traces/${trace.body.id}`);
    const band = page.getByTestId('open-alerts-band');
    await band.waitFor();
    expect(await band.innerText()).toContain(c.alertKinds.custody_weapon_recovered);
    expect(await band.innerText()).toContain(fill(c.alerts.bandTitle_one, { count: '1' }));
    await page.getByRole('link', { name: c.nav.traces }).click();
    const row = page.getByTestId('traces').locator('tr', { hasText: trace.body.reference });
    await row.getByTestId('open-alerts-flag').waitFor();
    if (locale === 'es-SV') await expectSpanish(page);
    expect(errors).toEqual([]);
    await context.close();
  });
});
