import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { GUIDE } from '../src/web/help/guide.ts';
import { createCase, intakeItem, traceBody, unique, useWorld } from './support/harness.ts';
import { indicatorsRecorded, waitFor } from './support/processes.ts';
import { expectSpanish, settledPage, useBrowser } from './support/web-session.ts';

// The user guide's screenshots are taken here, from the real screens, each time the tests run. They are written over the
// guide's own pictures (tracked files) only when asked — `npm run guide:screenshots` — so `npm test` leaves the tree as
// it found it; otherwise into a temporary folder, which still proves every screen of the guide renders.
const GUIDE_IMAGES =
  process.env.RETAKE_GUIDE_SCREENSHOTS === '1'
    ? new URL('../src/web/public/guide/', import.meta.url)
    : pathToFileURL(`${await mkdtemp(join(tmpdir(), 'rastreo-guide-'))}/`);

const t = useWorld({ privateDatabase: true, webUi: true, worker: { ADAPTER_LATENCY_MS: '20' } });
const { people, open, signIn } = useBrowser(t, {
  investigator: ['investigator', 'Marta Hernández'],
  advisor: ['advisor', 'Carlos Méndez'],
  stockpile: ['stockpile_manager', 'Rosa Aguilar'],
  admin: ['admin', 'Sofía Castro'],
});

const ids: Record<string, string> = {};
beforeAll(async () => {
  await mkdir(GUIDE_IMAGES, { recursive: true });
  await t.db('agencies').where({ id: t.home.id }).update({ name: 'Policía Nacional Civil' });
  await t.db('agencies').where({ id: t.neighbour.id }).update({ name: 'Fiscalía General de la República' });
  await t.db('agencies').where({ id: t.faraway.id }).update({ name: 'Policía Nacional de Honduras' });
  // The world's other users are named after their role code; the administration page lists them.
  for (const [n, user] of Object.values(t.users).entries())
    await t
      .db('users')
      .where({ id: user.id })
      .update({ name: `Usuaria de prueba ${n + 1}` });
  const inv = t.client.as(people.investigator.token);
  const kase = await createCase(t.client, people.investigator.token);
  const batch = unique('');
  let last: { id: string } | undefined;
  for (const end of ['01', '02', '17']) {
    const weapon = {
      manufacturer: 'Smith & Wesson',
      model: 'SD9VE',
      caliber: '9mm',
      type: 'pistol',
      serialNumber: `TESTSTRAW${batch}${end}`,
      countryOfManufacture: 'US',
    };
    last = (await inv.post('/traces', traceBody(kase.id, { weapon }))).body;
  }
  await waitFor(async () => (await inv.get(`/traces/${last!.id}`)).body.status === 'completed', "the guide's traces");
  await indicatorsRecorded(t.db);
  await inv.post(
    '/traces',
    traceBody(kase.id, {
      urgent: true,
      urgentReason: 'Sospechoso detenido; audiencia en 72 horas',
      weapon: {
        manufacturer: 'Bersa',
        model: 'Thunder 380',
        caliber: '.380',
        type: 'pistol',
        serialNumber: unique('SN'),
        countryOfManufacture: 'AR',
      },
    }),
  );
  const item = await intakeItem(t.client, people.stockpile.token);
  const plan = (
    await t.client.as(people.stockpile.token).post('/destructions', {
      plannedFor: '2026-12-20',
      method: 'cutting',
      location: 'Polígono de la PNC',
      itemIds: [item.id],
    })
  ).body;
  // A count under way in a store of two, one found: the count page as a stockpile manager sees it in the store room.
  const store = 'Bodega central, estante 2';
  const shelf = [
    await intakeItem(t.client, people.stockpile.token, { storageLocation: store }),
    await intakeItem(t.client, people.stockpile.token, { storageLocation: store }),
  ];
  const count = (await t.client.as(people.stockpile.token).post('/stockpile/stocktakes', { storageLocation: store }))
    .body;
  await t.client
    .as(people.stockpile.token)
    .post(`/stockpile/stocktakes/${count.id}/counts`, { itemReference: shelf[0]!.reference });
  Object.assign(ids, {
    caseId: kase.id,
    traceId: last!.id,
    itemId: item.id,
    destructionId: plan.id,
    stocktakeId: count.id,
  });
}, 120_000);

