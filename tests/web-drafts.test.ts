import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { en } from '../src/i18n/en.ts';
import { es } from '../src/i18n/es.ts';
import { violations } from './support/axe.ts';
import { escapeRegExp, screenshot } from './support/browser.ts';
import { createCase, unique, useWorld } from './support/harness.ts';
import { waitFor } from './support/processes.ts';
import { dialog, expectSpanish, field, PASSWORD, typeTrace, useBrowser } from './support/web-session.ts';

// Issue 31: an investigator at a police post without a connection records the trace on the device; it is sent when the
// link returns, exactly once, however the sending goes.
const t = useWorld({ privateDatabase: true, webUi: true, worker: { ADAPTER_LATENCY_MS: '20' } });
const { people, open, signIn } = useBrowser(t, { investigator: ['investigator', 'Marta Hernández'] });
beforeAll(async () => {
  await t.db('agencies').where({ id: t.home.id }).update({ name: 'Policía Nacional Civil' });
});

const fill = (text: string, values: Record<string, string | number>) =>
  text.replace(/\{\{(\w+)\}\}/g, (_m, name: string) => String(values[name] ?? ''));

/** What IndexedDB holds of the drafts, as raw records; `plain` is every byte of them read as text. */
const deviceDrafts = (page: Page) =>
  page.evaluate(
    () =>
      new Promise<{ count: number; plain: string }>((resolve, reject) => {
        const request = indexedDB.open('rastreo');
        request.onerror = () => reject(request.error);
        request.onsuccess = () => {
          const db = request.result;
          if (!db.objectStoreNames.contains('drafts')) return resolve({ count: 0, plain: '' });
          const all = db.transaction('drafts').objectStore('drafts').getAll();
          all.onsuccess = () => {
            const records = all.result as Record<string, unknown>[];
            const text = records
              .map((record) =>
                Object.values(record)
                  .map((value) =>
                    value instanceof ArrayBuffer || ArrayBuffer.isView(value)
                      ? new TextDecoder().decode(value as ArrayBuffer)
                      : JSON.stringify(value),
                  )
                  .join(' '),
              )
              .join('\n');
            resolve({ count: records.length, plain: text });
          };
        };
      }),
  );

/** The bytes of the kept (unsent) form on the device, read as text; empty when none is kept. */
const deviceStash = (page: Page) =>
  page.evaluate(
    () =>
      new Promise<string>((resolve, reject) => {
        const request = indexedDB.open('rastreo');
        request.onerror = () => reject(request.error);
        request.onsuccess = () => {
          const db = request.result;
          if (!db.objectStoreNames.contains('lists')) return resolve('');
          const all = db.transaction('lists').objectStore('lists').getAll();
          all.onsuccess = () =>
            resolve(
              (all.result as { id: string; sealed: ArrayBuffer }[])
                .filter((row) => row.id.startsWith('unsent-form:'))
                .map((row) => new TextDecoder().decode(row.sealed))
                .join(''),
            );
        };
      }),
  );

