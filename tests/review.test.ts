import { beforeEach, describe, expect, it } from 'vitest';
import { createAgency, createCase, createUser, createWorld, traceBody, useWorld } from './support/harness.ts';

let clockNow = new Date();
const clock = { now: () => clockNow };
const t = useWorld({ clock, reviewRequired: true });
const adv = () => t.client.as(t.users.advisor.token);
const inv = () => t.client.as(t.users.investigator.token);
const OPEN = 'pending_review,queued,in_progress,needs_info,failed';

beforeEach(() => {
  clockNow = new Date();
});

/** A trace of `owner` in `status`, last changed `agoSeconds` before the real now. */
async function traceIn(status: string, agoSeconds = 0, options: { owner?: string; urgent?: boolean } = {}) {
  const owner = options.owner ?? t.users.investigator.token;
  const kase = await createCase(t.client, owner);
  const extra = options.urgent ? { urgent: true, urgentReason: 'Suspect in custody' } : {};
  const res = await t.client.as(owner).post('/traces', traceBody(kase.id, extra));
  expect(res.status).toBe(201);
  await t
    .db('traces')
    .where({ id: res.body.id })
    .update({
      status,
      status_changed_at: t.db.raw(`now() - make_interval(secs => ?)`, [agoSeconds]),
    });
  return res.body.id as string;
}

async function allPages(path: string, limit: number, between?: (page: number) => Promise<void>) {
  const ids: string[] = [];
  let cursor: string | null = null;
  let page = 0;
  do {
    const res: { status: number; body: { items: { id: string }[]; nextCursor: string | null } } = await adv().get(
      `${path}${path.includes('?') ? '&' : '?'}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`,
    );
    expect(res.status).toBe(200);
    ids.push(...res.body.items.map((i) => i.id));
    cursor = res.body.nextCursor;
    if (between) await between(page++);
  } while (cursor);
  return ids;
}

