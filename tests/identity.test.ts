import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld, startApp, unique, type TestApp } from './support/harness.ts';

let t: TestApp;
let world: Awaited<ReturnType<typeof createWorld>>;

beforeAll(async () => {
  t = await startApp();
  world = await createWorld(t.db);
});
afterAll(() => t.close());

describe('identity', () => {
  it('GET /me describes the caller and its agency', async () => {
    const res = await t.client.as(world.users.investigator.token).get('/me');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: world.users.investigator.id,
      name: world.users.investigator.name,
      email: world.users.investigator.email,
      role: 'investigator',
      agency: { id: world.home.id, code: world.home.code, name: `Agency ${world.home.code}`, country: 'SV', region: world.region },
    });
  });

  it('answers 401 problem+json without, with a malformed and with an unknown token', async () => {
    for (const header of [undefined, 'Bearer nope', `Bearer rst_${'x'.repeat(43)}`, 'Basic abc']) {
      const res = await t.client.get('/me', header ? { authorization: header } : {});
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body).toMatchObject({ status: 401, title: 'Unauthorized' });
    }
  });

  it('lets an admin create agencies and users; a token is rst_ + ≥ 32 random bytes and stored only as SHA-256', async () => {
    const admin = t.client.as(world.users.admin.token);
    const code = unique('NEW-');
    const agency = await admin.post('/agencies', { code, name: 'Fiscalía General', country: 'SV', region: 'central-america' });
    expect(agency.status).toBe(201);
    expect(agency.body).toMatchObject({ code, reviewRequired: false, country: 'SV' });
    expect((await admin.post('/agencies', { code, name: 'Again', country: 'SV', region: 'x' })).status).toBe(409);

    const email = `${unique('new').toLowerCase()}@example.org`;
    const created = await admin.post('/users', { name: 'Ana', email, role: 'investigator', agencyId: agency.body.id });
    expect(created.status).toBe(201);
    expect(created.body.user).toMatchObject({ email, role: 'investigator', agencyId: agency.body.id, active: true });
    expect(created.body.token).toMatch(/^rst_[A-Za-z0-9_-]{43,}$/);
    const stored = await t.db('api_tokens').where({ user_id: created.body.user.id });
    expect(stored).toHaveLength(1);
    expect(JSON.stringify(stored)).not.toContain(created.body.token.slice(4));
    expect((await t.client.as(created.body.token).get('/me')).body.agency.code).toBe(code);

    expect((await admin.post('/users', { name: 'Dup', email, role: 'advisor', agencyId: agency.body.id })).status).toBe(409);
    const badAgency = await admin.post('/users', { name: 'X', email: 'x@example.org', role: 'advisor', agencyId: '00000000-0000-4000-8000-000000000000' });
    expect(badAgency.status).toBe(400);
    expect(badAgency.body.errors).toEqual([{ path: '/agencyId', message: 'is not a known agency' }]);
  });

  it('rotating a token revokes the old ones; deactivating stops every token at once', async () => {
    const admin = t.client.as(world.users.admin.token);
    const email = `${unique('rot').toLowerCase()}@example.org`;
    const created = await admin.post('/users', { name: 'Rot', email, role: 'advisor', agencyId: world.home.id });
    const oldToken = created.body.token;
    const rotated = await admin.post(`/users/${created.body.user.id}/tokens`);
    expect(rotated.status).toBe(201);
    expect(rotated.body.token).not.toBe(oldToken);
    expect((await t.client.as(oldToken).get('/me')).status).toBe(401);
    expect((await t.client.as(rotated.body.token).get('/me')).status).toBe(200);

    expect((await admin.delete(`/users/${created.body.user.id}`)).status).toBe(204);
    expect((await t.client.as(rotated.body.token).get('/me')).status).toBe(401);
    const user = await admin.get(`/users/${created.body.user.id}`);
    expect(user.body).toMatchObject({ active: false });
    expect(user.body.deactivatedAt).not.toBeNull();
    expect((await admin.delete(`/users/${world.users.admin.id}`)).status).toBe(409);
  });

  it('PATCH /users/:id changes name, role and password (stored as a slow hash, never returned)', async () => {
    const admin = t.client.as(world.users.admin.token);
    const created = await admin.post('/users', { name: 'Pat', email: `${unique('pat').toLowerCase()}@example.org`, role: 'investigator', agencyId: world.home.id });
    expect(created.body.user.hasPassword).toBe(false);
    const patched = await admin.patch(`/users/${created.body.user.id}`, { name: 'Patricia', role: 'advisor', password: 'correct horse battery' });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'Patricia', role: 'advisor', hasPassword: true });
    expect(JSON.stringify(patched.body)).not.toContain('horse');
    const row = await t.db('users').where({ id: created.body.user.id }).first();
    expect(row.password_hash).toMatch(/^scrypt\$/);
    const short = await admin.patch(`/users/${created.body.user.id}`, { password: 'short' });
    expect(short.body.errors).toEqual([{ path: '/password', message: expect.stringContaining('12') }]);
    expect((await t.client.as(created.body.token).get('/me')).body.role).toBe('advisor');
  });

  it('lists users with a keyset cursor and filters', async () => {
    const admin = t.client.as(world.users.admin.token);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { items: { id: string; agencyId: string }[]; nextCursor: string | null } } =
        await admin.get(`/users?agencyId=${world.home.id}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...res.body.items.map((u) => u.id));
      expect(res.body.items.every((u) => u.agencyId === world.home.id)).toBe(true);
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining([world.users.investigator.id, world.users.advisor.id, world.users.stockpile.id, world.users.admin.id]));
    expect((await admin.get('/users?cursor=garbage')).body.errors[0].path).toBe('/query/cursor');
  });

  it('agencies: admin edits reviewRequired; others read only their scope', async () => {
    const admin = t.client.as(world.users.admin.token);
    const patched = await admin.patch(`/agencies/${world.neighbour.id}`, { reviewRequired: true });
    expect(patched.status).toBe(200);
    expect(patched.body.reviewRequired).toBe(true);
    await admin.patch(`/agencies/${world.neighbour.id}`, { reviewRequired: false });

    const advisor = t.client.as(world.users.advisor.token);
    const regional = await advisor.get('/agencies?limit=200');
    expect(regional.body.items.map((a: { id: string }) => a.id).sort()).toEqual([world.home.id, world.neighbour.id].sort());
    expect((await advisor.get(`/agencies/${world.faraway.id}`)).status).toBe(404);
    const investigator = t.client.as(world.users.investigator.token);
    expect((await investigator.get(`/agencies/${world.neighbour.id}`)).status).toBe(404);
    expect((await investigator.patch(`/agencies/${world.home.id}`, { reviewRequired: true })).status).toBe(403);
    expect((await investigator.post('/users', { name: 'x', email: 'y@example.org', role: 'admin', agencyId: world.home.id })).status).toBe(403);
  });
});
