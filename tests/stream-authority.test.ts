import { describe, expect, it } from 'vitest';
import type { Role } from '../src/shared/actor.ts';
import {
  createAgency,
  createCase,
  createUser,
  intakeItem,
  startApp,
  traceBody,
  unique,
  useWorld,
} from './support/harness.ts';
import { waitFor } from './support/processes.ts';
import { openStream } from './support/receivers.ts';

/**
 * A live stream is authorized per event, with the caller's rights at delivery time: it ends within 5 s of any change to
 * who the caller is, delivers only what the caller's role reads, is capped per user, and is refused while shutting down.
 */
const t = useWorld();
const PASSWORD = 'una contraseña de prueba';

async function person(role: Role = 'investigator', agencyId = t.home.id) {
  return createUser(t.db, agencyId, role, PASSWORD);
}

/** Opens a stream for `token`, makes `change`, and answers how long the stream took to end (ms). */
async function endsAfter(token: string, change: () => Promise<unknown>) {
  const stream = await openStream(t.client.baseUrl, token);
  expect(stream.status).toBe(200);
  await waitFor(async () => stream.retry !== undefined, 'the stream open');
  const started = Date.now();
  await change();
  await waitFor(async () => stream.ended, 'the stream to end', 15_000);
  await stream.close();
  return Date.now() - started;
}

describe('a live stream outlives no change of its caller', () => {
  it('ends within 5 s when the user is deactivated', async () => {
    const user = await person();
    expect(
      await endsAfter(user.token, async () =>
        expect((await t.as('admin').delete(`/users/${user.id}`)).status).toBe(204),
      ),
    ).toBeLessThan(5_000);
  });

  it('ends within 5 s when the token is rotated', async () => {
    const user = await person();
    expect(
      await endsAfter(user.token, async () =>
        expect((await t.as('admin').post(`/users/${user.id}/tokens`)).status).toBe(201),
      ),
    ).toBeLessThan(5_000);
  });

  it('ends within 5 s when the session is ended', async () => {
    const user = await person();
    const session = (await t.client.post('/sessions', { email: user.email, password: PASSWORD })).body.token as string;
    expect(
      await endsAfter(session, async () =>
        expect((await t.client.as(session).delete('/sessions/current')).status).toBe(204),
      ),
    ).toBeLessThan(5_000);
  });

  it('ends within 5 s when the session expires (no request tells it)', async () => {
    const user = await person();
    const session = (await t.client.post('/sessions', { email: user.email, password: PASSWORD })).body.token as string;
    const elapsed = await endsAfter(session, () =>
      t
        .db('api_tokens')
        .where({ user_id: user.id, kind: 'session' })
        .update({ expires_at: t.db.raw("now() - interval '1 second'") }),
    );
    expect(elapsed).toBeLessThan(5_000);
  });

  it('ends within 5 s when the role changes (a new stockpile manager stops getting intelligence alerts)', async () => {
    const user = await person();
    expect(
      await endsAfter(user.token, async () =>
        expect((await t.as('admin').patch(`/users/${user.id}`, { role: 'stockpile_manager' })).status).toBe(200),
      ),
    ).toBeLessThan(5_000);
  });

  it("ends within 5 s when the caller's agency moves to another region", async () => {
    const agency = await createAgency(t.db, { region: t.region });
    const advisor = await person('advisor', agency.id);
    const moved = async () =>
      expect((await t.as('admin').patch(`/agencies/${agency.id}`, { region: unique('r-').toLowerCase() })).status).toBe(
        200,
      );
    expect(await endsAfter(advisor.token, moved)).toBeLessThan(5_000);
  });

  it('keeps streaming when nothing about the caller changed (a rename)', async () => {
    const user = await person();
    const stream = await openStream(t.client.baseUrl, user.token);
    expect((await t.as('admin').patch(`/users/${user.id}`, { name: 'Nombre nuevo' })).status).toBe(200);
    const kase = await createCase(t.client, user.token);
    const draft = (await t.client.as(user.token).post('/traces', traceBody(kase.id, { draft: true }))).body;
    await waitFor(
      async () => stream.messages.some((m) => m.data.data.traceId === draft.id),
      'an event after the rename',
    );
    expect(stream.ended).toBe(false);
    await stream.close();
  });
});

