import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../src/shared/actor.ts';
import { planTransition } from '../src/traces/lifecycle.ts';
import { recordProgress } from '../src/traces/writes/progress.ts';
import { TRACE_STATUSES, type Stage, type TraceStatus } from '../src/traces/schemas.ts';
import { EDITABLE, rolesFor, STARTS_NEW_RUN, TRANSITIONS, type TraceAction } from '../src/traces/transitions.ts';
import { createCase, traceBody, unique, useWorld, type WorldUser } from './support/harness.ts';
import { HoldingAdapter, startInProcessWorker } from './support/holding-adapter.ts';
import { waitFor } from './support/processes.ts';

const t = useWorld({ privateDatabase: true });

const adapter = new HoldingAdapter();
let pipeline: Awaited<ReturnType<typeof startInProcessWorker>>;
let caseId: string;

beforeAll(async () => {
  pipeline = await startInProcessWorker(t, adapter);
  caseId = (await createCase(t.client, t.users.investigator.token)).id;
});
afterAll(() => pipeline?.stop());

/** Who acts: the agency's own people, and an investigator and an advisor from outside the trace's scope. */
const ACTORS = [
  'investigator',
  'advisor',
  'stockpile',
  'admin',
  'neighbourInvestigator',
  'farAdvisor',
] as const satisfies readonly WorldUser[];
type Actor = (typeof ACTORS)[number];
const ROLE: Record<Actor, Role> = {
  investigator: 'investigator',
  advisor: 'advisor',
  stockpile: 'stockpile_manager',
  admin: 'admin',
  neighbourInvestigator: 'investigator',
  farAdvisor: 'advisor',
};
/** Whether the actor may read a trace of the home agency: the neighbour's investigator and the far advisor may not. */
const SEES: Record<Actor, boolean> = {
  investigator: true,
  advisor: true,
  stockpile: true,
  admin: true,
  neighbourInvestigator: false,
  farAdvisor: false,
};

/** Every action a person can take on an existing trace: the table's user actions, and editing (PATCH). */
type UserAction =
  Exclude<TraceAction, 'create_draft' | 'start' | 'complete' | 'mark_not_traceable' | 'request_info' | 'fail'> | 'edit';
const ACTIONS = [
  ...(Object.keys(TRANSITIONS) as TraceAction[]).filter((a) => a !== 'create_draft' && rolesFor(a).length > 0),
  'edit',
] as UserAction[];

/** How each action is asked for over HTTP. A new user action in the table fails to compile until it is listed here. */
const REQUEST: Record<UserAction, { method: 'POST' | 'PATCH'; path: (id: string) => string; body?: () => object }> = {
  submit: { method: 'POST', path: (id) => `/traces/${id}/submit` },
  approve: { method: 'POST', path: (id) => `/traces/${id}/approve` },
  return: {
    method: 'POST',
    path: (id) => `/traces/${id}/return`,
    body: () => ({ message: 'Falta el importador: consulte la factura.' }),
  },
  retry: { method: 'POST', path: (id) => `/traces/${id}/retry` },
  cancel: { method: 'POST', path: (id) => `/traces/${id}/cancel`, body: () => ({ reason: 'Ingresado por error' }) },
  assign: { method: 'POST', path: (id) => `/traces/${id}/assign`, body: () => ({ userId: t.users.advisor.id }) },
  escalate: {
    method: 'POST',
    path: (id) => `/traces/${id}/escalate`,
    body: () => ({ reason: 'Sospechoso detenido; audiencia en 72 horas' }),
  },
  edit: { method: 'PATCH', path: (id) => `/traces/${id}`, body: () => ({ notes: 'Corregido tras la consulta' }) },
};

const rule = (action: UserAction) =>
  action === 'edit'
    ? {
        from: EDITABLE as readonly (TraceStatus | null)[],
        by: ['investigator'] as readonly string[],
        to: 'unchanged' as const,
        event: 'updated',
        audit: 'trace.updated',
      }
    : {
        ...(TRANSITIONS[action] as {
          from: readonly (TraceStatus | null)[];
          by: readonly string[];
          to: string;
          event: string;
        }),
        audit: `trace.${action}`,
      };

