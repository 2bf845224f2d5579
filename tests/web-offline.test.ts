import { beforeAll, describe, expect, it } from 'vitest';
import { en } from '../src/i18n/en.ts';
import { es } from '../src/i18n/es.ts';
import { createCase, useWorld } from './support/harness.ts';
import { violations } from './support/axe.ts';
import { screenshot } from './support/browser.ts';
import { expectSpanish, field, PASSWORD, useBrowser } from './support/web-session.ts';

// Issue 31: at a police post the link comes and goes. The app is installable, opens without a connection, says so, and
// its live stream comes back on its own with the link.
const t = useWorld({ privateDatabase: true, webUi: true });
const { people, open, signIn } = useBrowser(t, { investigator: ['investigator', 'Marta Hernández'] });
beforeAll(async () => {
  await t.db('agencies').where({ id: t.home.id }).update({ name: 'Policía Nacional Civil' });
});

describe.each([
  ['es-SV', es],
  ['en-US', en],
] as const)('without a connection, in %s', (locale, c) => {
  it('the installed app opens offline with its code lists, says it is offline, and reconnects its live stream when the link returns', async () => {
    await createCase(t.client, people.investigator.token);
    const { page, context, errors } = await open(locale, undefined, true);
    await signIn(page, people.investigator.email, PASSWORD, c);
    await page.getByTestId('who').waitFor();

    // Installable: a manifest with its icons, and a service worker that controls the page.
    const manifest = await (await fetch(`${t.client.baseUrl}/manifest.webmanifest`)).json();
    expect(manifest).toMatchObject({ short_name: 'Rastreo', start_url: '/', display: 'standalone' });
    for (const icon of manifest.icons as { src: string; type: string }[]) {
      const res = await fetch(`${t.client.baseUrl}${icon.src}`);
      expect([res.status, res.headers.get('content-type')], icon.src).toEqual([200, icon.type]);
    }
    expect((await fetch(`${t.client.baseUrl}/sw.js`)).headers.get('cache-control')).toBe('no-cache');
    await expect
      .poll(() => page.evaluate(() => Boolean(navigator.serviceWorker.controller)), { timeout: 30_000 })
      .toBe(true);

    // The link drops: the page says so at once.
    await context.setOffline(true);
    const banner = page.getByTestId('offline-banner');
    await banner.waitFor();
    expect(await banner.innerText()).toContain(c.layout.offline);

    // A reload, and the new-trace form by its address, open from the device: the shell, the form and its code lists.
    await page.reload();
    await page.getByTestId('who').waitFor();
    await banner.waitFor();
    await page.goto(`${t.client.baseUrl}/traces/new`);
    await page.getByRole('heading', { name: c.traceForm.newTitle }).waitFor();
    const type = field(page, c.weapons.type);
    expect(await type.locator('option').count()).toBeGreaterThan(5);
    await type.selectOption({ label: c.weaponTypes.revolver });
    if (locale === 'es-SV') await expectSpanish(page);
    expect(await violations(page)).toEqual([]);
    await screenshot(page, `offline-${locale}`);

    // The link returns: the banner goes, and the live stream opens again by itself.
    const reconnected = page.waitForRequest((request) => request.url().endsWith('/api/v1/events/stream'));
    await context.setOffline(false);
    await banner.waitFor({ state: 'detached' });
    await reconnected;
    // Offline, requests fail with the network's own error; nothing else may go wrong.
    expect(errors.filter((error) => !/ERR_INTERNET_DISCONNECTED|Failed to fetch/.test(error))).toEqual([]);
    await context.close();
  }, 90_000);
});