describe('GET /queue', () => {
  it('follows an agency that moves to another region: its traces leave one advisor’s queue and join the other’s', async () => {
    const moving = await createAgency(t.db, { region: t.region, reviewRequired: true });
    const investigator = await createUser(t.db, moving.id, 'investigator');
    const kase = await createCase(t.client, investigator.token);
    const trace = (await t.client.as(investigator.token).post('/traces', traceBody(kase.id))).body;
    expect(trace.status).toBe('pending_review');
    const newRegion = `moved-${t.region}`;
    const otherAdvisor = await createUser(t.db, (await createAgency(t.db, { region: newRegion })).id, 'advisor');
    const inQueue = async (token: string) =>
      (await t.client.as(token).get('/queue?limit=200')).body.items.some((i: { id: string }) => i.id === trace.id);
    expect([await inQueue(t.users.advisor.token), await inQueue(otherAdvisor.token)]).toEqual([true, false]);
    expect((await t.client.as(t.users.admin.token).patch(`/agencies/${moving.id}`, { region: newRegion })).status).toBe(
      200,
    );
    expect([await inQueue(t.users.advisor.token), await inQueue(otherAdvisor.token)]).toEqual([false, true]);
  });

  it('shows pending_review and failed traces of the region by default, urgent first, then longest waiting', async () => {
    const oldRoutine = await traceIn('pending_review', 3 * 86_400);
    const newRoutine = await traceIn('pending_review', 3_600);
    const newUrgent = await traceIn('pending_review', 60, { urgent: true });
    const failed = await traceIn('failed', 2 * 86_400);
    const neighbour = await traceIn('pending_review', 10 * 86_400, { owner: t.users.neighbourInvestigator.token });
    const faraway = await traceIn('pending_review', 20 * 86_400, { owner: t.users.farInvestigator.token });
    await traceIn('queued', 50 * 86_400);

    const ids = await allPages('/queue', 200);
    const ours = ids.filter((id) => [oldRoutine, newRoutine, newUrgent, failed, neighbour].includes(id));
    expect(ours).toEqual([newUrgent, neighbour, oldRoutine, failed, newRoutine]);
    expect(ids).not.toContain(faraway);

    clockNow = new Date();
    const res = await adv().get('/queue?limit=200');
    const item = res.body.items.find((i: { id: string }) => i.id === oldRoutine);
    expect(item.waitingSeconds).toBeGreaterThanOrEqual(3 * 86_400);
    expect(item.overdue).toBe(false);
    expect(res.body.items.every((i: { status: string }) => ['pending_review', 'failed'].includes(i.status))).toBe(true);

    expect(
      (await adv().get(`/queue?agencyId=${t.neighbour.id}&limit=200`)).body.items.map((i: { id: string }) => i.id),
    ).toContain(neighbour);
    expect((await adv().get(`/queue?agencyId=${t.faraway.id}`)).body.items).toEqual([]);
    expect(
      (await adv().get('/queue?urgent=true&limit=200')).body.items.every((i: { urgent: boolean }) => i.urgent),
    ).toBe(true);
    expect(
      (await adv().get('/queue?status=queued&limit=200')).body.items.every(
        (i: { status: string }) => i.status === 'queued',
      ),
    ).toBe(true);
  });

  it('marks overdue exactly past the SLA (24 h urgent, 5 days routine) using the injected clock', async () => {
    const urgent = await traceIn('pending_review', 0, { urgent: true });
    const routine = await traceIn('failed', 0);
    const changedAt = async (id: string) => (await t.db('traces').where({ id }).first()).status_changed_at.getTime();
    const overdueOf = async (id: string) =>
      (await adv().get('/queue?limit=200')).body.items.find((i: { id: string }) => i.id === id);

    clockNow = new Date((await changedAt(urgent)) + 24 * 3600 * 1000);
    expect(await overdueOf(urgent)).toMatchObject({ waitingSeconds: 24 * 3600, overdue: false });
    clockNow = new Date((await changedAt(urgent)) + 24 * 3600 * 1000 + 1000);
    expect(await overdueOf(urgent)).toMatchObject({ waitingSeconds: 24 * 3600 + 1, overdue: true });

    clockNow = new Date((await changedAt(routine)) + 5 * 86_400 * 1000);
    expect((await overdueOf(routine)).overdue).toBe(false);
    clockNow = new Date((await changedAt(routine)) + 5 * 86_400 * 1000 + 1000);
    expect((await overdueOf(routine)).overdue).toBe(true);
  });

  for (const limit of [1, 2, 3]) {
    it(`pages with limit=${limit} without duplicates or gaps while traces change status between pages`, async () => {
      const { region: _r, ...fresh } = await createWorld(t.db);
      const owner = fresh.users.investigator.token;
      const advisor = t.client.as(fresh.users.advisor.token);
      const ids: string[] = [];
      for (let i = 0; i < 9; i++)
        ids.push(
          await traceIn(i % 3 === 0 ? 'failed' : 'pending_review', 1000 * (i + 1), { owner, urgent: i % 4 === 0 }),
        );
      const seen: string[] = [];
      const changed = new Set<string>();
      let cursor: string | null = null;
      let page = 0;
      do {
        const res: { body: { items: { id: string }[]; nextCursor: string | null } } = await advisor.get(
          `/queue?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`,
        );
        seen.push(...res.body.items.map((i) => i.id));
        cursor = res.body.nextCursor;
        // Between pages: one trace already seen and one not yet seen leave the queue (approved / cancelled).
        const leaveSeen = seen.find((id) => !changed.has(id));
        const leaveUnseen = ids.find((id) => !seen.includes(id) && !changed.has(id));
        if (page++ % 2 === 0 && leaveSeen && leaveUnseen) {
          await t
            .db('traces')
            .whereIn('id', [leaveSeen, leaveUnseen])
            .update({ status: 'queued', status_changed_at: t.db.fn.now() });
          changed.add(leaveSeen).add(leaveUnseen);
        }
      } while (cursor);
      expect(new Set(seen).size).toBe(seen.length);
      for (const id of ids.filter((id) => !changed.has(id))) expect(seen).toContain(id);
      expect(changed.size).toBeGreaterThan(0);
    });
  }

  it('is only for advisors and admins, and validates its filters', async () => {
    expect((await inv().get('/queue')).status).toBe(403);
    expect((await t.client.as(t.users.stockpile.token).get('/queue/summary')).status).toBe(403);
    expect((await t.client.as(t.users.admin.token).get('/queue')).status).toBe(200);
    const bad = await adv().get('/queue?assignedTo=someone&status=nope&cursor=zzz');
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['/query/assignedTo', '/query/status']);
    expect((await adv().get('/queue?cursor=zzz')).body.errors[0].path).toBe('/query/cursor');
  });
});

