import { beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from './support/browser.ts';
import { createCase, createUser, traceBody, unique, useWorld } from './support/harness.ts';
import { field, PASSWORD, settledPage, useBrowser } from './support/web-session.ts';

// A working day of each role, for the stumbles issue 20 lists; no worker is needed (drafts, intake, sign-in).
const t = useWorld({ privateDatabase: true, webUi: true });
const { people, open, signIn } = useBrowser(t, {
  investigator: ['investigator', 'Marta Hernández'],
  advisor: ['advisor', 'Carlos Méndez'],
  stockpile: ['stockpile_manager', 'Rosa Aguilar'],
});

beforeAll(async () => {
  await t.db('agencies').where({ id: t.home.id }).update({ name: 'Policía Nacional Civil' });
});

const activeTestId = (page: import('playwright-core').Page) =>
  page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.id ?? '');

describe('everyone: signing in', () => {
  it('wrong passwords keep focus on the message; the fifth says the account is locked, in a clean sentence', async () => {
    const { email } = await createUser(t.db, t.home.id, 'investigator', PASSWORD);
    const { page, context, errors } = await open();
    await page.goto(`${t.client.baseUrl}/`);
    await page.getByLabel('Correo electrónico').fill(email);
    for (let attempt = 1; attempt <= 5; attempt++) {
      await page.getByLabel('Contraseña').fill(`no es la contraseña ${attempt}`);
      await page.getByRole('button', { name: 'Ingresar' }).click();
      const message = page.getByTestId('sign-in-error');
      if (attempt < 5) {
        await expect.poll(() => message.innerText()).toBe('El correo o la contraseña no son correctos.');
      } else {
        await expect
          .poll(() => message.innerText())
          .toMatch(/^Demasiados intentos fallidos: esta cuenta está bloqueada hasta el .+ \(hora local\)$/);
      }
      // The button was busy while signing in: focus is on the message, not lost on the page.
      await expect.poll(() => activeTestId(page)).toBe('sign-in-error');
    }
    expect(await page.getByTestId('sign-in-error').innerText()).not.toMatch(/\.\.$/);
    expect(errors.filter((e) => !/status of 401/.test(e))).toEqual([]);
    await context.close();
  });

  it('a session that went idle while the page was closed: after a reload, the sign-in page says why', async () => {
    const { page, context } = await open();
    await signIn(page, people.investigator.email);
    await page.getByTestId('who').waitFor();
    await settledPage(page);
    // As if the laptop slept for 31 minutes: the last activity is old, no timer ran.
    await page.evaluate(() => {
      const stored = JSON.parse(sessionStorage.getItem('rastreo.session')!) as { lastActivity: number };
      sessionStorage.setItem('rastreo.session', JSON.stringify({ ...stored, lastActivity: Date.now() - 31 * 60_000 }));
    });
    await page.reload();
    await page.getByText('Su sesión venció tras 30 minutos sin actividad. Ingrese de nuevo.').waitFor();
    await page.getByRole('button', { name: 'Ingresar' }).waitFor();
    await context.close();
  });
});

