import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { englishIn, escapeRegExp, screenshot } from './support/browser.ts';
import { createCase, today, traceBody, unique, useWorld } from './support/harness.ts';
import { startReceiver } from './support/receivers.ts';
import { dialog, expectSpanish, field, PASSWORD, settledPage, useBrowser } from './support/web-session.ts';

const t = useWorld({
  privateDatabase: true,
  webUi: true,
  worker: { ADAPTER_LATENCY_MS: '150', OUTBOX_POLL_MS: '100', WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' },
});
const { people, open, signIn, browser } = useBrowser(t, {
  investigator: ['investigator', 'Marta Hernández'],
  advisor: ['advisor', 'Carlos Méndez'],
  stockpile: ['stockpile_manager', 'Rosa Aguilar'],
  verifier: ['stockpile_manager', 'Luis Portillo'],
  locked: ['investigator', 'Ana Rivas'],
  admin: ['admin', 'Sofía Castro'],
});

beforeAll(async () => {
  await t.db('agencies').where({ id: t.home.id }).update({ name: 'Policía Nacional Civil' });
  await t.db('agencies').where({ id: t.neighbour.id }).update({ name: 'Fiscalía General de la República' });
  await t.db('agencies').where({ id: t.faraway.id }).update({ name: 'Policía Nacional de Honduras' });
});

const statusOf = (page: Page) => page.locator('[data-testid=trace-status] [data-status]').getAttribute('data-status');

describe('web UI, in a real Chromium against the real app, worker, PostgreSQL and Redis', () => {
  it('an investigator creates a case and a trace, and watches it reach completed with its result', async () => {
    const { page, context, errors } = await open();
    await signIn(page, people.investigator.email);
    await expect.poll(() => new URL(page.url()).pathname).toBe('/cases');
    const who = page.getByTestId('who');
    await expect.poll(() => who.innerText()).toContain('Marta Hernández');
    expect(await who.innerText()).toContain('Investigador · Policía Nacional Civil');
    await expectSpanish(page);
    await screenshot(page, 'cases');

    const caseNumber = unique('PNC-');
    await page.getByRole('button', { name: 'Nuevo caso' }).click();
    await page.getByLabel('Número de caso').fill(caseNumber);
    await page.getByLabel('Título').fill('Homicidio en Soyapango');
    await page.getByLabel('Delito').selectOption({ label: 'Homicidio' });
    await page.getByRole('button', { name: 'Crear caso' }).click();
    await page.getByRole('heading', { name: `Caso ${caseNumber}` }).waitFor();
    const caseUrl = page.url();
    await expectSpanish(page);

    await page.getByRole('link', { name: 'Nuevo rastreo' }).click();
    await page.getByRole('heading', { name: 'Nueva solicitud de rastreo' }).waitFor();
    // Validation as you type, with the API's rules: a foreign gun without importer is flagged, urgent needs a reason.
    await page.getByLabel('País de fabricación').fill('AT');
    await page.getByText('Necesario para armas fabricadas fuera de EE. UU.').waitFor();
    await page.getByLabel('Rastreo urgente').check();
    await page.getByLabel('Motivo de la urgencia').focus();
    await page.getByLabel('Motivo de la urgencia').blur();
    expect(await page.getByLabel('Motivo de la urgencia').getAttribute('aria-invalid')).toBe('true');
    await page.getByText('Un asesor regional revisará este rastreo').waitFor();
    await page.getByLabel('Fecha de recuperación').fill('2099-01-01');
    await page.getByLabel('Fecha de recuperación').blur();
    await page.getByText('No puede ser una fecha futura.').waitFor();
    await page.getByRole('button', { name: 'Enviar rastreo' }).click();
    expect(await page.getByLabel('Fabricante').getAttribute('aria-invalid')).toBe('true');
    await expectSpanish(page);
    await screenshot(page, 'trace-form');

    await page.getByLabel('Rastreo urgente').uncheck();
    await page.getByLabel('Fabricante').fill('Smith & Wesson');
    await page.getByLabel('Modelo').fill('M&P9');
    await page.getByLabel('Calibre').fill('9mm');
    await field(page, 'Tipo').selectOption({ label: 'Pistola' });
    await field(page, 'Número de serie').fill(unique('TESTOK-'));
    await page.getByLabel('País de fabricación').fill('US');
    await page.getByLabel('Fecha de recuperación').fill('2026-11-01');
    await page.getByLabel('Circunstancia').selectOption({ label: 'Decomiso' });
    await page.getByLabel('Departamento').fill('San Salvador');
    expect(await page.getByLabel('Fabricante').getAttribute('aria-invalid')).toBe('false');
    await page.getByRole('button', { name: 'Enviar rastreo' }).click();

    await page.getByRole('heading', { name: /^Rastreo TR-\d{4}-\d{6}$/ }).waitFor();
    await expect.poll(() => statusOf(page), { timeout: 30_000, interval: 250 }).toBe('completed');
    const result = page.getByTestId('trace-result');
    await expect.poll(() => result.innerText()).toContain('Comprador identificado');
    // In years and months, the days beside them, and the band (issue 30: "1.200 días" was hard to read).
    expect(await result.innerText()).toMatch(
      /Tiempo hasta el delito\s+(\d+ (años?|mes(es)?)( y \d+ mes(es)?)? \([\d.,]+ días\)|\d+ días?) (menos de 1 año|de 1 a 3 años|más de 3 años)/,
    );
    // The stages come from the trace's events, a query of their own that may refresh a moment after the status.
    await expect.poll(() => page.locator('.stage-done').count()).toBe(3);
    expect(await page.getByTestId('timeline').innerText()).toContain('Etapa completada');
    // The case by its number and title, not "Abrir el caso".
    await page.getByRole('link', { name: `${caseNumber} — Homicidio en Soyapango` }).waitFor();
    await expectSpanish(page);
    await screenshot(page, 'trace');

    await page.getByRole('link', { name: /^Smith & Wesson M&P9/ }).click();
    await page.getByRole('heading', { name: /^Smith & Wesson M&P9/ }).waitFor();
    await expectSpanish(page);
    await screenshot(page, 'weapon');

    await page.goto(caseUrl);
    await page.getByRole('button', { name: 'Cerrar caso' }).click();
    await dialog(page).getByRole('button', { name: 'Cerrar caso' }).click();
    await expect.poll(() => page.getByTestId('case-status').innerText()).toBe('Cerrado');
    expect(await page.getByRole('link', { name: 'Nuevo rastreo' }).count()).toBe(0);
    await page.getByRole('link', { name: 'Casos' }).click();
    await page.getByLabel('Estado').selectOption({ label: 'Cerrado' });
    await page.getByLabel('Buscar').fill(caseNumber);
    await page.getByRole('link', { name: caseNumber }).waitFor();
    expect(errors).toEqual([]);
    await context.close();
  }, 90_000);

  it("shows the API's own field errors next to the fields they are about", async () => {
    const { page, context } = await open();
    const caseId = (await createCase(t.client, people.investigator.token)).id;
    await signIn(page, people.investigator.email);
    await page.getByTestId('who').waitFor();
    await page.goto(`${t.client.baseUrl}/traces/new?caseId=${caseId}`);
    await page.getByLabel('Fabricante').fill('Glock');
    await page.getByLabel('Modelo').fill('19');
    await page.getByLabel('Calibre').fill('9mm');
    await field(page, 'Tipo').selectOption({ label: 'Pistola' });
    await field(page, 'Número de serie').fill(unique('SN'));
    await page.getByLabel('País de fabricación').fill('AT');
    await page.getByLabel('Importador').fill('Glock Inc.');
    await page.getByLabel('Fecha de recuperación').fill('2026-10-15');
    await page.getByLabel('Circunstancia').selectOption({ label: 'Allanamiento' });
    // As an out-of-date browser would: the form passes its own checks, the real API refuses the body.
    await page.route('**/api/v1/traces', async (route) => {
      const body = route.request().postDataJSON();
      await route.continue({
        postData: JSON.stringify({ ...body, weapon: { ...body.weapon, countryOfManufacture: 'Austria' } }),
      });
    });
    await page.getByRole('button', { name: 'Enviar rastreo' }).click();
    const country = page.getByLabel('País de fabricación');
    await expect.poll(() => country.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await country.getAttribute('aria-describedby'))!.split(' ').at(-1)!;
    expect(await page.locator(`[id="${describedBy}"]`).innerText()).toBe(
      'Código de país de dos letras (por ejemplo SV, US).',
    );
    await page.getByText('Algunos campos no son válidos').waitFor();
    await page.unroute('**/api/v1/traces');
    await country.fill('at');
    expect(await country.getAttribute('aria-invalid')).toBe('false');
    await page.getByRole('button', { name: 'Enviar rastreo' }).click();
    await page.getByRole('heading', { name: /^Rastreo TR-/ }).waitFor();
    await context.close();
  }, 60_000);

  it('an investigator uploads a CSV and sees the result of each row', async () => {
    const { page, context, errors } = await open();
    const caseNumber = unique('PNC-');
    await t.client
      .as(people.investigator.token)
      .post('/cases', { caseNumber, title: 'Tráfico de armas', offense: 'arms_trafficking' });
    await signIn(page, people.investigator.email);
    await page.getByRole('link', { name: 'Carga masiva' }).click();
    // The columns section says how to name the case and lists the codes with their meaning.
    await page.getByText('Columnas', { exact: true }).click();
    expect(await page.getByTestId('codes-weapon.type').innerText()).toMatch(/submachine_gun\s+Subametralladora/);
    expect(await page.getByTestId('codes-recovery.circumstance').innerText()).toMatch(
      /crime_scene\s+Escena del crimen/,
    );
    const csv = [
      'caseNumber,weapon.manufacturer,weapon.model,weapon.caliber,weapon.type,weapon.serialNumber,weapon.countryOfManufacture,recovery.date,recovery.circumstance',
      `${caseNumber},Taurus,G2C,9mm,pistol,${unique('SN')},BR,2026-10-02,seizure`,
      `${caseNumber},,G2C,9mm,pistol,${unique('SN')},BR,2026-10-02,seizure`,
      `NO-EXISTE,Taurus,G2C,9mm,pistol,${unique('SN')},BR,2026-10-02,seizure`,
    ].join('\n');
    await page
      .getByLabel('Archivo CSV')
      .setInputFiles({ name: 'rastreos.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('button', { name: 'Subir' }).click();
    await page.getByText('1 creados, 2 con errores.').waitFor();
    const rows = page.getByTestId('bulk-results').locator('tbody tr');
    expect(await rows.nth(0).innerText()).toMatch(/TR-\d{4}-\d{6}/);
    expect(await rows.nth(1).innerText()).toContain('Columna weapon.manufacturer: Obligatorio.');
    expect(await rows.nth(2).innerText()).toContain(
      'Columna caseNumber: Ningún caso de su institución tiene este número.',
    );
    await expectSpanish(page);
    await screenshot(page, 'bulk-upload');
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);

  it('an advisor approves an urgent trace and returns another with a message, with confirmation', async () => {
    const caseId = (await createCase(t.client, people.investigator.token)).id;
    const inv = t.client.as(people.investigator.token);
    const urgent = (await inv.post('/traces', traceBody(caseId, { urgent: true, urgentReason: 'Sospechoso prófugo' })))
      .body;
    const other = (
      await inv.post(
        '/traces',
        traceBody(caseId, {
          weapon: {
            manufacturer: 'Bersa',
            model: 'Thunder 380',
            caliber: '.380',
            type: 'pistol',
            serialNumber: unique('SN'),
            countryOfManufacture: 'AR',
          },
        }),
      )
    ).body;
    expect([urgent.status, other.status]).toEqual(['pending_review', 'pending_review']);

    const { page, context, errors } = await open();
    await signIn(page, people.advisor.email);
    await expect.poll(() => new URL(page.url()).pathname).toBe('/dashboard');
    await page.getByTestId('summary-cards').waitFor();
    // Every status bar keeps its label (chart.js skipped every other one): the chart says how many it drew.
    await expect
      .poll(() => page.locator('canvas[data-labels-shown]').first().getAttribute('data-labels-shown'))
      .toBe('9');
    await expectSpanish(page);
    await screenshot(page, 'dashboard');

    await page.getByRole('link', { name: 'Cola de revisión' }).click();
    const urgentRow = page.locator(`tr[data-reference="${urgent.reference}"]`);
    await urgentRow.waitFor();
    expect(await urgentRow.innerText()).toContain('Urgente');
    // Each row says why it needs review: the urgent reason, the quality flags.
    expect(await urgentRow.innerText()).toContain('urgente: Sospechoso prófugo');
    expect(await page.locator(`tr[data-reference="${other.reference}"]`).innerText()).toContain(
      'fabricada fuera de EE. UU. sin importador',
    );
    await expectSpanish(page);
    await screenshot(page, 'queue');

    await page.getByRole('button', { name: `Aprobar ${urgent.reference}` }).click();
    await dialog(page).getByRole('button', { name: 'Aprobar' }).click();
    await expect.poll(() => urgentRow.count()).toBe(0);
    // The row leaves the queue; a toast says what happened and links to the trace.
    const toast = page.getByTestId('toasts');
    await toast.getByText(`${urgent.reference} fue aprobado y enviado al centro de rastreo.`).waitFor();
    expect(await toast.getByRole('link', { name: `Abrir ${urgent.reference}` }).getAttribute('href')).toBe(
      `/traces/${urgent.id}`,
    );
    expect((await inv.get(`/traces/${urgent.id}`)).body.status).not.toBe('pending_review');

    await page.getByRole('button', { name: `Devolver ${other.reference}` }).click();
    await dialog(page).getByRole('button', { name: 'Devolver' }).click();
    await dialog(page).getByText('Obligatorio.').waitFor();
    await dialog(page)
      .getByLabel('Mensaje para el investigador')
      .fill('Falta el importador: consulte la factura de importación.');
    await dialog(page).getByRole('button', { name: 'Devolver' }).click();
    await expect.poll(() => page.locator(`tr[data-reference="${other.reference}"]`).count()).toBe(0);
    const returned = (await inv.get(`/traces/${other.id}`)).body;
    expect(returned.status).toBe('needs_info');

    await page.getByRole('link', { name: 'Informes' }).click();
    await page.getByTestId('report-groups').waitFor();
    await expectSpanish(page);
    await screenshot(page, 'reports');
    const [csv] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Descargar CSV' }).click(),
    ]);
    const lines = (await readFile((await csv.path())!, 'utf8')).replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toBe('fabricante;Rastreos;Completados;Mediana del tiempo hasta el delito');
    await field(page, 'Agrupar por').selectOption({ label: 'resultado' });
    await expect.poll(() => page.getByTestId('report-groups').innerText()).toContain('Aún sin resultado');
    const [byOutcome] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Descargar CSV' }).click(),
    ]);
    const outcomeCsv = await readFile((await byOutcome.path())!, 'utf8');
    expect(outcomeCsv).toContain('resultado;Rastreos');
    expect(outcomeCsv).not.toMatch(/pending|purchaser_identified/);
    expect(errors).toEqual([]);
    await context.close();

    // The investigator sees the advisor's message and resubmits after adding the importer.
    const investigator = await open();
    await signIn(investigator.page, people.investigator.email);
    await investigator.page.getByTestId('who').waitFor();
    await investigator.page.goto(`${t.client.baseUrl}/traces/${other.id}`);
    await investigator.page.getByText('Falta el importador: consulte la factura de importación.').first().waitFor();
    await investigator.page.getByRole('link', { name: 'Editar' }).click();
    await investigator.page.getByLabel('Importador').fill('Bersa S.A. Importaciones');
    await investigator.page.getByRole('button', { name: 'Guardar y reenviar' }).click();
    await investigator.page.getByRole('heading', { name: `Rastreo ${other.reference}` }).waitFor();
    await expect.poll(async () => (await inv.get(`/traces/${other.id}`)).body.status).not.toBe('needs_info');
    expect(investigator.errors).toEqual([]);
    await investigator.context.close();
  }, 90_000);

  it('an investigator fixes the serial of a trace the tracing center sent back, resubmits it and it completes', async () => {
    const caseId = (await createCase(t.client, people.investigator.token)).id;
    const inv = t.client.as(people.investigator.token);
    const sent = (
      await inv.post(
        '/traces',
        traceBody(caseId, {
          weapon: {
            manufacturer: 'Beretta',
            model: '92FS',
            caliber: '9mm',
            type: 'pistol',
            serialNumber: unique('TESTINFO-'),
            importer: 'Beretta USA',
            countryOfManufacture: 'IT',
          },
        }),
      )
    ).body;
    await expect
      .poll(async () => (await inv.get(`/traces/${sent.id}`)).body.status, { timeout: 30_000 })
      .toBe('needs_info');

    const { page, context, errors } = await open();
    await signIn(page, people.investigator.email);
    await page.getByTestId('who').waitFor();
    await page.goto(`${t.client.baseUrl}/traces/${sent.id}`);
    await expect.poll(() => statusOf(page)).toBe('needs_info');
    // Stages not reached are set apart without being struck through (that reads as "cancelled").
    const notReached = page.locator('.stage-not-reached').first();
    await notReached.waitFor();
    expect(await notReached.evaluate((element) => getComputedStyle(element).textDecorationLine)).toBe('none');
    // The tracing center's request, in Spanish (the API also keeps its English text).
    await page
      .getByText(/^Beretta no tiene registro de la serie TESTINFO-\w+ para un 92FS calibre 9mm\./)
      .first()
      .waitFor();
    expect(await page.locator('body').innerText()).not.toContain('has no record of serial');
    await page.getByRole('link', { name: 'Editar' }).click();
    await field(page, 'Número de serie').fill(unique('TESTOK-'));
    await page.getByRole('button', { name: 'Guardar y reenviar' }).click();
    await page.getByRole('heading', { name: `Rastreo ${sent.reference}` }).waitFor();
    await expect.poll(() => statusOf(page), { timeout: 30_000, interval: 250 }).toBe('completed');
    await expectSpanish(page);
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);

  it('a stockpile manager plans and completes a destruction, another verifies it, and the certificate downloads', async () => {
    const manager = t.client.as(people.stockpile.token);
    const intake = async (extra: Record<string, unknown> = {}) => {
      const res = await manager.post('/stockpile/items', {
        weapon: {
          manufacturer: 'Norinco',
          model: 'NP22',
          caliber: '9mm',
          type: 'pistol',
          serialNumber: unique('SN'),
          importer: 'Importadora Central',
          countryOfManufacture: 'CN',
        },
        source: 'seized',
        intakeDate: today(),
        storageLocation: 'Bodega A-1',
        ...extra,
      });
      expect(res.status).toBe(201);
      return res.body as { id: string; reference: string; weaponId: string };
    };
    const first = await intake();
    const second = await intake();
    const held = await intake({ evidenceHold: true });
    const caseId = (await createCase(t.client, people.investigator.token)).id;
    const draft = (
      await t.client.as(people.investigator.token).post('/traces', {
        ...traceBody(caseId),
        draft: true,
        weapon: {
          manufacturer: 'Jennings',
          model: 'J-22',
          caliber: '.22',
          type: 'pistol',
          serialNumber: unique('SN'),
          countryOfManufacture: 'US',
        },
      })
    ).body;
    const traced = await intake({ weaponId: draft.weaponId, weapon: undefined });

    const { page, context, errors } = await open();
    await signIn(page, people.stockpile.email);
    await expect.poll(() => new URL(page.url()).pathname).toBe('/stockpile');
    await page.getByTestId('custody').waitFor();
    await expectSpanish(page);
    await screenshot(page, 'custody');

    const serial = unique('SN');
    await page.getByRole('button', { name: 'Registrar ingreso' }).click();
    await page.getByLabel('Fabricante').fill('Colt');
    await page.getByLabel('Modelo').fill('M1911');
    await page.getByLabel('Calibre').fill('.45 ACP');
    await field(page, 'Tipo').selectOption({ label: 'Pistola' });
    await field(page, 'Número de serie').fill(serial);
    await page.getByLabel('País de fabricación').fill('US');
    await page.getByLabel('Origen').selectOption({ label: 'Entrega voluntaria' });
    await page.getByRole('button', { name: 'Registrar', exact: true }).click();
    expect(await page.getByLabel('Ubicación en bodega').getAttribute('aria-invalid')).toBe('true');
    await page.getByLabel('Ubicación en bodega').fill('Bodega B-3');
    await page.getByRole('button', { name: 'Registrar', exact: true }).click();
    await page.getByRole('cell', { name: `Colt M1911 (.45 ACP) · serie ${serial}` }).waitFor();

    await page.getByRole('link', { name: 'Planificar una destrucción' }).click();
    const row = (reference: string) => page.getByTestId('plan-items').locator(`tr[data-reference="${reference}"]`);
    await row(held.reference).waitFor();
    expect(await row(held.reference).innerText()).toContain('En retención judicial');
    expect(await row(traced.reference).innerText()).toContain(`Su arma tiene un rastreo abierto ${draft.reference}`);
    expect(await page.getByLabel(`Seleccionar ${held.reference}`).isDisabled()).toBe(true);
    await page.getByLabel(`Seleccionar ${first.reference}`).check();
    await page.getByLabel(`Seleccionar ${second.reference}`).check();
    await page.getByLabel('Método').selectOption({ label: 'Corte' });
    await page.getByLabel('Lugar').fill('Polígono de la PNC, San Salvador');
    await expectSpanish(page);
    await screenshot(page, 'plan-destruction');
    await page.getByRole('button', { name: 'Planificar la destrucción de 2 elementos' }).click();

    await page.getByRole('heading', { name: /^Destrucción DE-\d{4}-\d{4}$/ }).waitFor();
    const destructionUrl = page.url();
    const performed = new Date(Date.now() - 3_600_000);
    const local = new Date(performed.getTime() - 6 * 3_600_000).toISOString().slice(0, 16); // El Salvador is UTC−6
    // Day and time as a Spanish page asks for them (dd/mm/aaaa, 24 h), whatever the browser's own locale.
    await page.getByLabel('Realizada el').fill(`${local.slice(8, 10)}/${local.slice(5, 7)}/${local.slice(0, 4)}`);
    await page.getByLabel('Hora').fill('25:00');
    await page.getByLabel('Testigo 1: nombre').fill('Jorge Alvarado');
    await page.getByLabel('Testigo 1: institución').fill('Fiscalía General de la República');
    await page.getByLabel('Testigo 2: nombre').fill('Sofía Cruz');
    await page.getByRole('button', { name: 'Registrar como realizada' }).click();
    expect(await page.getByLabel('Testigo 2: institución').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('Hora').getAttribute('aria-invalid')).toBe('true');
    await page.getByText('Escriba una hora válida (hh:mm, 24 horas).').first().waitFor();
    await page.getByLabel('Hora').fill(local.slice(11, 16));
    await page.getByLabel('Testigo 2: institución').fill('Procuraduría para la Defensa de los Derechos Humanos');
    await page.getByRole('button', { name: 'Registrar como realizada' }).click();
    // Irreversible: a confirmation says so, and cancelling it records nothing.
    expect(await dialog(page).innerText()).toContain(
      'No se puede deshacer: 2 elementos quedarán registrados como destruidos',
    );
    await dialog(page).getByRole('button', { name: 'Cancelar' }).click();
    expect(await page.getByTestId('destruction-status').innerText()).toBe('Planificada');
    await page.getByRole('button', { name: 'Registrar como realizada' }).click();
    await dialog(page).getByRole('button', { name: 'Registrar como realizada' }).click();
    await expect.poll(() => page.getByTestId('destruction-status').innerText()).toBe('Realizada');
    // Stored as the instant typed, in El Salvador's time (to the minute).
    const recorded = await t
      .db('destruction_events')
      .where({ id: destructionUrl.split('/').at(-1) })
      .first();
    expect(new Date(recorded.performed_at).toISOString().slice(0, 16)).toBe(performed.toISOString().slice(0, 16));
    expect(await page.getByTestId('completed-by').innerText()).toBe('Rosa Aguilar (Encargado de custodia)');
    await page.getByText('otra persona debe verificarla').waitFor();
    expect(await page.getByRole('button', { name: 'Verificar' }).count()).toBe(0);
    await expectSpanish(page);
    await screenshot(page, 'destruction');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Descargar el acta (PDF)' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^DE-\d{4}-\d{4}\.pdf$/);
    expect((await readFile((await download.path())!)).subarray(0, 5).toString()).toBe('%PDF-');
    await page.getByRole('button', { name: 'Cerrar sesión' }).click();
    await page.getByText('Ha cerrado la sesión.').waitFor();

    await signIn(page, people.verifier.email);
    await page.getByTestId('custody').waitFor();
    await page.goto(destructionUrl);
    await page.getByRole('button', { name: 'Verificar' }).click();
    await dialog(page).getByRole('button', { name: 'Verificar' }).click();
    await expect.poll(() => page.getByTestId('destruction-status').innerText()).toBe('Verificada');
    expect(await page.getByTestId('verified-by').innerText()).toBe('Luis Portillo (Encargado de custodia)');
    expect(errors).toEqual([]);
    await context.close();
  }, 90_000);

  it('a destroyed gun turns up: the critical alert is in the top bar and the inbox; a stolen report matches the next trace', async () => {
    const manager = t.client.as(people.stockpile.token);
    const serial = unique('DX');
    const item = (
      await manager.post('/stockpile/items', {
        weapon: {
          manufacturer: 'Beretta',
          model: '92FS',
          caliber: '9mm',
          type: 'pistol',
          serialNumber: serial,
          importer: 'Beretta USA',
          countryOfManufacture: 'IT',
        },
        source: 'seized',
        intakeDate: '2026-09-01',
        storageLocation: 'Bodega A-2',
      })
    ).body;
    const plan = (
      await manager.post('/destructions', {
        plannedFor: '2026-10-01',
        method: 'cutting',
        location: 'Polígono',
        itemIds: [item.id],
      })
    ).body;
    expect(
      (
        await manager.post(`/destructions/${plan.id}/complete`, {
          performedAt: '2026-10-01T15:00:00Z',
          witnesses: [
            { name: 'Ana Rivas', organization: 'FGR' },
            { name: 'John Miller', organization: 'INL' },
          ],
        })
      ).status,
    ).toBe(200);
    const caseId = (await createCase(t.client, people.investigator.token)).id;
    const investigator = t.client.as(people.investigator.token);
    const trace = (
      await investigator.post(
        '/traces',
        traceBody(caseId, {
          weapon: {
            manufacturer: 'BERETTA',
            model: '92FS',
            caliber: '9mm',
            type: 'pistol',
            serialNumber: serial.toLowerCase(),
            importer: 'Beretta USA',
            countryOfManufacture: 'IT',
          },
        }),
      )
    ).body;

    const { page, context, errors } = await open();
    await signIn(page, people.investigator.email);
    await page.getByTestId('critical-banner').waitFor();
    expect(await page.getByTestId('alert-count').getAttribute('aria-label')).toMatch(
      /alertas? abiertas?, \d+ críticas?/,
    );
    await page.getByTestId('alert-count').click();
    // (The trace may also join a trafficking indicator, whose alert names it too: this is the destruction's alert.)
    const destroyed = `El arma del rastreo ${trace.reference} consta como destruida por`;
    const row = page.getByTestId('alerts').locator('tr', { hasText: destroyed });
    await row.waitFor();
    expect(await row.innerText()).toContain(destroyed);
    expect(await row.innerText()).toContain('Crítica');
    await expectSpanish(page);
    await screenshot(page, 'alerts-inbox');
    // Two alerts may name the trace: each action's name says which (its kind), so this one is unambiguous.
    await page
      .getByRole('button', { name: `Tomar conocimiento: Arma destruida recuperada ${trace.reference}` })
      .click();
    await dialog(page).getByRole('button', { name: 'Tomar conocimiento' }).click();
    await row.waitFor({ state: 'detached' });
    await field(page, 'Estado').selectOption({ label: 'En revisión' });
    await page.getByRole('button', { name: `Cerrar: Arma destruida recuperada ${trace.reference}` }).click();
    await dialog(page).getByLabel('Qué se hizo').fill('El acta de destrucción se corrigió: el arma fue sustituida.');
    await dialog(page).getByRole('button', { name: 'Cerrar' }).click();
    await page.getByTestId('alerts').locator('tr', { hasText: destroyed }).waitFor({ state: 'detached' });
    await field(page, 'Estado').selectOption({ label: 'Cerrada' });
    expect(await page.getByTestId('alerts').locator('tr', { hasText: destroyed }).innerText()).toContain(
      'El acta de destrucción se corrigió',
    );

    // The registry: report a gun stolen; the next trace of it shows the match.
    const stolen = unique('ST');
    await page.getByRole('link', { name: 'Armas perdidas o robadas' }).click();
    await page.getByRole('button', { name: 'Reportar un arma perdida o robada' }).click();
    const form = page.getByRole('form', { name: 'Reportar un arma perdida o robada' });
    const label = (text: string) => form.getByLabel(new RegExp(`^${escapeRegExp(text)}( \\*)?$`));
    await label('Fabricante').fill('Smith & Wesson');
    await label('Modelo').fill('M&P9');
    await label('Calibre').fill('9mm');
    await label('Tipo').selectOption({ label: 'Pistola' });
    await label('Número de serie').fill(stolen);
    await label('País de fabricación').fill('US');
    await label('Perdida o robada').selectOption({ label: 'robada' });
    await label('Fecha de la pérdida o el robo').fill('2026-09-20');
    await label('Sustraída de').selectOption({ label: 'Dotación policial' });
    await label('Circunstancias').fill('Sustraída del vehículo patrulla durante un operativo.');
    await form.getByRole('button', { name: 'Registrar el reporte' }).click();
    await page.getByText(/^Reporte LS-\d{4}-\d{6} registrado\.$/).waitFor();
    await expectSpanish(page);
    const matched = (
      await investigator.post(
        '/traces',
        traceBody(caseId, {
          weapon: {
            manufacturer: 'Smith & Wesson',
            model: 'M&P9',
            caliber: '9mm',
            type: 'pistol',
            serialNumber: stolen,
            countryOfManufacture: 'US',
          },
        }),
      )
    ).body;
    await page.goto(`${t.client.baseUrl}/traces/${matched.id}`);
    await page.getByTestId('registry-matches').waitFor();
    expect(await page.getByTestId('registry-matches').innerText()).toMatch(
      /Reportada como robada por .+ — LS-\d{4}-\d{6}/,
    );
    await screenshot(page, 'trace-registry-match');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('an administrator registers a webhook, sees its secret once, sends a test and reads the delivery log', async () => {
    const inbox = await startReceiver();
    try {
      const { page, context, errors } = await open();
      await signIn(page, people.admin.email);
      await page.getByTestId('webhooks').waitFor();
      const form = page.getByRole('form', { name: 'Nuevo webhook' });
      await form.getByLabel(/^Institución/).selectOption({ index: 1 });
      await form.getByLabel(/^URL del receptor/).fill(inbox.url);
      await form.getByRole('button', { name: 'Registrar webhook' }).click();
      const secret = await page.getByTestId('webhook-secret').innerText();
      expect(secret).toMatch(/^whsec_/);
      // The users table above lists test e-mail addresses (role_name-…@…): only the webhooks section is checked here.
      const section = await page.locator('section[aria-labelledby="webhooks-title"]').evaluate((node) => {
        const clone = node.cloneNode(true) as HTMLElement;
        clone.querySelectorAll('code').forEach((code) => code.remove());
        return clone.textContent ?? '';
      });
      expect(englishIn(section)).toEqual([]);
      const row = page.getByTestId('webhooks').locator('tr', { hasText: inbox.url });
      await row.getByRole('button', { name: 'Enviar una prueba' }).click();
      await page.getByTestId('webhook-deliveries').getByText('Entregado').waitFor({ timeout: 30_000 });
      expect(inbox.received.map((r) => r.event.type)).toContain('ping');
      await screenshot(page, 'webhooks');
      await page.reload();
      await page.getByTestId('webhooks').waitFor();
      expect(await page.getByTestId('webhook-secret').count()).toBe(0);
      // Deleted after a confirmation: gone from the list, and from the API.
      await page
        .getByTestId('webhooks')
        .locator('tr', { hasText: inbox.url })
        .getByRole('button', { name: `Eliminar ${inbox.url}` })
        .click();
      await page.getByRole('dialog').getByText('Rastreo deja de enviar eventos a').waitFor();
      await page.getByRole('dialog').getByRole('button', { name: 'Eliminar' }).click();
      await expect.poll(() => page.getByTestId('webhooks').locator('tr', { hasText: inbox.url }).count()).toBe(0);
      const left = (await t.client.as(people.admin.token).get('/webhooks?limit=200')).body.items as { url: string }[];
      expect(left.some((hook) => hook.url === inbox.url)).toBe(false);
      expect(errors).toEqual([]);
      await context.close();
    } finally {
      await inbox.close();
    }
  });

  it('a locked-out account sees the lockout message; an expired session goes back to sign-in', async () => {
    for (let attempt = 0; attempt < 5; attempt++) {
      expect(
        (await t.client.post('/sessions', { email: people.locked.email, password: 'not the password' })).status,
      ).toBe(401);
    }
    const { page, context } = await open();
    await signIn(page, people.locked.email);
    await page.getByText(/esta cuenta está bloqueada hasta el/).waitFor();
    await expectSpanish(page);
    await screenshot(page, 'sign-in-locked');

    await signIn(page, people.investigator.email);
    await page.getByTestId('who').waitFor();
    // The landing page's own requests must be answered first: one still in flight would meet the 401 before the reload.
    await settledPage(page);
    const token = await page.evaluate(
      () => (JSON.parse(sessionStorage.getItem('rastreo.session')!) as { token: string }).token,
    );
    expect((await t.client.as(token).delete('/sessions/current')).status).toBe(204);
    // The next request the page makes answers 401 — a background refetch, or the reload's first one; either way the
    // sign-in page says why, since the reason outlives a reload.
    await page.goto(`${t.client.baseUrl}/traces`);
    await page.getByText('Su sesión venció').waitFor();
    await page.getByRole('button', { name: 'Ingresar' }).waitFor();
    await context.close();
  }, 60_000);

  it('fits a tablet: no page scrolls sideways, wide tables scroll inside themselves', async () => {
    const context = await browser().newContext({
      locale: 'es-SV',
      viewport: { width: 768, height: 1024 },
      hasTouch: true,
    });
    const page = await context.newPage();
    const overflow = () =>
      page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    await signIn(page, people.advisor.email);
    await page.getByTestId('summary-cards').waitFor();
    for (const [path, heading] of [
      ['/queue', 'Cola de revisión'],
      ['/dashboard', 'Panel regional'],
      ['/reports', 'Informes'],
    ] as const) {
      await page.goto(t.client.baseUrl + path);
      await page.getByRole('heading', { name: heading, exact: true }).waitFor();
      await settledPage(page);
      expect(await overflow(), path).toBeLessThanOrEqual(0);
      await screenshot(page, `tablet${path.replace('/', '-')}`);
    }
    await page.getByRole('button', { name: 'Cerrar sesión' }).click();
    // Signed out once the page says so (a reload before that would find the session still on the device).
    await page.getByText('Ha cerrado la sesión.').waitFor();
    await signIn(page, people.investigator.email);
    await page.getByTestId('who').waitFor();
    await page.goto(`${t.client.baseUrl}/traces/new`);
    await page.getByRole('heading', { name: 'Nueva solicitud de rastreo' }).waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    await screenshot(page, 'trace-form-tablet');
    await context.close();
  }, 60_000);

  it('English follows the browser, and the language switch changes every label', async () => {
    const { page, context, errors } = await open('en-US');
    await page.goto(`${t.client.baseUrl}/`);
    await page.getByLabel('Email').fill(people.advisor.email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Regional dashboard' }).waitFor();
    expect(await page.getByTestId('who').innerText()).toContain('Regional firearms advisor');
    // The detector behind expectSpanish does see English: the Spanish checks above cannot pass vacuously.
    expect(englishIn(await page.locator('body').innerText())).toEqual(
      expect.arrayContaining(['Regional dashboard', 'Sign out']),
    );
    await page.getByLabel('Language').selectOption('es');
    await page.getByRole('heading', { name: 'Panel regional' }).waitFor();
    await expectSpanish(page);
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);
});