/** What the contract's table says `actor` gets for `action` on a trace that is `status` (flag-free traces: `review_or_queue` is `queued`). */
function expected(
  status: TraceStatus,
  action: UserAction,
  actor: Actor,
): { code: 200; to: TraceStatus } | { code: 403 | 404 | 409 } {
  const { from, by, to } = rule(action);
  if (!by.includes(ROLE[actor])) return { code: 403 };
  if (!SEES[actor]) return { code: 404 };
  if (!from.includes(status)) return { code: 409 };
  return { code: 200, to: to === 'unchanged' ? status : to === 'review_or_queue' ? 'queued' : (to as TraceStatus) };
}

const weapon = (serial: string, country = 'AT') => ({
  manufacturer: 'Glock',
  model: '17',
  caliber: '9mm',
  type: 'pistol',
  serialNumber: unique(serial),
  importer: 'Glock Inc.',
  countryOfManufacture: country,
});
const inv = () => t.as('investigator');
const create = async (extra: Record<string, unknown>) => {
  const res = await inv().post('/traces', traceBody(caseId, extra));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
};
const row = (id: string) => t.db('traces').where({ id }).first();
const reach = (id: string, check: (trace: { status: TraceStatus; stage: Stage | null }) => boolean, what: string) =>
  waitFor(async () => check(await row(id)), `trace ${id}: ${what}`);

/** Statuses only the tracing center's answer leads to, and the serial prefix that makes the mock answer so. */
const BY_TRACING_CENTER: Partial<Record<TraceStatus, string>> = {
  needs_info: 'TESTINFO',
  failed: 'TESTDOWN',
  completed: 'TESTOK',
  not_traceable: 'TESTNOREC',
};

/** A trace of the home agency brought into `status` the way real traces get there: by the API and by the worker. */
async function traceIn(status: TraceStatus): Promise<string> {
  const serial = BY_TRACING_CENTER[status];
  if (serial) {
    const id = await create({ weapon: weapon(serial) });
    await reach(id, (tr) => tr.status === status, `${status} from the tracing center`);
    return id;
  }
  switch (status) {
    case 'draft':
      return create({ draft: true });
    case 'pending_review':
      // Review comes from the missing-importer flag. No action allowed from pending_review depends on flags.
      return create({ weapon: { ...weapon('SN'), importer: undefined } });
    case 'queued':
      return create({ weapon: weapon('TESTOK') });
    case 'in_progress': {
      const id = await create({ weapon: weapon('TESTOK-HOLD') });
      await reach(
        id,
        (tr) => tr.status === 'in_progress' && tr.stage === 'manufacturer',
        'in progress at its first stage',
      );
      return id;
    }
    default: {
      // cancelled
      const id = await create({ draft: true });
      expect((await inv().post(`/traces/${id}/cancel`, { reason: 'Duplicado' })).status).toBe(200);
      return id;
    }
  }
}

async function act(actor: Actor, action: UserAction, id: string) {
  const spec = REQUEST[action];
  const client = t.as(actor);
  return spec.method === 'PATCH'
    ? client.patch(spec.path(id), spec.body?.())
    : client.post(spec.path(id), spec.body?.());
}

const snapshot = async (id: string) => ({
  trace: JSON.stringify(await row(id)),
  events: Number((await t.db('trace_events').where({ trace_id: id }).count({ n: '*' }))[0]!.n),
});

/** Traces an allowed action sent back to the worker (or left running): each must then finish a run. */
const runs: { id: string; after: number }[] = [];

