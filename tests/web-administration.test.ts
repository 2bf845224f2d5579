import type { Locator } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { en } from '../src/i18n/en.ts';
import { es } from '../src/i18n/es.ts';
import { violations } from './support/axe.ts';
import { screenshot } from './support/browser.ts';
import { unique, useWorld } from './support/harness.ts';
import { dialog, expectSpanish, PASSWORD, useBrowser } from './support/web-session.ts';

// Issue 30: what the user guide promised an administrator — agencies and regions, users and their tokens — in the browser.
const t = useWorld({ privateDatabase: true, webUi: true });
const { people, open, signIn } = useBrowser(t, { admin: ['admin', 'Ana Castillo'] });
beforeAll(async () => {
  await t.db('agencies').where({ id: t.home.id }).update({ name: 'Policía Nacional Civil' });
  await t.db('agencies').where({ id: t.neighbour.id }).update({ name: 'Fiscalía General de la República' });
  await t.db('agencies').where({ id: t.faraway.id }).update({ name: 'Policía Nacional de Honduras' });
  // The world's users are named after their role code (English words); the users table lists them all.
  await t.db.raw(
    `update users set name = 'Agente ' || n from (select id, row_number() over (order by id) n from users) o
      where users.id = o.id and users.id <> ?`,
    [people.admin.id],
  );
});

const fill = (text: string, values: Record<string, string>) =>
  text.replace(/\{\{(\w+)\}\}/g, (_m, name: string) => values[name] ?? '');
/** A control of a form by the start of its label (a required one ends with an asterisk). */
const control = (form: Locator, label: string) => form.getByLabel(new RegExp(`^${label}( \\*)?$`));
/** The error a form's field shows, read from the field's own wrapper. */
const errorOf = (form: Locator, label: string) =>
  control(form, label).locator('xpath=..').locator('small.error').innerText();

