import { beforeAll, describe, expect, it } from 'vitest';
import { en } from '../src/i18n/en.ts';
import { es } from '../src/i18n/es.ts';
import { violations } from './support/axe.ts';
import { screenshot } from './support/browser.ts';
import { createCase, traceBody, useWorld } from './support/harness.ts';
import { photo } from './support/uploads.ts';
import { dialog, expectSpanish, PASSWORD, useBrowser } from './support/web-session.ts';

// Issue 32: marking photographs on the trace page — taken with the phone's camera or chosen, uploaded with progress,
// retried after a dropped link without a duplicate, opened full size, retracted; the advisor sees them by the serial.
const t = useWorld({ privateDatabase: true, webUi: true });
const { people, open, signIn } = useBrowser(t, {
  investigator: ['investigator', 'Marta Hernández'],
  advisor: ['advisor', 'Carlos Mejía'],
});
beforeAll(async () => {
  await t.db('agencies').where({ id: t.home.id }).update({ name: 'Policía Nacional Civil' });
});

describe.each([
  ['es-SV', es],
  ['en-US', en],
] as const)('photographs of a trace, in %s', (locale, c) => {
  it('uploads a marking photograph (a retry after a lost answer makes one), opens it, and the advisor sees it by the serial', async () => {
    const kase = await createCase(t.client, people.investigator.token);
    const trace = (await t.client.as(people.investigator.token).post('/traces', traceBody(kase.id))).body;
    const { page, context, errors } = await open(locale, undefined, true);
    await signIn(page, people.investigator.email, PASSWORD, c);
    await page.getByTestId('who').waitFor();
    await page.goto(`${t.client.baseUrl}/traces/${trace.id}`);
    const panel = page.getByTestId('attachments-trace');
    await panel.getByText(c.attachments.none).waitFor();
    // On a phone, "take a photo" opens the camera.
    expect(await panel.getByLabel(c.attachments.takePhoto).getAttribute('capture')).toBe('environment');

    // The first answer is lost after the server kept the photograph: the retry (same key) is the same attachment.
    let cut = 0;
    await page.route('**/api/v1/traces/*/attachments', async (route) => {
      if (route.request().method() !== 'POST' || cut > 0) return route.continue();
      cut += 1;
      await route.fetch();
      await route.abort('connectionreset');
    });
    await panel.getByLabel(c.attachments.kind).selectOption({ label: c.attachmentKinds.serial });
    await panel.getByLabel(c.attachments.caption).fill('Serie en el armazón');
    await panel
      .getByLabel(c.attachments.chooseFiles)
      .setInputFiles({ name: 'IMG_0042.jpg', mimeType: 'image/jpeg', buffer: await photo(1200, 900) });
    await panel.getByRole('button', { name: c.attachments.retry }).click();
    const thumbnail = panel.getByRole('img', { name: 'Serie en el armazón' });
    await thumbnail.waitFor();
    expect(cut).toBe(1);
    expect(await t.db('attachments').where({ trace_id: trace.id }).count({ n: '*' })).toEqual([{ n: 1 }]);
    expect(await thumbnail.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(320);

    // Opened full size: the original.
    await panel.getByRole('button', { name: `${c.attachments.open} Serie en el armazón` }).click();
    const full = dialog(page);
    await full.getByRole('img', { name: 'Serie en el armazón' }).waitFor();
    expect(
      await full
        .getByRole('img', { name: 'Serie en el armazón' })
        .evaluate((img: HTMLImageElement) => img.naturalWidth),
    ).toBe(1200);
    if (locale === 'es-SV') await expectSpanish(page);
    expect(await violations(page)).toEqual([]);
    await screenshot(page, `attachment-full-view-${locale}`);
    await full.getByRole('button', { name: c.common.close }).click();
    expect(await violations(page)).toEqual([]);
    expect(errors.filter((error) => !/ERR_CONNECTION_RESET|Failed to load resource/.test(error))).toEqual([]);
    await context.close();

    // The advisor reviewing the trace sees the photograph by the serial, and cannot add or retract.
    const advisor = await open(locale, undefined, true);
    await signIn(advisor.page, people.advisor.email, PASSWORD, c);
    await advisor.page.getByTestId('who').waitFor();
    await advisor.page.goto(`${t.client.baseUrl}/traces/${trace.id}`);
    const seen = advisor.page.getByTestId('attachments-trace');
    await seen.getByRole('img', { name: 'Serie en el armazón' }).waitFor();
    expect(await seen.getByLabel(c.attachments.chooseFiles).count()).toBe(0);
    expect(await seen.getByRole('button', { name: new RegExp(`^${c.attachments.retract}`) }).count()).toBe(0);
    await advisor.context.close();

    // Back as the investigator: retracted with a reason, it leaves the list (and is kept).
    const again = await open(locale, undefined, true);
    await signIn(again.page, people.investigator.email, PASSWORD, c);
    await again.page.getByTestId('who').waitFor();
    await again.page.goto(`${t.client.baseUrl}/traces/${trace.id}`);
    const mine = again.page.getByTestId('attachments-trace');
    await mine.getByRole('button', { name: `${c.attachments.retract} Serie en el armazón` }).click();
    await dialog(again.page).getByLabel(c.attachments.retractReason).fill('Fotografía de otra arma');
    await dialog(again.page).getByRole('button', { name: c.attachments.retract }).click();
    await mine.getByText(c.attachments.none).waitFor();
    expect((await t.db('attachments').where({ trace_id: trace.id }).first()).retract_reason).toBe(
      'Fotografía de otra arma',
    );
    await again.context.close();
  }, 120_000);
});