describe('GET /queue/summary', () => {
  it('matches counts taken from the list', async () => {
    await traceIn('needs_info', 7 * 86_400);
    await traceIn('in_progress', 100, { urgent: true });
    const done = await traceIn('queued', 0);
    await t
      .db('traces')
      .where({ id: done })
      .update({
        status: 'completed',
        submitted_at: t.db.raw("now() - interval '2 hours'"),
        completed_at: t.db.fn.now(),
        result: JSON.stringify({ outcome: 'not_traceable', reason: 'no_record', sourceCountry: 'US' }),
      });
    clockNow = new Date();
    const summaryRes = await adv().get('/queue/summary');
    expect(summaryRes.status, JSON.stringify(summaryRes.body)).toBe(200);
    const summary = summaryRes.body;
    for (const status of OPEN.split(',')) {
      expect(summary.byStatus[status], status).toBe((await allPages(`/queue?status=${status}`, 200)).length);
    }
    const open = (await adv().get(`/queue?status=${OPEN}&limit=200`)).body.items as {
      urgent: boolean;
      overdue: boolean;
      waitingSeconds: number;
    }[];
    expect(open.length).toBeLessThan(200);
    expect(summary.urgent).toBe(open.filter((i) => i.urgent).length);
    expect(summary.overdue).toBe(open.filter((i) => i.overdue).length);
    expect(summary.overdue).toBeGreaterThan(0);
    expect(Math.abs(summary.oldestWaitingSeconds - Math.max(...open.map((i) => i.waitingSeconds)))).toBeLessThanOrEqual(
      1,
    );
    expect(Object.keys(summary.byStatus).sort()).toEqual([
      'cancelled',
      'completed',
      'draft',
      'failed',
      'in_progress',
      'needs_info',
      'not_traceable',
      'pending_review',
      'queued',
    ]);
    expect(summary.byAgency.map((a: { agencyId: string }) => a.agencyId).sort()).toEqual(
      [t.home.id, t.neighbour.id].sort(),
    );
    const total = (s: Record<string, number>) => Object.values(s).reduce((a, b) => a + b, 0);
    expect(total(summary.byStatus)).toBe(
      summary.byAgency.reduce((sum: number, a: { byStatus: Record<string, number> }) => sum + total(a.byStatus), 0),
    );
    expect(summary.completedLast24h).toBeGreaterThanOrEqual(1);
    expect(summary.medianTurnaroundSeconds).toBeGreaterThan(0);
  });
});

