import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFParse } from 'pdf-parse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { en } from '../src/i18n/en.ts';
import { es } from '../src/i18n/es.ts';
import { violations } from './support/axe.ts';
import { screenshot } from './support/browser.ts';
import { createUser, intakeItem, unique, useWorld } from './support/harness.ts';
import { qrVideo } from './support/qr-video.ts';
import { expectSpanish, field, PASSWORD, useBrowser } from './support/web-session.ts';

// Issue 33: the count page on a phone in a store room — the camera reads a label's QR code (Chromium's fake camera
// plays a video of one), a keyboard-style scanner types codes and presses Enter, each answered at once with a tally;
// the second person closes the count with their own sign-in on the same phone; the advisor sees the region's stores.
const t = useWorld({ privateDatabase: true, webUi: true });

const STORE = `Bodega central ${unique()}, estante 2`;
let dir: string;
let video: string;
let items: Awaited<ReturnType<typeof intakeItem>>[];
beforeAll(async () => {
  await t.db('agencies').where({ id: t.home.id }).update({ name: 'Policía Nacional Civil' });
  items = [];
  for (let i = 0; i < 4; i++)
    items.push(await intakeItem(t.client, t.users.stockpile.token, { storageLocation: STORE }));
  dir = await mkdtemp(join(tmpdir(), 'rastreo-camera-'));
  video = join(dir, 'label.y4m');
  await qrVideo(items[0]!.reference, video);
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const { people, open, signIn } = useBrowser(
  t,
  {
    counter: ['stockpile_manager', 'Rosa Aguilar'],
    witness: ['stockpile_manager', 'Tomás Rivera'],
    advisor: ['advisor', 'Carlos Mejía'],
  },
  () => [
    '--use-fake-device-for-media-stream',
    '--use-fake-ui-for-media-stream',
    `--use-file-for-fake-video-capture=${video}`,
  ],
);

describe('counting a store on a phone', () => {
  it('reads a label with the camera, counts with a keyboard scanner, answers at once, and is closed by a second person', async () => {
    const c = es;
    const neighbour = await createUser(t.db, t.neighbour.id, 'stockpile_manager');
    const theirs = await intakeItem(t.client, neighbour.token, { storageLocation: STORE });
    const { page, context } = await open('es-SV', { width: 390, height: 844 }, true);
    await context.grantPermissions(['camera'], { origin: t.client.baseUrl });
    // Each answer is felt as well as seen: the phone's vibrations, recorded.
    await context.addInitScript(() => {
      const felt: unknown[] = [];
      Object.assign(window, { felt });
      navigator.vibrate = (pattern) => felt.push(pattern) > 0;
    });
    const felt = () => page.evaluate(() => (window as unknown as { felt: unknown[] }).felt);
    await signIn(page, people.counter.email);
    await page.getByTestId('who').waitFor();
    await page.goto(`${t.client.baseUrl}/stocktakes`);
    await field(page, c.stocktakes.store).fill(STORE);
    await page.getByRole('button', { name: c.stocktakes.open }).click();
    await expect.poll(() => new URL(page.url()).pathname).toMatch(/^\/stocktakes\/[0-9a-f-]{36}$/);
    const tally = page.getByTestId('tally');
    await expect.poll(() => tally.innerText()).toBe('0 de 4 contados · 0 no esperados');
    const answer = page.getByTestId('scan-answer');

    // The camera: the fake camera shows items[0]'s label; it is read once, however long it stays in view.
    await page.getByRole('button', { name: c.stocktakes.camera }).click();
    await expect.poll(() => answer.innerText(), { timeout: 30_000 }).toContain(`Encontrado: ${items[0]!.reference}`);
    expect(await answer.getAttribute('data-tone')).toBe('found');
    await expect.poll(() => tally.innerText()).toBe('1 de 4 contados · 0 no esperados');
    expect(await felt()).toEqual([60]);
    await page.getByRole('button', { name: c.stocktakes.stopCamera }).click();

    // The keyboard-style scanner: it types into the focused field and presses Enter.
    const scan = async (code: string) => {
      await page.getByLabel(c.stocktakes.scanLabel).fill(code);
      await page.getByLabel(c.stocktakes.scanLabel).press('Enter');
    };
    await scan(items[1]!.reference);
    await expect.poll(() => answer.innerText()).toContain(`Encontrado: ${items[1]!.reference}`);
    await scan(items[0]!.reference);
    await expect.poll(() => answer.innerText()).toBe(`Ya contado: ${items[0]!.reference}`);
    expect(await answer.getAttribute('data-tone')).toBe('repeat');
    await scan('https://example.org/promo');
    await expect
      .poll(() => answer.innerText())
      .toBe('No es una etiqueta de Rastreo: https://example.org/promo — no se registró nada');
    await scan(theirs.reference);
    await expect.poll(() => answer.innerText()).toBe(`No es nuestro: ${theirs.reference} — no se registró nada`);
    expect(await answer.getAttribute('data-tone')).toBe('problem');
    expect((await felt()).slice(1)).toEqual([60, [40, 60, 40], [200, 100, 200], [200, 100, 200]]);
    // Typed by hand, by serial, marked damaged.
    await page.getByText(c.stocktakes.bySerial).click();
    await page.getByLabel(c.stocktakes.damaged).check();
    await field(page, c.stocktakes.manufacturer).fill('taurus');
    await field(page, c.stocktakes.serial).fill(items[2]!.weapon.serialNumber.toLowerCase());
    await page.getByRole('button', { name: c.stocktakes.count, exact: true }).last().click();
    await expect.poll(() => answer.innerText()).toContain(`Encontrado: ${items[2]!.reference}`);
    await expect.poll(() => tally.innerText()).toBe('3 de 4 contados · 0 no esperados');
    // The one still to find is listed; the counted ones are not.
    const pending = page.getByTestId('pending');
    await expect.poll(() => pending.locator('tbody tr').count()).toBe(1);
    expect(await pending.locator('tbody tr').getAttribute('data-reference')).toBe(items[3]!.reference);
    expect(await t.db('stocktake_lines').whereNotNull('counted_at').count({ n: '*' })).toEqual([{ n: 3 }]);
    await expectSpanish(page);
    expect(await violations(page)).toEqual([]);
    await screenshot(page, 'stocktake-count-es');

    // The second person signs in on this phone to close; a wrong password first, then the opener tries.
    const close = page.getByTestId('close-form');
    await field(page, c.stocktakes.closeEmail).fill(people.counter.email);
    await field(page, c.stocktakes.closePassword).fill(PASSWORD);
    await field(page, c.stocktakes.closeNote).fill('Falta un arma: se informa a la jefatura');
    await close.getByRole('button', { name: c.stocktakes.close }).click();
    await close.getByText(c.stocktakes.selfClose).waitFor();
    await field(page, c.stocktakes.closeEmail).fill(people.witness.email);
    await field(page, c.stocktakes.closePassword).fill('no-es-la-clave');
    await close.getByRole('button', { name: c.stocktakes.close }).click();
    await close.getByText(c.stocktakes.wrongSignIn).waitFor();
    await field(page, c.stocktakes.closePassword).fill(PASSWORD);
    await close.getByRole('button', { name: c.stocktakes.close }).click();
    const missing = page.getByTestId('missing');
    await missing.waitFor();
    expect(await missing.locator('tbody tr').getAttribute('data-reference')).toBe(items[3]!.reference);
    await page.getByText(`Cerrado por Tomás Rivera`).waitFor();
    // Still Rosa's session on this phone; Tomás's sign-in served the close only.
    expect(await page.getByTestId('who').innerText()).toContain('Rosa Aguilar');
    const closer = await t.db('stocktakes').where({ storage_location: STORE }).first();
    expect(closer.closed_by).toBe(people.witness.id);
    // Each sign-in made to close is revoked once used — Tomás's, and Rosa's own refused try; Rosa's session stays.
    const sessions = async (user: string) =>
      (await t.db('api_tokens').where({ user_id: user, kind: 'session' })).map((row) => row.revoked_at === null);
    expect(await sessions(people.witness.id)).toEqual([false]);
    expect((await sessions(people.counter.id)).sort()).toEqual([false, true]);

    // The signed count sheet.
    const [sheet] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: c.stocktakes.countSheet }).click(),
    ]);
    const text = (await new PDFParse({ data: new Uint8Array(await readFile((await sheet.path())!)) }).getText()).text;
    expect(text).toContain('Tomás Rivera');
    expect(text).toContain(items[3]!.reference);
    await expectSpanish(page);
    await screenshot(page, 'stocktake-closed-es');
    await context.close();
  }, 180_000);
});

