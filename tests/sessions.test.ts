import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, createWorld, startApp, type TestApp } from './support/harness.ts';

let t: TestApp;
let world: Awaited<ReturnType<typeof createWorld>>;
const PASSWORD = 'correct horse battery staple';

beforeAll(async () => {
  t = await startApp();
  world = await createWorld(t.db);
});
afterAll(() => t.close());

async function person() {
  const user = await createUser(t.db, world.home.id, 'investigator', PASSWORD);
  return user;
}

describe('web sessions', () => {
  it('signs in with email and password; the rss_ token works like an API token and expires 30 minutes after last use', async () => {
    const user = await person();
    const res = await t.client.post('/sessions', { email: user.email.toUpperCase(), password: PASSWORD });
    expect(res.status).toBe(201);
    expect(res.body.token).toMatch(/^rss_[A-Za-z0-9_-]{43,}$/);
    expect(res.body.user).toMatchObject({ id: user.id, email: user.email, role: 'investigator' });
    const idle = Date.parse(res.body.expiresAt) - Date.now();
    expect(idle).toBeGreaterThan(29 * 60_000);
    expect(idle).toBeLessThanOrEqual(30 * 60_000);
    expect((await t.client.as(res.body.token).get('/me')).body.id).toBe(user.id);

    // Each use extends the idle expiry…
    await t.db('api_tokens').where({ user_id: user.id, kind: 'session' }).update({ expires_at: t.db.raw("now() + interval '1 minute'") });
    await t.client.as(res.body.token).get('/me');
    const extended = await t.db('api_tokens').where({ user_id: user.id, kind: 'session' }).first();
    expect(extended.expires_at.getTime() - Date.now()).toBeGreaterThan(29 * 60_000);
    // …but never past 12 hours after sign-in…
    await t.db('api_tokens').where({ user_id: user.id, kind: 'session' }).update({ created_at: t.db.raw("now() - interval '11 hours 55 minutes'") });
    await t.client.as(res.body.token).get('/me');
    const capped = await t.db('api_tokens').where({ user_id: user.id, kind: 'session' }).first();
    expect(capped.expires_at.getTime() - Date.now()).toBeLessThanOrEqual(5 * 60_000 + 1000);
    // …and an idle session stops working.
    await t.db('api_tokens').where({ user_id: user.id, kind: 'session' }).update({ expires_at: t.db.raw("now() - interval '1 second'") });
    expect((await t.client.as(res.body.token).get('/me')).status).toBe(401);
  });

  it('answers wrong email and wrong password alike', async () => {
    const user = await person();
    const wrongPassword = await t.client.post('/sessions', { email: user.email, password: 'nope nope nope' });
    const wrongEmail = await t.client.post('/sessions', { email: 'nobody@example.org', password: PASSWORD });
    expect(wrongPassword.status).toBe(401);
    expect(wrongEmail.status).toBe(401);
    expect(wrongPassword.body).toEqual(wrongEmail.body);
    expect((await t.client.post('/sessions', { email: user.email })).status).toBe(400);
  });

  it('locks the account for 10 minutes after 5 failures in a row, audited; then lets it in again', async () => {
    const user = await person();
    for (let i = 0; i < 5; i++) expect((await t.client.post('/sessions', { email: user.email, password: `wrong ${i} password` })).status).toBe(401);
    const locked = await t.client.post('/sessions', { email: user.email, password: PASSWORD });
    expect(locked.status).toBe(401);
    expect(locked.body.type).toBe('/problems/account-locked');
    const until = Date.parse(locked.body.lockedUntil) - Date.now();
    expect(until).toBeGreaterThan(9 * 60_000);
    expect(until).toBeLessThanOrEqual(10 * 60_000);
    expect(await t.db('audit_log').where({ action: 'user.locked', entity_id: user.id })).toHaveLength(1);
    expect(await t.db('audit_log').where({ action: 'auth.sign_in_failed', entity_id: user.id })).toHaveLength(5);

    await t.db('users').where({ id: user.id }).update({ locked_until: t.db.raw("now() - interval '1 second'") });
    expect((await t.client.post('/sessions', { email: user.email, password: PASSWORD })).status).toBe(201);
  });

  it('a success resets the failure count', async () => {
    const user = await person();
    for (let i = 0; i < 4; i++) await t.client.post('/sessions', { email: user.email, password: 'wrong password!' });
    expect((await t.client.post('/sessions', { email: user.email, password: PASSWORD })).status).toBe(201);
    for (let i = 0; i < 4; i++) await t.client.post('/sessions', { email: user.email, password: 'wrong password!' });
    expect((await t.client.post('/sessions', { email: user.email, password: PASSWORD })).status).toBe(201);
  });

  it('signs out; API tokens are not sessions; deactivated users cannot sign in', async () => {
    const user = await person();
    const session = (await t.client.post('/sessions', { email: user.email, password: PASSWORD })).body.token;
    expect((await t.client.as(session).delete('/sessions/current')).status).toBe(204);
    expect((await t.client.as(session).get('/me')).status).toBe(401);
    expect((await t.client.as(user.token).delete('/sessions/current')).status).toBe(409);
    await t.client.as(world.users.admin.token).delete(`/users/${user.id}`);
    expect((await t.client.post('/sessions', { email: user.email, password: PASSWORD })).status).toBe(401);
  });
});