describe('review actions', () => {
  it('approve: pending_review → queued with event and audit; refused elsewhere, by the wrong role or region', async () => {
    const id = await traceIn('pending_review');
    expect((await inv().post(`/traces/${id}/approve`)).status).toBe(403);
    expect((await t.client.as(t.users.farAdvisor.token).post(`/traces/${id}/approve`)).status).toBe(404);
    const ok = await adv().post(`/traces/${id}/approve`);
    expect(ok.body.status).toBe('queued');
    expect((await adv().post(`/traces/${id}/approve`)).status).toBe(409);
    expect(await t.db('audit_log').where({ entity_id: id, action: 'trace.approve' })).toHaveLength(1);
    expect(await t.db('trace_outbox').where({ trace_id: id, kind: 'enqueue' })).toHaveLength(1);
  });

  it('return needs a message, which the investigator sees as an event', async () => {
    const id = await traceIn('pending_review');
    expect((await adv().post(`/traces/${id}/return`, {})).body.errors).toEqual([
      { path: '/message', message: 'is required' },
    ]);
    const ok = await adv().post(`/traces/${id}/return`, { message: 'Falta el importador marcado en el cañón' });
    expect(ok.body.status).toBe('needs_info');
    const events = (await inv().get(`/traces/${id}/events`)).body.items;
    expect(events.at(-1)).toMatchObject({
      type: 'returned',
      toStatus: 'needs_info',
      message: 'Falta el importador marcado en el cañón',
    });
    expect((await adv().post(`/traces/${id}/return`, { message: 'again' })).status).toBe(409);
  });

  it('separation of duties by person: whoever created or submitted a trace never approves or returns it, whatever role they hold now', async () => {
    const mover = await createUser(t.db, t.home.id, 'investigator');
    const kase = await createCase(t.client, mover.token);
    const trace = (await t.client.as(mover.token).post('/traces', traceBody(kase.id))).body;
    expect(trace.status).toBe('pending_review');
    expect((await t.client.as(t.users.admin.token).patch(`/users/${mover.id}`, { role: 'advisor' })).body.role).toBe(
      'advisor',
    );
    const asAdvisor = t.client.as(mover.token);
    for (const [action, body] of [
      ['approve', undefined],
      ['return', { message: 'Revisado por mí mismo' }],
    ] as const) {
      const refused = await asAdvisor.post(`/traces/${trace.id}/${action}`, body);
      expect(refused.status).toBe(409);
      expect(refused.body.type).toBe('/problems/self-review');
    }
    expect((await t.db('traces').where({ id: trace.id }).first()).status).toBe('pending_review');
    expect((await adv().post(`/traces/${trace.id}/approve`)).body.status).toBe('queued');
  });

  it('retry: failed → queued only', async () => {
    const id = await traceIn('failed');
    expect((await inv().post(`/traces/${id}/retry`)).status).toBe(403);
    expect((await adv().post(`/traces/${id}/retry`)).body.status).toBe('queued');
    expect((await adv().post(`/traces/${id}/retry`)).status).toBe(409);
  });

  it('assign / unassign only to an advisor of the same region; filters by assignee', async () => {
    const id = await traceIn('pending_review');
    const neighbourAdvisor = await createUser(t.db, t.neighbour.id, 'advisor');
    const assigned = await adv().post(`/traces/${id}/assign`, { userId: neighbourAdvisor.id });
    expect(assigned.status).toBe(200);
    expect(assigned.body.assignedTo).toBe(neighbourAdvisor.id);
    expect(
      (await adv().get(`/queue?assignedTo=${neighbourAdvisor.id}`)).body.items.map((i: { id: string }) => i.id),
    ).toEqual([id]);
    const toMe = await adv().post(`/traces/${id}/assign`, { userId: t.users.advisor.id });
    expect(toMe.body.assignedTo).toBe(t.users.advisor.id);
    expect((await adv().get('/queue?assignedTo=me&limit=200')).body.items.map((i: { id: string }) => i.id)).toContain(
      id,
    );

    for (const userId of [t.users.farAdvisor.id, t.users.investigator.id, '00000000-0000-4000-8000-000000000000']) {
      const refused = await adv().post(`/traces/${id}/assign`, { userId });
      expect(refused.status).toBe(400);
      expect(refused.body.errors[0].path).toBe('/userId');
    }
    const unassigned = await adv().post(`/traces/${id}/assign`, { userId: null });
    expect(unassigned.body.assignedTo).toBeNull();
    expect((await adv().get('/queue?assignedTo=none&limit=200')).body.items.map((i: { id: string }) => i.id)).toContain(
      id,
    );
    const types = (await adv().get(`/traces/${id}/events`)).body.items.map((e: { type: string }) => e.type);
    expect(types.filter((t: string) => t === 'assigned')).toHaveLength(3);
    expect(await t.db('audit_log').where({ entity_id: id, action: 'trace.assign' })).toHaveLength(3);
    expect((await inv().post(`/traces/${id}/assign`, { userId: null })).status).toBe(403);
    expect((await t.client.as(t.users.farAdvisor.token).post(`/traces/${id}/assign`, { userId: null })).status).toBe(
      404,
    );
    const finished = await traceIn('cancelled');
    expect((await adv().post(`/traces/${finished}/assign`, { userId: null })).status).toBe(409);
  });

  it('escalate sets urgent with a reason, keeps the waiting time, and moves a queued job ahead', async () => {
    const id = await traceIn('queued', 600);
    const before = (await t.db('traces').where({ id }).first()).status_changed_at;
    expect((await adv().post(`/traces/${id}/escalate`, {})).status).toBe(400);
    const res = await adv().post(`/traces/${id}/escalate`, { reason: 'Linked to a massacre under investigation' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      urgent: true,
      urgentReason: 'Linked to a massacre under investigation',
      status: 'queued',
    });
    expect(res.body.qualityFlags).toContain('urgent');
    expect((await t.db('traces').where({ id }).first()).status_changed_at).toEqual(before);
    expect(await t.db('trace_outbox').where({ trace_id: id, kind: 'reprioritize' })).toHaveLength(1);
    expect((await adv().post(`/traces/${id}/escalate`, { reason: 'again' })).status).toBe(409);
    expect((await inv().post(`/traces/${id}/escalate`, { reason: 'x' })).status).toBe(403);
    const events = (await adv().get(`/traces/${id}/events`)).body.items;
    expect(events.at(-1)).toMatchObject({
      type: 'escalated',
      fromStatus: 'queued',
      toStatus: 'queued',
      message: 'Linked to a massacre under investigation',
    });
  });

  it('cancel by an advisor of the region; not from another region', async () => {
    const id = await traceIn('failed');
    expect((await t.client.as(t.users.farAdvisor.token).post(`/traces/${id}/cancel`, { reason: 'x' })).status).toBe(
      404,
    );
    expect((await adv().post(`/traces/${id}/cancel`, { reason: 'Duplicate of an older request' })).body.status).toBe(
      'cancelled',
    );
    expect((await adv().post(`/traces/${id}/cancel`, { reason: 'again' })).status).toBe(409);
  });

  it('admins edit an agency’s reviewRequired policy, which decides review for new traces', async () => {
    const admin = t.client.as(t.users.admin.token);
    expect((await admin.patch(`/agencies/${t.home.id}`, { reviewRequired: false })).body.reviewRequired).toBe(false);
    const kase = await createCase(t.client, t.users.investigator.token);
    expect((await inv().post('/traces', traceBody(kase.id))).body.status).toBe('queued');
    await admin.patch(`/agencies/${t.home.id}`, { reviewRequired: true });
    expect(
      (await inv().post('/traces', traceBody(kase.id, { recovery: { date: '2026-01-01', circumstance: 'found' } })))
        .body.status,
    ).toBe('pending_review');
  });
});