describe('every status × action × role of the trace lifecycle, over HTTP with the real worker', () => {
  for (const status of TRACE_STATUSES) {
    describe(`a trace that is ${status}`, () => {
      // Queued traces stay queued only while the worker takes no jobs.
      if (status === 'queued') {
        beforeAll(() => pipeline.pause());
        afterAll(() => pipeline.resume());
      }
      let shared: string;
      beforeAll(async () => {
        shared = await traceIn(status);
      });

      for (const action of ACTIONS) {
        for (const actor of ACTORS) {
          const outcome = expected(status, action, actor);
          const title = `${actor} ${action} → ${outcome.code === 200 ? outcome.to : outcome.code}`;
          it(title, async () => {
            if (outcome.code !== 200) {
              const before = await snapshot(shared);
              const res = await act(actor, action, shared);
              expect(res.status, JSON.stringify(res.body)).toBe(outcome.code);
              expect(res.headers.get('content-type')).toContain('application/problem+json');
              if (outcome.code === 409)
                expect(res.body.type).toBe(
                  action === 'edit' ? '/problems/not-editable' : '/problems/invalid-transition',
                );
              expect(await snapshot(shared)).toEqual(before);
              return;
            }
            const id = await traceIn(status);
            const audited = () =>
              t
                .db('audit_log')
                .where({ entity: 'trace', entity_id: id, action: rule(action).audit })
                .then((rows) => rows.length);
            const auditedBefore = await audited();
            const { events: before } = await snapshot(id);
            const res = await act(actor, action, id);
            expect(res.status, JSON.stringify(res.body)).toBe(200);
            expect(res.body.status).toBe(outcome.to);
            // The worker may already have moved on: the action's event is the first one after those there were.
            const events = (await t.as('admin').get(`/traces/${id}/events?limit=200`)).body.items;
            expect(events[before]).toMatchObject({
              type: rule(action).event,
              fromStatus: status,
              toStatus: outcome.to,
              actor: { id: t.users[actor].id },
            });
            expect(await audited()).toBe(auditedBefore + 1);
            if (STARTS_NEW_RUN.includes(outcome.to) && outcome.to !== status) {
              // What the previous run left is gone, so the new run can record its own.
              expect(res.body).toMatchObject({ stage: null, attempts: 0, result: null, completedAt: null });
            }
            if (outcome.to === 'queued' || outcome.to === 'in_progress') runs.push({ id, after: before + 1 });
          });
        }
      }
    });
  }

  it('every trace an allowed action queued (or left running) then completes a run through the worker', async () => {
    adapter.releaseAll();
    expect(runs.length).toBe(8);
    for (const { id, after } of runs) {
      await reach(
        id,
        (tr) => ['completed', 'not_traceable', 'needs_info', 'failed'].includes(tr.status),
        'the end of its run',
      );
      const events = (await t.as('admin').get(`/traces/${id}/events?limit=200`)).body.items as { type: string }[];
      expect(
        events.slice(after).map((e) => e.type),
        id,
      ).toContain((await row(id)).status === 'failed' ? 'failed' : 'stage_completed');
    }
  }, 120_000);
});