describe.each([
  ['es-SV', es],
  ['en-US', en],
] as const)('administration in the browser, in %s', (locale, c) => {
  const a = c.administration;

  it('an administrator creates an agency in a new region and edits it; malformed and taken codes are refused at their fields', async () => {
    const { page, context, errors } = await open(locale, undefined, true);
    await signIn(page, people.admin.email, PASSWORD, c);
    await page.getByRole('link', { name: c.nav.administration }).click();
    const create = page.getByRole('form', { name: a.newAgency });

    // Shapes the API would refuse, refused in the form first: nothing is sent.
    await control(create, a.code).fill('x');
    await control(create, a.name).fill('   ');
    await control(create, a.country).fill('sv');
    await control(create, a.region).fill('Centro América');
    await create.getByRole('button', { name: a.createAgency }).click();
    expect(await errorOf(create, a.code)).toBe(c.fieldErrors.agencyCode);
    expect(await errorOf(create, a.name)).toBe(c.fieldErrors.required);
    expect(await errorOf(create, a.region)).toBe(c.fieldErrors.regionCode);
    expect(await t.db('agencies').where({ code: 'X' }).first()).toBeUndefined();
    expect(await violations(page)).toEqual([]);

    // Typed in lower case, stored as codes are: upper-case agency, lower-case region.
    const code = unique('ad').toLowerCase();
    const region = `region-${code}`;
    await control(create, a.code).fill(code);
    await control(create, a.name).fill('  Dirección de Logística de Armamento ');
    await control(create, a.region).fill(region.toUpperCase());
    await create.getByRole('button', { name: a.createAgency }).click();
    await page.getByText(fill(a.agencyCreated, { code: code.toUpperCase() })).waitFor();
    const stored = await t.db('agencies').where({ code: code.toUpperCase() }).first();
    expect(stored).toMatchObject({ name: 'Dirección de Logística de Armamento', country: 'SV', region });
    expect(stored.review_required).toBe(false);
    const regionRow = page.getByTestId('regions').locator('tr', { hasText: region });
    expect(await regionRow.innerText()).toContain(code.toUpperCase());

    // The same code again: the field says it is taken, and no second agency exists.
    await control(create, a.code).fill(code);
    await control(create, a.name).fill('Otra institución');
    await control(create, a.country).fill('GT');
    await control(create, a.region).fill(region);
    await create.getByRole('button', { name: a.createAgency }).click();
    await expect.poll(() => errorOf(create, a.code)).toBe(c.conflicts['agency-code-taken']);
    expect(await t.db('agencies').where({ code: code.toUpperCase() }).count({ n: '*' })).toEqual([{ n: 1 }]);

    // Editing: a new name and the review policy; the code is not offered.
    await page.getByRole('button', { name: `${a.edit} ${code.toUpperCase()}` }).click();
    const edit = page.getByRole('form', { name: fill(a.editAgency, { code: code.toUpperCase() }) });
    expect(await control(edit, a.code).count()).toBe(0);
    await control(edit, a.name).fill('Dirección de Armamento');
    await edit.getByLabel(a.reviewRequired, { exact: true }).check();
    if (locale === 'es-SV') await expectSpanish(page);
    expect(await violations(page)).toEqual([]);
    await screenshot(page, `admin-agency-edit-${locale}`);
    await edit.getByRole('button', { name: a.save }).click();
    await page.getByText(fill(a.agencySaved, { code: code.toUpperCase() })).waitFor();
    const row = page.getByTestId('agencies').locator('tr', { hasText: code.toUpperCase() });
    await expect.poll(() => row.innerText()).toContain('Dirección de Armamento');
    expect(await row.innerText()).toContain(c.common.yes);
    expect(await t.db('agencies').where({ id: stored.id }).first()).toMatchObject({
      name: 'Dirección de Armamento',
      review_required: true,
      region,
    });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('an administrator creates a user whose token and password work, changes the role, issues a new token and deactivates them', async () => {
    const { page, context, errors } = await open(locale, undefined, true);
    await signIn(page, people.admin.email, PASSWORD, c);
    await page.getByRole('link', { name: c.nav.administration }).click();
    const create = page.getByRole('form', { name: a.newUser });
    const email = `${unique('lr').toLowerCase()}@pnc.gob.sv`;

    // A malformed address and a short password are refused at their fields; nothing is created.
    await control(create, a.name).fill('Lucía Ramos');
    await control(create, c.signIn.email).fill('lucia@');
    await control(create, a.role).selectOption({ label: c.roles.investigator });
    await control(create, a.agency).selectOption(t.home.id);
    await control(create, a.password).fill('corta');
    await create.getByRole('button', { name: a.createUser }).click();
    expect(await errorOf(create, c.signIn.email)).toBe(c.fieldErrors.email);
    expect(await errorOf(create, a.password)).toBe(fill(c.fieldErrors.tooShort, { min: '12' }));
    expect(await violations(page)).toEqual([]);

    await control(create, c.signIn.email).fill(email);
    await control(create, a.password).fill(PASSWORD);
    await create.getByRole('button', { name: a.createUser }).click();
    const first = await page.getByTestId('user-token').innerText();
    const user = await t.db('users').where({ email }).first();
    expect(user).toMatchObject({ name: 'Lucía Ramos', role: 'investigator', agency_id: t.home.id });
    expect((await t.client.as(first).get('/me')).body).toMatchObject({ email, role: 'investigator' });
    expect((await t.client.post('/sessions', { email, password: PASSWORD })).status).toBe(201);

    // The same address again: refused at the email field.
    await control(create, a.name).fill('Lucía Ramos');
    await control(create, c.signIn.email).fill(email.toUpperCase());
    await control(create, a.role).selectOption({ label: c.roles.advisor });
    await control(create, a.agency).selectOption({ index: 1 });
    await create.getByRole('button', { name: a.createUser }).click();
    await expect.poll(() => errorOf(create, c.signIn.email)).toBe(c.conflicts['email-taken']);
    expect(await t.db('users').whereRaw('lower(email) = ?', [email]).count({ n: '*' })).toEqual([{ n: 1 }]);

    // A new role: the same token now acts as an advisor.
    await page.getByRole('button', { name: `${a.edit} ${email}` }).click();
    const edit = page.getByRole('form', { name: fill(a.editUser, { name: 'Lucía Ramos' }) });
    await control(edit, a.role).selectOption({ label: c.roles.advisor });
    await edit.getByRole('button', { name: a.save }).click();
    await page.getByText(fill(a.userSaved, { name: 'Lucía Ramos' })).waitFor();
    await expect.poll(async () => (await t.client.as(first).get('/me')).body.role).toBe('advisor');
    const row = page.getByTestId('users').locator('tr', { hasText: email });
    await expect.poll(() => row.innerText()).toContain(c.roles.advisor);

    // A new token, after a confirmation: the old one stops working at once.
    await page.getByRole('button', { name: `${a.rotate} ${email}` }).click();
    await dialog(page)
      .getByRole('heading', { name: fill(a.rotateTitle, { name: 'Lucía Ramos' }) })
      .waitFor();
    expect(await violations(page)).toEqual([]);
    await dialog(page).getByRole('button', { name: a.rotate, exact: true }).click();
    await expect.poll(() => page.getByTestId('user-token').innerText()).not.toBe(first);
    const second = await page.getByTestId('user-token').innerText();
    expect((await t.client.as(first).get('/me')).status).toBe(401);
    expect((await t.client.as(second).get('/me')).status).toBe(200);

    // Deactivated, after a confirmation: the token and the password stop working; the row offers nothing more.
    await page.getByRole('button', { name: `${a.deactivate} ${email}` }).click();
    await dialog(page).getByRole('button', { name: a.deactivate, exact: true }).click();
    await page.getByText(fill(a.deactivated, { name: 'Lucía Ramos' })).waitFor();
    await expect.poll(() => row.getByRole('button').count()).toBe(0);
    expect(await row.innerText()).toContain(a.inactiveSince.split('{{')[0]);
    expect((await t.client.as(second).get('/me')).status).toBe(401);
    expect((await t.client.post('/sessions', { email, password: PASSWORD })).status).toBe(401);

    // An administrator cannot deactivate themselves: their own row does not offer it.
    const own = page.getByTestId('users').locator('tr', { hasText: people.admin.email });
    expect(await own.innerText()).toContain(a.you);
    expect(await own.getByRole('button', { name: new RegExp(`^${a.deactivate}`) }).count()).toBe(0);
    if (locale === 'es-SV') await expectSpanish(page);
    await screenshot(page, `admin-users-${locale}`);
    expect(errors).toEqual([]);
    await context.close();
  });
  it('an administrator deletes a webhook after a confirmation that says its log stays', async () => {
    const url = `https://receptor.example.org/${unique('h').toLowerCase()}`;
    const hook = await t.client
      .as(people.admin.token)
      .post('/webhooks', { agencyId: t.home.id, url, events: ['alert.created'] });
    expect(hook.status).toBe(201);
    const { page, context, errors } = await open(locale, undefined, true);
    await signIn(page, people.admin.email, PASSWORD, c);
    await page.getByRole('link', { name: c.nav.administration }).click();
    await page.getByRole('button', { name: `${c.webhooks.delete} ${url}` }).click();
    await dialog(page).getByText(fill(c.webhooks.deleteBody, { url })).waitFor();
    expect(await violations(page)).toEqual([]);
    await dialog(page).getByRole('button', { name: c.webhooks.delete, exact: true }).click();
    await expect.poll(() => page.getByTestId('webhooks').locator('tr', { hasText: url }).count()).toBe(0);
    expect((await t.db('webhooks').where({ id: hook.body.id }).first()).deleted_at).not.toBeNull();
    expect(errors).toEqual([]);
    await context.close();
  });
});
