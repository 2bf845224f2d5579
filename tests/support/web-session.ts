import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, onTestFailed } from 'vitest';
import { diagnose, englishIn, escapeRegExp, launchBrowser, watchErrors, watchRequests } from './browser.ts';
import { createUser, type WorldApp } from './harness.ts';
import type { en } from '../../src/i18n/en.ts';
import { es } from '../../src/i18n/es.ts';

type Catalogue = typeof en;

export const PASSWORD = 'contraseña-de-prueba-2026';
export type Person = { id: string; email: string; token: string };

export interface Session {
  context: BrowserContext;
  page: Page;
  errors: string[];
}

/** A form control by its exact label (a required field's label ends with an asterisk). */
export const field = (page: Page, label: string) => page.getByLabel(new RegExp(`^${escapeRegExp(label)}( \\*)?$`));
export const dialog = (page: Page) => page.getByRole('dialog');

/** Waits until nothing on the page is still loading (pages that poll never go network-idle). */
export async function settledPage(page: Page) {
  await expect.poll(() => page.locator('.loading').count()).toBe(0);
}

/** The page's visible text holds no English UI string and no raw enum value. */
export async function expectSpanish(page: Page) {
  await settledPage(page);
  // <code> holds literal formats (CSV column names), not UI language.
  const text = await page.evaluate(() => {
    const body = document.body.cloneNode(true) as HTMLElement;
    body.querySelectorAll('code').forEach((code) => code.remove());
    document.body.append(body);
    const visible = body.innerText;
    body.remove();
    return visible;
  });
  expect(englishIn(text), page.url()).toEqual([]);
}

/**
 * A browser for a test file (launched before its tests, closed after), with named people of the world's home agency
 * who sign in with a password, and helpers to open a page and sign in.
 */
export function useBrowser<K extends string>(
  t: WorldApp,
  named: Record<K, [Parameters<typeof createUser>[2], string]>,
  /** Chromium flags besides the usual ones, read when the browser starts (e.g. a fake camera's video file). */
  extraArgs: () => string[] = () => [],
) {
  let browser: Browser;
  const people = {} as Record<K, Person>;
  beforeAll(async () => {
    for (const [key, [role, name]] of Object.entries(named) as [K, [Parameters<typeof createUser>[2], string]][]) {
      const user = await createUser(t.db, t.home.id, role, PASSWORD);
      await t.db('users').where({ id: user.id }).update({ name });
      people[key] = user;
    }
    browser = await launchBrowser(extraArgs());
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
  });

  /**
   * A new page; `bypassCSP` only for tools the test injects (axe-core), never to make the app itself work.
   * `serviceWorkers: 'block'` for a test that counts the page's traffic: once the app's service worker is in charge
   * it answers from its own cache, out of sight of the page's network log.
   */
  async function open(
    locale = 'es-SV',
    viewport = { width: 1280, height: 900 },
    bypassCSP = false,
    serviceWorkers: 'allow' | 'block' = 'allow',
  ): Promise<Session> {
    const context = await browser.newContext({
      locale,
      timezoneId: 'America/El_Salvador',
      viewport,
      bypassCSP,
      serviceWorkers,
    });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const requests = watchRequests(page);
    // A failing test leaves its page behind: a screenshot, the visible text and the last API answers.
    onTestFailed(async ({ task }) => {
      if (page.isClosed()) return;
      const failures = (task.result?.errors ?? []).map((error) => `${error.message}\n${error.stack ?? ''}`);
      await diagnose(page, task.name, requests, failures).catch(() => undefined);
    });
    return { context, page, errors: watchErrors(page) };
  }

  /** Signs in on the sign-in page, labelled in the catalogue's language (Spanish unless given). */
  async function signIn(page: Page, email: string, password = PASSWORD, words: Catalogue = es) {
    await page.goto(`${t.client.baseUrl}/`);
    await page.getByLabel(words.signIn.email).fill(email);
    await page.getByLabel(words.signIn.password).fill(password);
    await page.getByRole('button', { name: words.signIn.submit }).click();
  }

  return { people, open, signIn, browser: () => browser };
}

/** Types a new trace on the open form: the case by its number, a pistol with this serial, a possessor. */
export async function typeTrace(page: Page, c: Catalogue, caseNumber: string, serial: string, lastName: string) {
  const choice = field(page, c.traceForm.case);
  await expect.poll(() => choice.locator('option', { hasText: caseNumber }).count(), { timeout: 15_000 }).toBe(1);
  await choice.selectOption({ label: (await choice.locator('option', { hasText: caseNumber }).innerText()).trim() });
  await field(page, c.weapons.manufacturer).fill('Smith & Wesson');
  await field(page, c.weapons.model).fill('SD9VE');
  await field(page, c.weapons.caliber).fill('9mm');
  await field(page, c.weapons.type).selectOption({ label: c.weaponTypes.pistol });
  await field(page, c.weapons.serialNumber).fill(serial);
  await field(page, c.weapons.countryOfManufacture).fill('US');
  await field(page, c.traceForm.recoveryDate).fill('2026-11-05');
  await field(page, c.traceForm.circumstance).selectOption({ label: c.circumstances.seizure });
  await page.getByLabel(c.traceForm.hasPossessor).check();
  await field(page, c.traceForm.firstName).fill('Juan');
  await field(page, c.traceForm.lastName).fill(lastName);
}