describe('what a stream delivers', () => {
  it('sends destruction events to stockpile managers and advisors, never to investigators', async () => {
    const investigator = await openStream(t.client.baseUrl, t.users.investigator.token);
    const manager = await openStream(t.client.baseUrl, t.users.stockpile.token);
    const advisor = await openStream(t.client.baseUrl, t.users.advisor.token);
    const items = [
      await intakeItem(t.client, t.users.stockpile.token),
      await intakeItem(t.client, t.users.stockpile.token),
    ];
    const mgr = t.as('stockpile');
    const plan = (
      await mgr.post('/destructions', {
        plannedFor: '2026-12-01',
        method: 'cutting',
        location: 'Bodega central',
        itemIds: items.map((i) => i.id),
      })
    ).body;
    const witnesses = [
      { name: 'Lic. Ana Rivas', organization: 'Fiscalía General' },
      { name: 'John Miller', organization: 'US Embassy (INL)' },
    ];
    expect(
      (await mgr.post(`/destructions/${plan.id}/complete`, { performedAt: '2026-11-20T10:00:00Z', witnesses })).status,
    ).toBe(200);
    const about = (stream: typeof manager) => stream.messages.filter((m) => m.data.data.destructionId === plan.id);
    await waitFor(
      async () => about(manager).length === 1 && about(advisor).length === 1,
      'destruction.completed to the manager and the advisor',
    );
    // A later event the investigator does see: everything before it has been delivered (or withheld) by then.
    const kase = await createCase(t.client, t.users.investigator.token);
    const draft = (await t.as('investigator').post('/traces', traceBody(kase.id, { draft: true }))).body;
    await waitFor(
      async () => investigator.messages.some((m) => m.data.data.traceId === draft.id),
      "the investigator's own event",
    );
    expect(about(investigator)).toEqual([]);
    expect(investigator.messages.some((m) => m.event.startsWith('destruction.'))).toBe(false);
    for (const stream of [investigator, manager, advisor]) await stream.close();
  });

  it('allows 10 open streams per user; the 11th is 429', async () => {
    const user = await person();
    const streams = [];
    for (let i = 0; i < 10; i++) streams.push(await openStream(t.client.baseUrl, user.token));
    expect(streams.map((s) => s.status)).toEqual(Array(10).fill(200));
    const eleventh = await t.client.as(user.token).get('/events/stream');
    expect(eleventh.status).toBe(429);
    expect(eleventh.headers.get('content-type')).toContain('application/problem+json');
    await streams[0]!.close();
    await waitFor(async () => {
      const again = await openStream(t.client.baseUrl, user.token);
      const ok = again.status === 200;
      streams.push(again);
      return ok;
    }, 'a place once one stream closed');
    for (const stream of streams) await stream.close();
    // Another user is not affected by this one's streams.
    const other = await openStream(t.client.baseUrl, t.users.advisor.token);
    expect(other.status).toBe(200);
    await other.close();
  });

  it('replays an event committed after Last-Event-ID even when its id is smaller (committed out of id order)', async () => {
    const insert = (db: typeof t.db, n: number) =>
      db.raw(
        `INSERT INTO events (type, subject_id, agency_ids, data) VALUES ('destruction.completed', gen_random_uuid(), ARRAY[?]::uuid[],
         jsonb_build_object('destructionId', gen_random_uuid(), 'reference', ?::text, 'agencyId', ?::uuid)) RETURNING id::text AS id`,
        [t.home.id, `DE-2026-${String(n).padStart(4, '0')}`, t.home.id],
      );
    const slow = await t.db.transaction();
    try {
      const early = (await insert(slow, 9001)).rows[0].id as string;
      const late = (await insert(t.db, 9002)).rows[0].id as string;
      expect(BigInt(early)).toBeLessThan(BigInt(late));
      await slow.commit();
      const again = await openStream(t.client.baseUrl, t.users.stockpile.token, late);
      expect(again.status).toBe(200);
      await waitFor(async () => again.messages.some((m) => m.id === early), 'the smaller id committed later');
      expect(again.messages.some((m) => m.id === late)).toBe(false);
      await again.close();
    } finally {
      if (!slow.isCompleted()) await slow.rollback();
    }
  });
});

describe('a process that shuts down', () => {
  it('ends its streams and answers new ones 503 with Retry-After', async () => {
    const app = await startApp();
    try {
      const stream = await openStream(app.client.baseUrl, t.users.investigator.token);
      expect(stream.status).toBe(200);
      app.closeStreams();
      await waitFor(async () => stream.ended, 'the stream to end');
      const again = await app.client.as(t.users.investigator.token).get('/events/stream');
      expect(again.status).toBe(503);
      expect(Number(again.headers.get('retry-after'))).toBeGreaterThan(0);
      // Other requests are still answered while the process drains.
      expect((await app.client.as(t.users.investigator.token).get('/me')).status).toBe(200);
    } finally {
      await app.close();
    }
  });
});