describe('everyone: forms', () => {
  it('a form sent with errors lists them at the top, each linked to its field, and takes focus', async () => {
    const { page, context, errors } = await open();
    await signIn(page, people.investigator.email);
    await page.getByRole('button', { name: 'Nuevo caso' }).click();
    await page.getByRole('button', { name: 'Crear caso' }).click();
    const summary = page.getByTestId('error-summary');
    await summary.getByRole('heading', { name: 'Hay un problema' }).waitFor();
    await expect.poll(() => activeTestId(page)).toBe('error-summary');
    expect(await summary.innerText()).toContain('Número de caso: Obligatorio.');
    await summary.getByRole('link', { name: 'Título: Obligatorio.' }).click();
    expect(
      await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.labels?.[0]?.textContent),
    ).toMatch(/^Título/);
    // The inline errors stay.
    expect(await field(page, 'Número de caso').getAttribute('aria-invalid')).toBe('true');
    await screenshot(page, 'error-summary');
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('investigator', () => {
  it('the traces list says how it is sorted and sorts both ways; traces created together keep their reference order', async () => {
    const kase = await createCase(t.client, people.investigator.token);
    const bulk = await t.client.as(people.investigator.token).post(
      '/traces/bulk',
      Array.from({ length: 4 }, () => ({
        ...traceBody(kase.id, { draft: true }),
        weapon: { ...traceBody(kase.id).weapon, serialNumber: unique('SN') },
      })),
    );
    const references = (bulk.body.results as { reference: string }[]).map((r) => r.reference);
    const { page, context } = await open();
    await signIn(page, people.investigator.email);
    await page.getByTestId('who').waitFor();
    await page.goto(`${t.client.baseUrl}/traces?caseId=${kase.id}`);
    const table = page.getByTestId('traces');
    await table.waitFor();
    expect(await table.locator('caption').innerText()).toBe(
      'Ordenados por fecha de creación, los más recientes primero.',
    );
    const shown = async () => await table.locator('tbody tr td:first-child').allInnerTexts();
    await expect.poll(shown).toEqual([...references].reverse());
    await field(page, 'Orden').selectOption({ label: 'Más antiguos primero' });
    await expect.poll(shown).toEqual(references);
    expect(await table.locator('caption').innerText()).toBe(
      'Ordenados por fecha de creación, los más antiguos primero.',
    );
    await context.close();
  });

  it('a blank trace form warns about a missing importer only once a foreign country is entered', async () => {
    const { page, context } = await open();
    await signIn(page, people.investigator.email);
    await page.getByTestId('who').waitFor();
    await page.goto(`${t.client.baseUrl}/traces/new`);
    await field(page, 'País de fabricación').waitFor();
    const warning = page.getByText('fabricada fuera de EE. UU. sin importador');
    expect(await warning.count()).toBe(0);
    await field(page, 'País de fabricación').fill('AT');
    await expect.poll(() => warning.count()).toBeGreaterThan(0);
    await field(page, 'País de fabricación').fill('US');
    await expect.poll(() => warning.count()).toBe(0);
    await context.close();
  });
});

describe('advisor', () => {
  it('the menu has Destructions, which advisors verify', async () => {
    const { page, context } = await open();
    await signIn(page, people.advisor.email);
    await page.getByRole('link', { name: 'Destrucciones' }).click();
    await page.getByRole('heading', { name: 'Destrucciones' }).waitFor();
    await context.close();
  });
});

describe('stockpile manager', () => {
  it("finds a known gun with one search field (Enter does not send the form), takes it in under its open case, and reads the item's hold history", async () => {
    const kase = await createCase(t.client, people.investigator.token);
    const serial = unique('HOM');
    const weapon = {
      manufacturer: 'Glock',
      model: '19',
      caliber: '9mm',
      type: 'pistol',
      serialNumber: serial,
      importer: 'Glock Inc.',
      countryOfManufacture: 'AT',
    };
    expect(
      (await t.client.as(people.investigator.token).post('/traces', traceBody(kase.id, { weapon, draft: true })))
        .status,
    ).toBe(201);
    const caseNumber = (await t.client.as(people.investigator.token).get(`/cases/${kase.id}`)).body
      .caseNumber as string;

    const { page, context, errors } = await open();
    await signIn(page, people.stockpile.email);
    await page.getByRole('button', { name: 'Registrar ingreso' }).click();
    const search = field(page, 'Buscar un arma conocida por número de serie');
    await search.fill(serial.toLowerCase());
    await search.press('Enter');
    const matches = page.getByTestId('weapon-matches');
    await matches.waitFor();
    // Enter searched; it did not send the form (no error summary, no errors on the fields).
    expect(await page.getByTestId('error-summary').isHidden()).toBe(true);
    await matches.locator('li', { hasText: serial }).getByRole('button', { name: 'Ingresar esta arma' }).click();
    await page.getByTestId('chosen-weapon').getByText(`Esta arma pertenece al caso abierto ${caseNumber}`).waitFor();
    expect(await field(page, 'Caso').inputValue()).toBe(kase.id);
    expect(await page.getByRole('checkbox', { name: 'Retención judicial' }).isChecked()).toBe(true);
    await field(page, 'Origen').selectOption({ label: 'Incautada' });
    await field(page, 'Ubicación en bodega').fill('Bodega A-3');
    await page.getByRole('button', { name: 'Registrar', exact: true }).click();
    const row = page.getByTestId('custody').locator('tr', { hasText: serial });
    await row.waitFor();
    const items = (await t.client.as(people.stockpile.token).get('/stockpile/items?limit=200')).body.items as {
      id: string;
      reference: string;
      caseId: string;
      evidenceHold: boolean;
      weapon: { serialNumber: string };
    }[];
    const item = items.find((i) => i.weapon.serialNumber === serial)!;
    expect(item).toMatchObject({ caseId: kase.id, evidenceHold: true });

    // The item's own page: its history with who and why.
    await row.getByRole('link', { name: item.reference }).click();
    await page.getByRole('heading', { name: `Elemento de arsenal ${item.reference}` }).waitFor();
    await page.getByRole('button', { name: 'Liberar retención' }).click();
    await page
      .getByRole('dialog')
      .getByLabel('Motivo (por ejemplo la orden judicial)')
      .fill('Resolución del Juzgado 3.º de Instrucción');
    await page.getByRole('dialog').getByRole('button', { name: 'Liberar retención' }).click();
    const history = page.getByTestId('item-history');
    await history.locator('tr', { hasText: 'Retención liberada' }).waitFor();
    expect(await history.innerText()).toMatch(/Ingreso en custodia\s+Rosa Aguilar \(Encargado de custodia\)/);
    expect(await history.locator('tr', { hasText: 'Retención liberada' }).innerText()).toContain(
      'Resolución del Juzgado 3.º de Instrucción',
    );
    await screenshot(page, 'stockpile-item');
    expect(errors).toEqual([]);
    await context.close();
  });
});
