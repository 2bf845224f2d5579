import { describe, expect, it } from 'vitest';
import { createUser, startApp, unique, useWorld } from './support/harness.ts';

const t = useWorld();

describe('identity', () => {
  it('another API process drops a cached token as soon as it is rotated or its user deactivated (NOTIFY), and an agency change at once', async () => {
    const other = await startApp();
    try {
      const user = await createUser(t.db, t.home.id, 'investigator');
      const elsewhere = other.client.as(user.token);
      expect((await elsewhere.get('/me')).status).toBe(200);
      // Cached in the other process now: the database alone no longer decides there…
      await t.db('api_tokens').where({ user_id: user.id }).update({ revoked_at: t.db.fn.now() });
      expect((await elsewhere.get('/me')).status).toBe(200);
      await t.db('api_tokens').where({ user_id: user.id }).update({ revoked_at: null });
      // …but a rotation through this process reaches it.
      const rotated = await t.as('admin').post(`/users/${user.id}/tokens`);
      expect(rotated.status).toBe(201);
      await expect.poll(async () => (await elsewhere.get('/me')).status).toBe(401);
      const fresh = other.client.as(rotated.body.token);
      expect((await fresh.get('/me')).status).toBe(200);
      expect((await t.as('admin').delete(`/users/${user.id}`)).status).toBe(204);
      await expect.poll(async () => (await fresh.get('/me')).status).toBe(401);

      const advisor = await createUser(t.db, t.neighbour.id, 'advisor');
      expect((await other.client.as(advisor.token).get('/me')).body.agency.region).toBe(t.region);
      expect((await t.as('admin').patch(`/agencies/${t.neighbour.id}`, { region: 'moved-region' })).status).toBe(200);
      await expect
        .poll(async () => (await other.client.as(advisor.token).get('/me')).body.agency.region)
        .toBe('moved-region');
      await t.as('admin').patch(`/agencies/${t.neighbour.id}`, { region: t.region });
    } finally {
      await other.close();
    }
  });

  it('GET /me describes the caller and its agency', async () => {
    const res = await t.client.as(t.users.investigator.token).get('/me');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: t.users.investigator.id,
      name: t.users.investigator.name,
      email: t.users.investigator.email,
      role: 'investigator',
      agency: { id: t.home.id, code: t.home.code, name: `Agency ${t.home.code}`, country: 'SV', region: t.region },
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
    const admin = t.client.as(t.users.admin.token);
    const code = unique('NEW-');
    const agency = await admin.post('/agencies', {
      code,
      name: 'Fiscalía General',
      country: 'SV',
      region: 'central-america',
    });
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

    expect((await admin.post('/users', { name: 'Dup', email, role: 'advisor', agencyId: agency.body.id })).status).toBe(
      409,
    );
    const badAgency = await admin.post('/users', {
      name: 'X',
      email: 'x@example.org',
      role: 'advisor',
      agencyId: '00000000-0000-4000-8000-000000000000',
    });
    expect(badAgency.status).toBe(400);
    expect(badAgency.body.errors).toEqual([{ path: '/agencyId', message: 'is not a known agency' }]);
  });

  it('rotating a token revokes the old ones; deactivating stops every token at once', async () => {
    const admin = t.client.as(t.users.admin.token);
    const email = `${unique('rot').toLowerCase()}@example.org`;
    const created = await admin.post('/users', { name: 'Rot', email, role: 'advisor', agencyId: t.home.id });
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
    expect((await admin.delete(`/users/${t.users.admin.id}`)).status).toBe(409);
  });

  it('PATCH /users/:id changes name, role and password (stored as a slow hash, never returned)', async () => {
    const admin = t.client.as(t.users.admin.token);
    const created = await admin.post('/users', {
      name: 'Pat',
      email: `${unique('pat').toLowerCase()}@example.org`,
      role: 'investigator',
      agencyId: t.home.id,
    });
    expect(created.body.user.hasPassword).toBe(false);
    const patched = await admin.patch(`/users/${created.body.user.id}`, {
      name: 'Patricia',
      role: 'advisor',
      password: 'correct horse battery',
    });
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
    const admin = t.client.as(t.users.admin.token);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { items: { id: string; agencyId: string }[]; nextCursor: string | null } } = await admin.get(
        `/users?agencyId=${t.home.id}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...res.body.items.map((u) => u.id));
      expect(res.body.items.every((u) => u.agencyId === t.home.id)).toBe(true);
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(
      expect.arrayContaining([t.users.investigator.id, t.users.advisor.id, t.users.stockpile.id, t.users.admin.id]),
    );
    expect((await admin.get('/users?cursor=garbage')).body.errors[0].path).toBe('/query/cursor');
  });

  it('agencies: admin edits reviewRequired; others read only their scope', async () => {
    const admin = t.client.as(t.users.admin.token);
    const patched = await admin.patch(`/agencies/${t.neighbour.id}`, { reviewRequired: true });
    expect(patched.status).toBe(200);
    expect(patched.body.reviewRequired).toBe(true);
    await admin.patch(`/agencies/${t.neighbour.id}`, { reviewRequired: false });

    const advisor = t.client.as(t.users.advisor.token);
    const regional = await advisor.get('/agencies?limit=200');
    expect(regional.body.items.map((a: { id: string }) => a.id).sort()).toEqual([t.home.id, t.neighbour.id].sort());
    expect((await advisor.get(`/agencies/${t.faraway.id}`)).status).toBe(404);
    const investigator = t.client.as(t.users.investigator.token);
    expect((await investigator.get(`/agencies/${t.neighbour.id}`)).status).toBe(404);
    expect((await investigator.patch(`/agencies/${t.home.id}`, { reviewRequired: true })).status).toBe(403);
    expect(
      (await investigator.post('/users', { name: 'x', email: 'y@example.org', role: 'admin', agencyId: t.home.id }))
        .status,
    ).toBe(403);
  });
});

const PASSWORD = 'correct horse battery staple';

async function person() {
  const user = await createUser(t.db, t.home.id, 'investigator', PASSWORD);
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
    await t
      .db('api_tokens')
      .where({ user_id: user.id, kind: 'session' })
      .update({ expires_at: t.db.raw("now() + interval '1 minute'") });
    await t.client.as(res.body.token).get('/me');
    const extended = await t.db('api_tokens').where({ user_id: user.id, kind: 'session' }).first();
    expect(extended.expires_at.getTime() - Date.now()).toBeGreaterThan(29 * 60_000);
    // …but never past 12 hours after sign-in…
    await t
      .db('api_tokens')
      .where({ user_id: user.id, kind: 'session' })
      .update({ created_at: t.db.raw("now() - interval '11 hours 55 minutes'") });
    await t.client.as(res.body.token).get('/me');
    const capped = await t.db('api_tokens').where({ user_id: user.id, kind: 'session' }).first();
    expect(capped.expires_at.getTime() - Date.now()).toBeLessThanOrEqual(5 * 60_000 + 1000);
    // …and an idle session stops working.
    await t
      .db('api_tokens')
      .where({ user_id: user.id, kind: 'session' })
      .update({ expires_at: t.db.raw("now() - interval '1 second'") });
    expect((await t.client.as(res.body.token).get('/me')).status).toBe(401);
  });

  it('a session past its 12-hour cap does not work, not even for one more request', async () => {
    const user = await person();
    const token = (await t.client.post('/sessions', { email: user.email, password: PASSWORD })).body.token as string;
    // Its idle expiry still ahead (set at its last use), but signed in more than 12 hours ago.
    await t
      .db('api_tokens')
      .where({ user_id: user.id, kind: 'session' })
      .update({
        created_at: t.db.raw("now() - interval '12 hours 1 minute'"),
        expires_at: t.db.raw("now() + interval '20 minutes'"),
      });
    expect((await t.client.as(token).get('/me')).status).toBe(401);
  });

  it('hashes new passwords with OWASP-strength scrypt and upgrades a weaker stored hash at the next sign-in', async () => {
    const user = await person();
    expect((await t.db('users').where({ id: user.id }).first()).password_hash).toMatch(/^scrypt\$32768\$8\$3\$/);
    const { scrypt, randomBytes } = await import('node:crypto');
    const salt = randomBytes(16);
    const key = await new Promise<Buffer>((resolve, reject) =>
      scrypt(PASSWORD, salt, 32, { N: 2 ** 14, r: 8, p: 1 }, (e, k) => (e ? reject(e) : resolve(k))),
    );
    await t
      .db('users')
      .where({ id: user.id })
      .update({ password_hash: `scrypt$16384$8$1$${salt.toString('base64')}$${key.toString('base64')}` });
    expect((await t.client.post('/sessions', { email: user.email, password: PASSWORD })).status).toBe(201);
    const upgraded = (await t.db('users').where({ id: user.id }).first()).password_hash as string;
    expect(upgraded).toMatch(/^scrypt\$32768\$8\$3\$/);
    expect((await t.client.post('/sessions', { email: user.email, password: PASSWORD })).status).toBe(201);
  });

  it('answers wrong email and wrong password alike', async () => {
    const user = await person();
    const wrongPassword = await t.client.post('/sessions', { email: user.email, password: 'nope nope nope' });
    const wrongEmail = await t.client.post('/sessions', { email: 'nobody@example.org', password: PASSWORD });
    expect(wrongPassword.status).toBe(401);
    expect(wrongEmail.status).toBe(401);
    const { requestId: _a, ...one } = wrongPassword.body;
    const { requestId: _b, ...other } = wrongEmail.body;
    expect(one).toEqual(other);
    expect((await t.client.post('/sessions', { email: user.email })).status).toBe(400);
  });

  it('locks an address for 10 minutes at the 5th failure in a row, audited; then lets it in again', async () => {
    const user = await person();
    const failures = [];
    for (let i = 0; i < 5; i++)
      failures.push(await t.client.post('/sessions', { email: user.email, password: `wrong ${i} password` }));
    expect(failures.map((r) => r.status)).toEqual([401, 401, 401, 401, 401]);
    expect(failures.map((r) => r.body.type)).toEqual([
      ...Array(4).fill('/problems/unauthenticated'),
      '/problems/account-locked',
    ]);
    const locked = await t.client.post('/sessions', { email: user.email, password: PASSWORD });
    expect(locked.status).toBe(401);
    expect(locked.headers.get('www-authenticate')).toBe('Bearer');
    expect(locked.body.type).toBe('/problems/account-locked');
    const until = Date.parse(locked.body.lockedUntil) - Date.now();
    expect(until).toBeGreaterThan(9 * 60_000);
    expect(until).toBeLessThanOrEqual(10 * 60_000);
    expect(await t.db('audit_log').where({ action: 'user.locked', entity_id: user.id })).toHaveLength(1);
    expect(await t.db('audit_log').where({ action: 'auth.sign_in_failed', entity_id: user.id })).toHaveLength(5);
    expect(await t.db('audit_log').where({ action: 'session.refused_locked', entity_id: user.id })).toHaveLength(1);

    await t.db('sign_in_failures').update({ locked_until: t.db.raw("now() - interval '1 second'") });
    expect((await t.client.post('/sessions', { email: user.email, password: PASSWORD })).status).toBe(201);
  });

  it('an address nobody has is counted and locked the same way: a lockout never tells that an account exists', async () => {
    const known = await person();
    const unknown = `${unique('nadie').toLowerCase()}@example.org`;
    const answers = async (email: string) => {
      const replies = [];
      for (let i = 0; i < 6; i++)
        replies.push(await t.client.post('/sessions', { email, password: 'not the password' }));
      return replies.map((r) => ({
        status: r.status,
        type: r.body.type,
        title: r.body.title,
        detail: r.body.detail.replace(/locked until .*/, 'locked until …'),
        keys: Object.keys(r.body).sort(),
      }));
    };
    expect(await answers(unknown)).toEqual(await answers(known.email));
    // Locked, the known address refuses even the right password, exactly as the unknown one refuses any.
    const [knownLocked, unknownLocked] = [
      await t.client.post('/sessions', { email: known.email, password: PASSWORD }),
      await t.client.post('/sessions', { email: unknown.toUpperCase(), password: PASSWORD }),
    ];
    expect(Object.keys(knownLocked.body).sort()).toEqual(Object.keys(unknownLocked.body).sort());
    expect([knownLocked.body.type, unknownLocked.body.type]).toEqual([
      '/problems/account-locked',
      '/problems/account-locked',
    ]);
    // Stored as a hash of the address, not the address a stranger typed.
    expect(JSON.stringify(await t.db('sign_in_failures').select('*'))).not.toContain(unknown);
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
    await t.client.as(t.users.admin.token).delete(`/users/${user.id}`);
    expect((await t.client.post('/sessions', { email: user.email, password: PASSWORD })).status).toBe(401);
  });
});
