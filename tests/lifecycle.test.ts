import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRANSITIONS, transitionTrace, type TraceAction } from '../src/traces/lifecycle.ts';
import { TRACE_STATUSES, type TraceStatus } from '../src/traces/schemas.ts';
import { createCase, createWorld, startApp, traceBody, type TestApp } from './support/harness.ts';

let t: TestApp;
let world: Awaited<ReturnType<typeof createWorld>>;
let caseId: string;

beforeAll(async () => {
  t = await startApp();
  world = await createWorld(t.db);
  caseId = (await createCase(t.client, world.users.investigator.token)).id;
});
afterAll(() => t.close());

async function traceIn(status: TraceStatus): Promise<string> {
  const res = await t.client.as(world.users.investigator.token).post('/traces', traceBody(caseId, { draft: true }));
  const final = status === 'completed' || status === 'not_traceable';
  await t.db('traces').where({ id: res.body.id }).update({ status, result: final ? JSON.stringify(RESULT) : null });
  return res.body.id;
}

const RESULT = { outcome: 'not_traceable', reason: 'no_record', sourceCountry: 'AT' };
const allowedFrom = (action: TraceAction) => TRANSITIONS[action].from as readonly (TraceStatus | null)[];

describe('user actions follow the transition table over HTTP', () => {
  const actions: { action: TraceAction; path: string; who: 'investigator' | 'advisor'; body?: object; to: TraceStatus }[] = [
    { action: 'submit', path: 'submit', who: 'investigator', to: 'queued' },
    { action: 'approve', path: 'approve', who: 'advisor', to: 'queued' },
    { action: 'return', path: 'return', who: 'advisor', body: { message: 'Add the importer marked on the slide' }, to: 'needs_info' },
    { action: 'cancel', path: 'cancel', who: 'investigator', body: { reason: 'Entered by mistake' }, to: 'cancelled' },
    { action: 'cancel', path: 'cancel', who: 'advisor', body: { reason: 'Not a firearm' }, to: 'cancelled' },
  ];
  for (const { action, path, who, body, to } of actions) {
    for (const from of TRACE_STATUSES) {
      const allowed = allowedFrom(action).includes(from);
      it(`${who} ${action} from ${from} → ${allowed ? to : '409'}`, async () => {
        const id = await traceIn(from);
        const res = await t.client.as(world.users[who].token).post(`/traces/${id}/${path}`, body);
        if (allowed) {
          expect(res.status).toBe(200);
          expect(res.body.status).toBe(to);
          const events = (await t.client.as(world.users[who].token).get(`/traces/${id}/events`)).body.items;
          expect(events.at(-1)).toMatchObject({ fromStatus: from, toStatus: to, actor: { id: world.users[who].id } });
          if (body && 'message' in body) expect(events.at(-1).message).toBe(body.message);
          if (body && 'reason' in body) expect(events.at(-1).message).toBe(body.reason);
          const audit = await t.db('audit_log').where({ entity: 'trace', entity_id: id, action: `trace.${action}` });
          expect(audit).toHaveLength(1);
        } else {
          expect(res.status).toBe(409);
          expect(res.body.type).toBe('/problems/invalid-transition');
          expect((await t.db('traces').where({ id }).first()).status).toBe(from);
        }
      });
    }
  }

  it('refuses actions to roles the table does not name with 403', async () => {
    const id = await traceIn('pending_review');
    expect((await t.client.as(world.users.investigator.token).post(`/traces/${id}/approve`)).status).toBe(403);
    expect((await t.client.as(world.users.advisor.token).post(`/traces/${id}/submit`)).status).toBe(403);
    expect((await t.client.as(world.users.stockpile.token).post(`/traces/${id}/cancel`, { reason: 'x' })).status).toBe(403);
    expect((await t.client.as(world.users.admin.token).post(`/traces/${id}/cancel`, { reason: 'x' })).status).toBe(403);
  });

  it('sends a resubmitted needs_info trace through review again when it still has a flag', async () => {
    const id = await traceIn('needs_info');
    await t.db('traces').where({ id }).update({ quality_flags: ['missing_importer'] });
    const res = await t.client.as(world.users.investigator.token).post(`/traces/${id}/submit`);
    expect(res.body.status).toBe('pending_review');
  });
});

describe('system transitions go through the same table', () => {
  const systemActions: TraceAction[] = ['start', 'complete', 'mark_not_traceable', 'request_info', 'fail'];
  for (const action of systemActions) {
    it(`${action}: allowed only from ${allowedFrom(action).join(', ')}`, async () => {
      for (const from of TRACE_STATUSES) {
        const id = await traceIn(from);
        const set = action === 'complete' || action === 'mark_not_traceable' ? { result: JSON.stringify(RESULT) } : {};
        const attempt = t.db.transaction((trx) => transitionTrace(trx, { traceId: id, from, action, performer: { system: 'worker' }, set }));
        if (allowedFrom(action).includes(from)) {
          await expect(attempt).resolves.toMatchObject({ status: TRANSITIONS[action].to });
          const event = await t.db('trace_events').where({ trace_id: id }).orderBy('id', 'desc').first();
          expect(event).toMatchObject({ from_status: from, to_status: TRANSITIONS[action].to, actor_id: null });
        } else {
          await expect(attempt).rejects.toMatchObject({ status: 409 });
        }
      }
    });
  }

  it('refuses a transition whose starting status changed underneath it (conditional UPDATE)', async () => {
    const id = await traceIn('queued');
    await t.db('traces').where({ id }).update({ status: 'cancelled' });
    const attempt = t.db.transaction((trx) => transitionTrace(trx, { traceId: id, from: 'queued', action: 'start', performer: { system: 'worker' } }));
    await expect(attempt).rejects.toMatchObject({ status: 409, slug: 'concurrent-change' });
    expect(await t.db('trace_events').where({ trace_id: id, type: 'started' })).toHaveLength(0);
  });

  it('a user may not perform a system transition', async () => {
    const id = await traceIn('queued');
    const ctx = { actor: { ...world.users.advisor, agency: { id: world.home.id, code: world.home.code, name: '', country: 'SV', region: world.region } }, requestId: 'r', ip: null };
    const attempt = t.db.transaction((trx) => transitionTrace(trx, { traceId: id, from: 'queued', action: 'start', performer: { ctx } }));
    await expect(attempt).rejects.toMatchObject({ status: 403 });
  });
});