/** A picture of the page, or of one part of it (a section further down). */
async function shoot(page: Page, path: string, image: string, part?: string) {
  await page.goto(`${t.client.baseUrl}${path}`);
  await page.locator('main h1').first().waitFor();
  await settledPage(page);
  await expectSpanish(page);
  const options = { path: new URL(`${image}.jpg`, GUIDE_IMAGES).pathname, type: 'jpeg', quality: 70 } as const;
  await (part ? page.locator(part).screenshot(options) : page.screenshot(options));
}

/** Where each of the guide's pictures is taken. */
const SHOTS: Record<string, { who: keyof typeof people; path: () => string; part?: string }> = {
  'investigator-cases': { who: 'investigator', path: () => '/cases' },
  'investigator-new-trace': { who: 'investigator', path: () => '/traces/new' },
  'investigator-trace': { who: 'investigator', path: () => `/traces/${ids.traceId}` },
  'investigator-bulk': { who: 'investigator', path: () => '/traces/bulk' },
  'investigator-alerts': { who: 'investigator', path: () => '/alerts' },
  'investigator-intelligence': { who: 'investigator', path: () => '/intelligence' },
  'advisor-dashboard': { who: 'advisor', path: () => '/dashboard' },
  'advisor-queue': { who: 'advisor', path: () => '/queue' },
  'advisor-destructions': { who: 'advisor', path: () => '/destructions' },
  'advisor-reports': { who: 'advisor', path: () => '/reports' },
  'advisor-stocktakes': { who: 'advisor', path: () => '/stocktakes' },
  'advisor-country-report': { who: 'advisor', path: () => '/reports/country', part: '.country-report' },
  'stockpile-intake': { who: 'stockpile', path: () => '/stockpile' },
  'stockpile-item': { who: 'stockpile', path: () => `/stockpile/${ids.itemId}` },
  'stockpile-destruction': { who: 'stockpile', path: () => `/destructions/${ids.destructionId}` },
  'stockpile-stocktake': { who: 'stockpile', path: () => `/stocktakes/${ids.stocktakeId}` },
  'admin-administration': { who: 'admin', path: () => '/administration' },
  'admin-users': { who: 'admin', path: () => '/administration', part: 'section[aria-labelledby="users-title"]' },
};

describe('the user guide', () => {
  it('every picture the guide shows has a place it is taken, in both languages', () => {
    for (const role of Object.values(GUIDE)) {
      expect(role.es.steps.map((s) => s.image)).toEqual(role.en.steps.map((s) => s.image));
      for (const step of role.es.steps) if (step.image) expect(SHOTS[step.image], step.image).toBeDefined();
    }
  });

  for (const who of ['investigator', 'advisor', 'stockpile', 'admin'] as const) {
    it(`${who}: Help opens the role's guide, and its screenshots are refreshed from the live screens`, async () => {
      const { page, context, errors } = await open();
      await signIn(page, people[who].email);
      await page.getByTestId('who').waitFor();
      for (const [image, shot] of Object.entries(SHOTS).filter(([, s]) => s.who === who))
        await shoot(page, shot.path(), image, shot.part);
      await page.getByRole('link', { name: 'Ayuda' }).click();
      await page.getByRole('heading', { name: /^Guía de uso: / }).waitFor();
      const images = page.locator('.guide-steps img');
      expect(await images.count()).toBeGreaterThan(0);
      // Every picture loads (it is served by the app, from the files this test just wrote at the last build).
      await expectSpanish(page);
      expect(errors).toEqual([]);
      await context.close();
    }, 120_000);
  }
});