describe.each([
  ['es-SV', es],
  ['en-US', en],
] as const)('offline intake, in %s', (locale, c) => {
  /** Signed in, the form opened once online (the device keeps the open cases), the service worker in charge. */
  async function readyOffline(tabs = 1, clockAheadMs = 0) {
    const created = await createCase(t.client, people.investigator.token);
    const kase = {
      id: created.id,
      caseNumber: (await t.db('cases').where({ id: created.id }).first()).case_number as string,
    };
    const { page, context, errors } = await open(locale, undefined, true);
    if (clockAheadMs) await context.clock.install({ time: Date.now() + clockAheadMs });
    await signIn(page, people.investigator.email, PASSWORD, c);
    await page.getByTestId('who').waitFor();
    await page.goto(`${t.client.baseUrl}/traces/new`);
    await expect.poll(() => field(page, c.traceForm.case).locator('option').count()).toBeGreaterThan(1);
    // The service worker takes the page once it has precached the app: seconds on a busy machine (a CI run missed 1 s).
    await expect
      .poll(() => page.evaluate(() => Boolean(navigator.serviceWorker.controller)), { timeout: 30_000 })
      .toBe(true);
    // Another tab, signed in too (each tab has its own session), looking at the same device's drafts.
    const others = [];
    for (let n = 1; n < tabs; n += 1) {
      const other = await context.newPage();
      await signIn(other, people.investigator.email, PASSWORD, c);
      await other.getByTestId('who').waitFor();
      await other.goto(`${t.client.baseUrl}/drafts`);
      await other.getByTestId('no-drafts').waitFor();
      others.push(other);
    }
    await context.setOffline(true);
    return { kase, page, context, errors, others };
  }

  async function fillTrace(page: Page, caseNumber: string, serial: string) {
    // Opened by its address without a connection: the page and its case list come from the device.
    await page.goto(`${t.client.baseUrl}/traces/new`);
    await typeTrace(page, c, caseNumber, serial, 'Secretario Pérez');
    await page.getByRole('button', { name: c.drafts.saveOnDevice }).click();
    await page.getByText(c.drafts.saved).waitFor();
  }

  const tracesWith = async (serial: string) =>
    (await t.db('traces').whereRaw(`weapon->>'serialNumber' = ?`, [serial]).count({ n: '*' }))[0]!.n;

  it('a trace filled offline waits on the device, encrypted, through a reload, and is sent once when the link returns — even when the first answer is lost', async () => {
    const { kase, page, context, errors } = await readyOffline();
    const serial = unique('OFF');
    await fillTrace(page, kase.caseNumber, serial);
    const rows = page.getByTestId('drafts').locator('tbody tr');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().innerText()).toContain(c.drafts.pending);
    await page.getByTestId('pending-drafts').waitFor();
    // On the device only encrypted: no name, no serial in the clear.
    const stored = await deviceDrafts(page);
    expect(stored.count).toBe(1);
    expect(stored.plain).not.toContain('Secretario');
    expect(stored.plain).not.toContain(serial);
    if (locale === 'es-SV') await expectSpanish(page);
    expect(await violations(page)).toEqual([]);
    await screenshot(page, `drafts-pending-${locale}`);

    // A reload without a connection: still there.
    await page.reload();
    await page.getByTestId('drafts').waitFor();
    expect(await page.getByTestId('drafts').locator('tbody tr').count()).toBe(1);

    // The link returns, but the first answer is lost after the server committed…
    let cut = 0;
    await page.route('**/api/v1/traces', async (route) => {
      if (route.request().method() !== 'POST' || cut > 0) return route.continue();
      cut += 1;
      await route.fetch();
      await route.abort('connectionreset');
    });
    await context.setOffline(false);
    await waitFor(async () => Number(await tracesWith(serial)) === 1, 'the server committed the first send');
    expect(cut).toBe(1);
    // …so the draft still waits; sent again (same key), it is the same trace, and it leaves the device.
    expect(await page.getByTestId('drafts').locator('tbody tr').count()).toBe(1);
    await page.getByRole('button', { name: c.drafts.sendNow }).click();
    await page.getByTestId('no-drafts').waitFor();
    expect(Number(await tracesWith(serial))).toBe(1);
    const trace = await t.db('traces').whereRaw(`weapon->>'serialNumber' = ?`, [serial]).first();
    expect(trace.possessor).toMatchObject({ lastName: 'Secretario Pérez' });
    expect(trace.recovery_date ?? trace.recovery?.date).toBeTruthy();
    expect((await deviceDrafts(page)).count).toBe(0);
    expect(
      errors.filter((error) => !/ERR_INTERNET_DISCONNECTED|ERR_CONNECTION_RESET|Failed to fetch/.test(error)),
    ).toEqual([]);
    await context.close();
  }, 90_000);

  it('two tabs sending the same draft make one trace; a draft the server refuses comes back with why; sign-out warns, then deletes', async () => {
    const { kase, page, context, others } = await readyOffline(2);
    const other = others[0]!;
    const serial = unique('TAB');
    await fillTrace(page, kase.caseNumber, serial);
    await other.getByTestId('drafts').waitFor();
    // Both tabs see the link return at once and both send.
    await context.setOffline(false);
    await page.getByTestId('no-drafts').waitFor();
    await other.getByTestId('no-drafts').waitFor();
    expect(Number(await tracesWith(serial))).toBe(1);
    await other.close();

    // A draft whose case was closed meanwhile: refused, kept, and opened with the reason.
    await context.setOffline(true);
    const refusedSerial = unique('REF');
    await fillTrace(page, kase.caseNumber, refusedSerial);
    expect((await t.client.as(people.investigator.token).patch(`/cases/${kase.id}`, { status: 'closed' })).status).toBe(
      200,
    );
    await context.setOffline(false);
    const row = page.getByTestId('drafts').locator('tbody tr').first();
    await expect.poll(() => row.innerText(), { timeout: 30_000 }).toContain(c.drafts.refused);
    await row.getByRole('link', { name: new RegExp(`^${c.drafts.open}`) }).click();
    await page.getByText(c.conflicts['case-closed']).waitFor();
    expect(Number(await tracesWith(refusedSerial))).toBe(0);

    // Sign-out with a draft on the device: said how many, then gone from the device.
    await page.getByRole('button', { name: c.layout.signOut }).click();
    await dialog(page)
      .getByText(fill(c.drafts.signOutBody_one, { count: 1 }))
      .waitFor();
    await dialog(page).getByRole('button', { name: c.drafts.signOutConfirm }).click();
    await page.getByLabel(c.signIn.email).waitFor();
    expect((await deviceDrafts(page)).count).toBe(0);
    // Signing out from the open form keeps no copy of it either (only an expired session does).
    expect(await deviceStash(page)).toBe('');
    await context.close();
  }, 90_000);
  it('lost-or-stolen reports filled offline wait on the device too: one is sent once; one the server refuses at a field (the device clock ran ahead) opens with the error there, is fixed and sent', async () => {
    // The device's clock runs three days ahead of the server's: a date it takes for the past is the server's future.
    const day = 86_400_000;
    const { page, context } = await readyOffline(1, 3 * day);
    const serverFuture = new Date(Date.now() + 2 * day).toISOString().slice(0, 10);
    const [sound, early] = [unique('LSA'), unique('LSB')];
    const form = page.getByRole('form', { name: c.registry.new });
    const inForm = (label: string) => form.getByLabel(new RegExp(`^${escapeRegExp(label)}( \\*)?$`));

    async function fillReport(serial: string, lostOn: string) {
      await page.goto(`${t.client.baseUrl}/registry`);
      await page.getByRole('button', { name: c.registry.new }).click();
      await inForm(c.weapons.manufacturer).fill('Glock');
      await inForm(c.weapons.model).fill('17');
      await inForm(c.weapons.caliber).fill('9mm');
      await inForm(c.weapons.type).selectOption({ label: c.weaponTypes.pistol });
      await inForm(c.weapons.serialNumber).fill(serial);
      await inForm(c.weapons.countryOfManufacture).fill('AT');
      await inForm(c.registry.kind).selectOption({ label: c.lossKinds.stolen });
      await inForm(c.registry.lostOn).fill(lostOn);
      await inForm(c.registry.sourceType).selectOption({ label: c.lossSources.police_issue });
      await inForm(c.registry.circumstances).fill('Sustraída del puesto policial de Reservado.');
      await form.getByRole('button', { name: c.drafts.saveOnDevice }).click();
      await page.getByText(c.drafts.saved).waitFor();
    }
    await fillReport(sound, '2026-09-20');
    await fillReport(early, serverFuture);
    const rows = page.getByTestId('drafts').locator('tbody tr');
    expect(await rows.count()).toBe(2);
    expect(await rows.first().innerText()).toContain(c.drafts.kinds['stolen-report']);
    const stored = await deviceDrafts(page);
    expect(stored.count).toBe(2);
    for (const secret of [sound, early, 'Reservado']) expect(stored.plain).not.toContain(secret);

    const reportsWith = async (serial: string) =>
      Number(
        (
          await t
            .db('stolen_reports as sr')
            .join('weapons as w', 'w.id', 'sr.weapon_id')
            .where('w.serial_number', serial)
            .count({ n: '*' })
        )[0]!.n,
      );
    await context.setOffline(false);
    // The sound one is sent; the other comes back refused and stays.
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(1);
    await expect.poll(() => rows.first().innerText(), { timeout: 30_000 }).toContain(c.drafts.refused);
    expect(await reportsWith(sound)).toBe(1);
    expect(await reportsWith(early)).toBe(0);

    // Opened, it shows the server's error at the date; fixed, it is filed, once, and leaves the device.
    await rows
      .first()
      .getByRole('link', { name: new RegExp(`^${c.drafts.open}`) })
      .click();
    await form.getByText(c.fieldErrors.future).waitFor();
    expect(await inForm(c.weapons.serialNumber).inputValue()).toBe(early);
    if (locale === 'es-SV') await expectSpanish(page);
    expect(await violations(page)).toEqual([]);
    await inForm(c.registry.lostOn).fill('2026-10-01');
    await form.getByRole('button', { name: c.registry.submit }).click();
    await page.getByText(new RegExp(fill(c.registry.filed, { reference: 'LS-\\d{4}-\\d{6}' }))).waitFor();
    expect(await reportsWith(early)).toBe(1);
    expect((await deviceDrafts(page)).count).toBe(0);
    const report = await t
      .db('stolen_reports as sr')
      .join('weapons as w', 'w.id', 'sr.weapon_id')
      .where('w.serial_number', early)
      .first(t.db.raw('sr.lost_on::text AS lost_on'));
    expect(report.lost_on).toBe('2026-10-01');
    await context.close();
  }, 90_000);

  it('a session that expires mid-form: signing in again brings the form back as it was, and it makes one trace', async () => {
    const created = await createCase(t.client, people.investigator.token);
    const caseNumber = (await t.db('cases').where({ id: created.id }).first()).case_number as string;
    const { page, context, errors } = await open(locale);
    await signIn(page, people.investigator.email, PASSWORD, c);
    await page.getByTestId('who').waitFor();
    await page.goto(`${t.client.baseUrl}/traces/new`);
    const serial = unique('EXP');
    await typeTrace(page, c, caseNumber, serial, 'Reservada');
    // The session ends on the server; the form's next request (a case search) meets the 401.
    const token = await page.evaluate(
      () => (JSON.parse(sessionStorage.getItem('rastreo.session')!) as { token: string }).token,
    );
    expect((await t.client.as(token).delete('/sessions/current')).status).toBe(204);
    await field(page, c.traceForm.caseSearch).fill('zz');
    await page.getByText(c.signIn.expired).waitFor();
    // Kept on the device, and only encrypted.
    await expect.poll(async () => (await deviceStash(page)).length).toBeGreaterThan(0);
    expect(await deviceStash(page)).not.toContain('Reservada');

    await page.getByLabel(c.signIn.email).fill(people.investigator.email);
    await page.getByLabel(c.signIn.password).fill(PASSWORD);
    await page.getByRole('button', { name: c.signIn.submit }).click();
    await page.getByText(c.traceForm.restored).waitFor();
    expect(await field(page, c.weapons.serialNumber).inputValue()).toBe(serial);
    expect(await field(page, c.traceForm.lastName).inputValue()).toBe('Reservada');
    await field(page, c.traceForm.caseSearch).fill('');
    await page.getByRole('button', { name: c.traceForm.submit }).click();
    await expect.poll(() => new URL(page.url()).pathname).toMatch(/^\/traces\/[0-9a-f-]{36}$/);
    await waitFor(async () => Number(await tracesWith(serial)) === 1, 'the restored trace');
    // Brought back once: nothing is kept any more.
    expect(await deviceStash(page)).toBe('');
    expect(errors.filter((error) => !/status of 401/.test(error))).toEqual([]);
    await context.close();
  }, 90_000);
});