describe('the advisor’s region view, in English', () => {
  it('lists the stores by their last full count, the overdue ones first and marked; labels print from an item', async () => {
    const c = en;
    const never = `Armería norte ${unique()}`;
    await intakeItem(t.client, t.users.stockpile.token, { storageLocation: never });
    const { page, context } = await open('en-US', undefined, true);
    await signIn(page, people.advisor.email, PASSWORD, c);
    await page.getByTestId('who').waitFor();
    await page.getByRole('link', { name: c.nav.stocktakes }).click();
    const stores = page.getByTestId('stores');
    await stores.waitFor();
    const row = stores.locator(`tr[data-store="${never}"]`);
    await expect.poll(() => row.getAttribute('class')).toBe('overdue');
    expect(await row.innerText()).toContain(c.stocktakes.overdue);
    expect(await row.innerText()).toContain(c.stocktakes.never);
    // Overdue ones come before the stores counted within the year.
    const order = await stores.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('class')));
    expect(order.indexOf(null)).toBeGreaterThan(order.lastIndexOf('overdue'));
    expect(await violations(page)).toEqual([]);
    await screenshot(page, 'stocktake-stores-en');
    await context.close();

    const manager = await open('en-US');
    await signIn(manager.page, people.counter.email, PASSWORD, c);
    await manager.page.getByTestId('who').waitFor();
    await manager.page.goto(`${t.client.baseUrl}/stockpile/${items[1]!.id}`);
    const [label] = await Promise.all([
      manager.page.waitForEvent('download'),
      manager.page.getByRole('button', { name: c.stocktakes.printLabel }).click(),
    ]);
    expect(label.suggestedFilename()).toBe(`${items[1]!.reference}.pdf`);
    const pdf = await readFile((await label.path())!);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    await manager.context.close();
  }, 120_000);
});
