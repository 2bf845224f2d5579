import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCase, intakeItem, traceBody, useWorld } from './support/harness.ts';
import { PASSWORD, settledPage, useBrowser } from './support/web-session.ts';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

const t = useWorld({ privateDatabase: true, webUi: true });
const { people, open } = useBrowser(t, {
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

/** axe-core's serious and critical violations of WCAG 2 A and AA on the page as it stands. */
async function violations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  const found = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run(
            context: Document,
            options: object,
          ): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }>;
        };
      }
    ).axe;
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      targets: v.nodes.map((n) => n.target.join(' ')).slice(0, 3),
    }));
  });
  return found
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.targets.join(', ')}`);
}

async function signInAs(page: Page, email: string, locale: string) {
  await page.goto(`${t.client.baseUrl}/`);
  await page.getByLabel(locale === 'en-US' ? 'Email' : 'Correo electrónico').fill(email);
  await page.getByLabel(locale === 'en-US' ? 'Password' : 'Contraseña').fill(PASSWORD);
  await page.getByRole('button', { name: locale === 'en-US' ? 'Sign in' : 'Ingresar' }).click();
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
