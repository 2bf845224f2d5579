import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { en } from '../src/i18n/en.ts';
import { es } from '../src/i18n/es.ts';
import { isoDate } from '../src/shared/clock.ts';
import { screenshot } from './support/browser.ts';
import { unique, useWorld } from './support/harness.ts';
import { field, PASSWORD, useBrowser } from './support/web-session.ts';

// Issue 30: the browser's own date field follows the browser's locale, not the page's language — a Spanish page on an
// English browser asked for mm/dd/yyyy and stored another day than the one typed. Each date field now reads the page's order.
const t = useWorld({ privateDatabase: true, webUi: true });
const { people, open, signIn } = useBrowser(t, { investigator: ['investigator', 'Marta Hernández'] });

const storedOpenedAt = async (caseNumber: string) =>
  (await t.db('cases').where({ case_number: caseNumber }).select(t.db.raw('opened_at::text as d')).first())?.d;
const readout = (locale: string, iso: string) =>
  new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${iso}T00:00:00Z`));
/** The hint under a field (its pattern and the date it understood). */
const hintOf = (page: Page, label: string) => field(page, label).locator('xpath=..').locator('small.hint').innerText();

describe.each([
  // [browser locale, page language, catalogue, Intl locale of the page, how 5 March 2026 is typed]
  ['es-SV', 'es', es, 'es-419', '05/03/2026'],
  ['en-US', 'es', es, 'es-419', '05/03/2026'],
  ['en-US', 'en', en, 'en-US', '03/05/2026'],
  ['es-SV', 'en', en, 'en-US', '03/05/2026'],
] as const)('a date typed on a %s browser with the page in %s', (locale, language, c, intl, typed) => {
  async function newCase(page: Page, caseNumber: string) {
    await page.getByRole('link', { name: c.nav.cases }).click();
    await page.getByRole('button', { name: c.cases.new }).click();
    await field(page, c.cases.caseNumber).fill(caseNumber);
    await field(page, c.cases.caseTitle).fill('Homicidio en Soyapango');
    await field(page, c.cases.offense).selectOption({ label: c.offenses.homicide });
  }

  it('is stored as the day typed, shows its pattern and the day it understood, and a date that does not exist is refused', async () => {
    const { page, context, errors } = await open(locale);
    await context.addInitScript((chosen) => localStorage.setItem('rastreo.language', chosen), language);
    await signIn(page, people.investigator.email, PASSWORD, c);
    await page.getByTestId('who').waitFor();

    // A date that does not exist: said on leaving the field, and nothing is created.
    const refused = unique('PNC-');
    await newCase(page, refused);
    const date = field(page, c.cases.openedAt);
    // The form starts at today, shown in the page's order.
    const [year, month, day] = isoDate(new Date()).split('-');
    expect(await date.inputValue()).toBe(language === 'es' ? `${day}/${month}/${year}` : `${month}/${day}/${year}`);
    expect(await date.getAttribute('placeholder')).toBe(language === 'es' ? 'dd/mm/aaaa' : 'mm/dd/yyyy');
    await date.fill(language === 'es' ? '31/02/2026' : '02/31/2026');
    await date.blur();
    await expect.poll(() => date.locator('xpath=..').locator('small.error').innerText()).toBe(c.fieldErrors.date);
    await page.getByRole('button', { name: c.cases.create }).click();
    expect(await date.getAttribute('aria-invalid')).toBe('true');
    expect(await storedOpenedAt(refused)).toBeUndefined();

    // The day typed, in the page's order, is the day stored.
    const kept = unique('PNC-');
    await field(page, c.cases.caseNumber).fill(kept);
    await date.fill(typed);
    expect(await hintOf(page, c.cases.openedAt)).toContain(readout(intl, '2026-03-05'));
    await screenshot(page, `date-field-${locale}-${language}`);
    await page.getByRole('button', { name: c.cases.create }).click();
    await page.getByRole('heading', { name: c.cases.caseHeading.replace('{{number}}', kept) }).waitFor();
    expect(await storedOpenedAt(kept)).toBe('2026-03-05');

    // As a phone types it (eight digits), and as an ISO date pasted: the same day.
    for (const [entry, number] of [
      [typed.replaceAll('/', ''), unique('PNC-')],
      ['2026-03-05', unique('PNC-')],
    ] as const) {
      await newCase(page, number);
      await field(page, c.cases.openedAt).fill(entry);
      await page.getByRole('button', { name: c.cases.create }).click();
      await page.getByRole('heading', { name: c.cases.caseHeading.replace('{{number}}', number) }).waitFor();
      expect(await storedOpenedAt(number), entry).toBe('2026-03-05');
    }
    expect(errors).toEqual([]);
    await context.close();
  });
});
