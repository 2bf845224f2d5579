import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCase, intakeItem, traceBody, useWorld } from './support/harness.ts';
import { en } from '../src/i18n/en.ts';
import { es } from '../src/i18n/es.ts';
import { violations } from './support/axe.ts';
import { PASSWORD, settledPage, useBrowser } from './support/web-session.ts';

const t = useWorld({ privateDatabase: true, webUi: true });
const { people, open, signIn } = useBrowser(t, {
  investigator: ['investigator', 'Marta Hernández'],
  advisor: ['advisor', 'Carlos Méndez'],
  stockpile: ['stockpile_manager', 'Rosa Aguilar'],
  admin: ['admin', 'Sofía Castro'],
});

const ids: Record<string, string> = {};
beforeAll(async () => {
  await t.db('agencies').where({ id: t.home.id }).update({ name: 'Policía Nacional Civil' });
  const kase = await createCase(t.client, people.investigator.token);
  const trace = (await t.client.as(people.investigator.token).post('/traces', traceBody(kase.id, { draft: true })))
    .body;
  const item = await intakeItem(t.client, people.stockpile.token);
  const plan = (
    await t.client.as(people.stockpile.token).post('/destructions', {
      plannedFor: '2026-12-20',
      method: 'cutting',
      location: 'Polígono de la PNC',
      itemIds: [item.id],
    })
  ).body;
  Object.assign(ids, {
    caseId: kase.id,
    traceId: trace.id,
    weaponId: trace.weaponId,
    itemId: item.id,
    destructionId: plan.id,
  });
});

/** Every main page of each role: what a person of that role opens in a working day. */
const PAGES: Record<keyof typeof people, () => string[]> = {
  investigator: () => [
    '/cases',
    `/cases/${ids.caseId}`,
    '/traces',
    '/traces/new',
    `/traces/${ids.traceId}`,
    '/traces/bulk',
    '/weapons',
    `/weapons/${ids.weaponId}`,
    '/registry',
    '/intelligence',
    '/reports',
    '/alerts',
    '/help',
  ],
  advisor: () => ['/dashboard', '/queue', '/destructions', '/intelligence', '/reports', '/help'],
  stockpile: () => [
    '/stockpile',
    `/stockpile/${ids.itemId}`,
    '/destructions',
    '/destructions/new',
    `/destructions/${ids.destructionId}`,
    '/help',
  ],
  admin: () => ['/administration', '/help'],
};

async function signInAs(page: Page, email: string, locale: string) {
  await signIn(page, email, PASSWORD, locale === 'en-US' ? en : es);
  await page.getByTestId('who').waitFor();
}

describe('accessibility (axe-core, WCAG 2.1 A and AA): no serious or critical violation on any main page', () => {
  for (const locale of ['es-SV', 'en-US']) {
    it(`the sign-in page (${locale})`, async () => {
      const { page, context } = await open(locale, undefined, true);
      await page.goto(`${t.client.baseUrl}/`);
      await page.getByRole('button').first().waitFor();
      expect(await violations(page)).toEqual([]);
      await context.close();
    });
    for (const role of Object.keys(PAGES) as (keyof typeof PAGES)[]) {
      it(`${role}'s pages (${locale})`, async () => {
        const { page, context } = await open(locale, undefined, true);
        await signInAs(page, people[role].email, locale);
        const found: string[] = [];
        for (const path of PAGES[role]()) {
          await page.goto(`${t.client.baseUrl}${path}`);
          await page.locator('main h1').first().waitFor();
          await settledPage(page);
          found.push(...(await violations(page)).map((v) => `${path}: ${v}`));
        }
        expect(found).toEqual([]);
        await context.close();
      }, 120_000);
    }
  }
});