describe('the investigator’s fix-and-resend loop', () => {
  it('a trace the tracing center sent back (needs_info, with a stage) is edited, resubmitted and traced to the end', async () => {
    const id = await traceIn('needs_info');
    const first = await row(id);
    expect(first.stage).toBe('manufacturer');
    const edited = await inv().patch(`/traces/${id}`, { weapon: weapon('TESTOK') });
    expect(edited.status).toBe(200);
    expect(edited.body.weaponId).not.toBe(first.weapon_id);
    const submitted = await inv().post(`/traces/${id}/submit`);
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
    expect(submitted.body).toMatchObject({ status: 'queued', stage: null, attempts: 0 });
    await reach(id, (tr) => tr.status === 'completed', 'completed');
    // The first gun is no longer what any trace of the case is about: it is unlinked from the case, the new one linked.
    const kase = (await inv().get(`/cases/${caseId}`)).body;
    expect(kase.weapons.map((w: { id: string }) => w.id)).not.toContain(first.weapon_id);
    expect(kase.weapons.map((w: { id: string }) => w.id)).toContain(edited.body.weaponId);
    expect((await t.as('admin').get(`/weapons/${first.weapon_id}`)).body.cases).toEqual([]);
  });

  it('resubmitted with a quality flag, it goes through review again and then the worker', async () => {
    const id = await traceIn('needs_info');
    expect((await inv().patch(`/traces/${id}`, { urgent: true, urgentReason: 'Audiencia en 72 horas' })).status).toBe(
      200,
    );
    const submitted = await inv().post(`/traces/${id}/submit`);
    expect(submitted.body).toMatchObject({ status: 'pending_review', stage: null });
    expect((await t.as('advisor').post(`/traces/${id}/approve`)).body.status).toBe('queued');
    await reach(id, (tr) => tr.status === 'needs_info', 'needs_info again (same serial)');
  });

  it('an edit keeps the first gun linked while another trace of the case is still about it', async () => {
    const gun = weapon('SN', 'US');
    const one = await create({ draft: true, weapon: gun });
    await create({ draft: true, weapon: gun, recovery: { date: '2026-09-01', circumstance: 'found' } });
    const weaponId = (await row(one)).weapon_id;
    expect((await inv().patch(`/traces/${one}`, { weapon: weapon('SN', 'US') })).status).toBe(200);
    expect((await inv().get(`/cases/${caseId}`)).body.weapons.map((w: { id: string }) => w.id)).toContain(weaponId);
  });
});

describe('the worker’s transitions go through the same table', () => {
  const RESULT = { outcome: 'not_traceable', reason: 'no_record', sourceCountry: 'AT' };
  const WORKER = { system: 'worker' } as const;
  /** A row put straight into `status` (run 1): the worker's statement is tried against every starting status. */
  async function rowIn(status: TraceStatus): Promise<string> {
    const id = await create({ draft: true });
    const final = status === 'completed' || status === 'not_traceable';
    await t
      .db('traces')
      .where({ id })
      .update({ status, queue_run: 1, result: final ? JSON.stringify(RESULT) : null });
    return id;
  }
  const ends: Record<string, TraceStatus> = {
    complete: 'completed',
    mark_not_traceable: 'not_traceable',
    request_info: 'needs_info',
    fail: 'failed',
  };

  for (const action of ['start', 'complete', 'mark_not_traceable', 'request_info', 'fail'] as const) {
    const from = TRANSITIONS[action].from as readonly (TraceStatus | null)[];
    it(`${action}: allowed only from ${from.join(', ')}`, async () => {
      for (const status of TRACE_STATUSES) {
        const id = await rowIn(status);
        const end =
          action === 'start'
            ? undefined
            : {
                plan: planTransition(action, WORKER),
                status: ends[action]!,
                result: action === 'complete' || action === 'mark_not_traceable' ? (RESULT as never) : undefined,
              };
        const begin = action === 'start';
        const { applied } = await recordProgress(t.db, {
          traceId: id,
          run: 1,
          start: planTransition('start', WORKER),
          begin,
          stages: [],
          end,
        });
        // Beginning a try on an in_progress trace is a resume (a worker died): counted, but not a start.
        const resume = action === 'start' && status === 'in_progress';
        expect(applied, `${action} from ${status}`).toBe(from.includes(status) || resume);
        const row = await t.db('traces').where({ id }).first();
        expect(row.status).toBe(applied ? (end?.status ?? 'in_progress') : status);
        if (resume) expect(await t.db('trace_events').where({ trace_id: id, type: 'started' })).toEqual([]);
        else if (applied) {
          const last = await t.db('trace_events').where({ trace_id: id }).orderBy('id', 'desc').first();
          expect(last).toMatchObject({ to_status: row.status, actor_id: null });
        }
      }
    });
  }

  it('a user may not perform a system transition', () => {
    const ctx = {
      actor: {
        ...t.users.advisor,
        agency: { id: t.home.id, code: t.home.code, name: '', country: 'SV', region: t.region },
      },
      requestId: 'r',
      ip: null,
    };
    expect(() => planTransition('start', { ctx })).toThrow(expect.objectContaining({ status: 403 }));
  });
});
