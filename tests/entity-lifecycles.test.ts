import { describe, expect, it } from 'vitest';
import { ALERT_LIFECYCLE } from '../src/alerts/transitions.ts';
import { DESTRUCTION_LIFECYCLE } from '../src/destructions/transitions.ts';
import { STOLEN_REPORT_LIFECYCLE } from '../src/registry/transitions.ts';
import { mayTake, type Step } from '../src/shared/lifecycle.ts';
import { ROLES, type Role } from '../src/shared/actor.ts';
import { HOLD_LIFECYCLE, ITEM_LIFECYCLE } from '../src/stockpile/transitions.ts';
import { DELIVERY_LIFECYCLE } from '../src/webhooks/transitions.ts';
import { STOCKTAKE_LIFECYCLE } from '../src/stocktakes/transitions.ts';
import {
  createUser,
  intakeItem,
  stockWeapon,
  traceBody,
  createCase,
  unique,
  useWorld,
  type Reply,
} from './support/harness.ts';

/**
 * Every status × action × role of each entity's lifecycle table, over HTTP: the table says 200, the route says 403 for a
 * role it does not admit, and everything else is a 409 that changes nothing. The tables are the ones the services and
 * the web UI's buttons read, so this walks the same rules they follow.
 */
const t = useWorld();

type Caller = Role;
const as = (role: Caller) =>
  t.client.as(
    (
      {
        investigator: t.users.investigator,
        advisor: t.users.advisor,
        stockpile_manager: t.users.stockpile,
        admin: t.users.admin,
      } as const
    )[role].token,
  );

/** The expected answer for a person (not the system) taking `action` from `status`. */
function expected<S extends string>(step: Step<S>, status: S, role: Role): number {
  if (!step.by.includes(role)) return 403;
  return step.from.includes(status) ? 200 : 409;
}

describe('every lifecycle table matches its schema and its database', () => {
  it('lists exactly the statuses the schema and the CHECK constraint allow', async () => {
    const checks = async (table: string) =>
      (
        await t.db.raw(
          `SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = ?::regclass AND contype = 'c' AND pg_get_constraintdef(oid) LIKE '%status%ANY%'`,
          [table],
        )
      ).rows.map((r: { def: string }) => [...r.def.matchAll(/'(\w+)'::text/g)].map((m) => m[1]).sort());
    expect(await checks('alerts')).toContainEqual([...ALERT_LIFECYCLE.states].sort());
    expect(await checks('stolen_reports')).toContainEqual([...STOLEN_REPORT_LIFECYCLE.states].sort());
    expect(await checks('destruction_events')).toContainEqual([...DESTRUCTION_LIFECYCLE.states].sort());
    expect(await checks('stockpile_items')).toContainEqual([...ITEM_LIFECYCLE.states].sort());
    expect(await checks('webhook_deliveries')).toContainEqual([...DELIVERY_LIFECYCLE.states].sort());
    expect(await checks('stocktakes')).toContainEqual([...STOCKTAKE_LIFECYCLE.states].sort());
  });

  it('lets only the service take the system steps (raise an alert, make a delivery)', () => {
    for (const role of ROLES) {
      expect(mayTake(ALERT_LIFECYCLE, 'raise', null, role)).toBe(false);
      for (const action of Object.keys(DELIVERY_LIFECYCLE.steps) as (keyof typeof DELIVERY_LIFECYCLE.steps)[]) {
        expect(mayTake(DELIVERY_LIFECYCLE, action, 'pending', role)).toBe(false);
      }
    }
  });
});

/** An alert about a gun reported stolen by another region's agency and traced here: it concerns every role of home. */
async function alertIn(status: 'open' | 'acknowledged' | 'closed') {
  const weapon = stockWeapon(unique('LC'));
  expect(
    (
      await t.as('farInvestigator').post('/stolen-reports', {
        weapon,
        kind: 'stolen',
        lostOn: '2026-09-01',
        sourceType: 'civilian',
        circumstances: 'Robada',
      })
    ).status,
  ).toBe(201);
  const kase = await createCase(t.client, t.users.investigator.token);
  const trace = (await t.as('investigator').post('/traces', traceBody(kase.id, { weapon }))).body;
  const alert = await t.db('alerts').where({ subject_id: trace.id, kind: 'stolen_match' }).first();
  if (status !== 'open') expect((await as('advisor').post(`/alerts/${alert.id}/acknowledge`, {})).status).toBe(200);
  if (status === 'closed')
    expect((await as('advisor').post(`/alerts/${alert.id}/close`, { note: 'Revisada' })).status).toBe(200);
  return alert.id as string;
}

describe('alerts: every status × action × role', () => {
  for (const status of ALERT_LIFECYCLE.states) {
    for (const action of ['acknowledge', 'close'] as const) {
      it(`${action} an alert that is ${status}`, async () => {
        for (const role of ROLES) {
          const id = await alertIn(status);
          const reply = await as(role).post(`/alerts/${id}/${action}`, action === 'close' ? { note: 'Cerrada' } : {});
          const want = expected(ALERT_LIFECYCLE.steps[action], status, role);
          expect(reply.status, `${role}`).toBe(want);
          const after = await t.db('alerts').where({ id }).first();
          expect(after.status, role).toBe(want === 200 ? ALERT_LIFECYCLE.steps[action].to : status);
        }
      });
    }
  }
});

describe('stolen reports: every status × action × role', () => {
  const reportIn = async (status: 'active' | 'recovered' | 'withdrawn') => {
    const id = (
      await as('investigator').post('/stolen-reports', {
        weapon: stockWeapon(unique('LR')),
        kind: 'lost',
        lostOn: '2026-09-01',
        sourceType: 'police_issue',
        circumstances: 'Extraviada',
      })
    ).body.id as string;
    if (status === 'recovered')
      expect((await as('investigator').post(`/stolen-reports/${id}/recovered`, {})).status).toBe(200);
    if (status === 'withdrawn')
      expect((await as('investigator').post(`/stolen-reports/${id}/withdraw`, { reason: 'Duplicado' })).status).toBe(
        200,
      );
    return id;
  };
  const paths = { recover: ['recovered', {}], withdraw: ['withdraw', { reason: 'Error de registro' }] } as const;
  for (const status of STOLEN_REPORT_LIFECYCLE.states) {
    for (const action of ['recover', 'withdraw'] as const) {
      it(`${action} a report that is ${status}`, async () => {
        for (const role of ROLES) {
          const id = await reportIn(status);
          const [path, body] = paths[action];
          const reply = await as(role).post(`/stolen-reports/${id}/${path}`, body);
          const want = expected(STOLEN_REPORT_LIFECYCLE.steps[action], status, role);
          expect(reply.status, role).toBe(want);
          expect((await t.db('stolen_reports').where({ id }).first()).status, role).toBe(
            want === 200 ? STOLEN_REPORT_LIFECYCLE.steps[action].to : status,
          );
        }
      });
    }
  }
  it("another agency's report is not found, whatever its status (the guard: the reporting agency)", async () => {
    const id = await reportIn('active');
    expect((await t.as('neighbourInvestigator').post(`/stolen-reports/${id}/recovered`, {})).status).toBe(404);
  });
});

describe('destructions: every status × action × role', () => {
  const witnesses = [
    { name: 'Lic. Ana Rivas', organization: 'Fiscalía General' },
    { name: 'John Miller', organization: 'US Embassy (INL)' },
  ];
  let completer: Awaited<ReturnType<typeof createUser>> | undefined;
  /** Completed by a second manager, so the home manager and the advisor are independent verifiers. */
  const destructionIn = async (status: 'planned' | 'completed' | 'verified') => {
    completer ??= await createUser(t.db, t.home.id, 'stockpile_manager');
    const items = [
      await intakeItem(t.client, t.users.stockpile.token),
      await intakeItem(t.client, t.users.stockpile.token),
    ];
    const plan = (
      await as('stockpile_manager').post('/destructions', {
        plannedFor: '2026-12-20',
        method: 'cutting',
        location: 'Bodega',
        itemIds: items.map((i) => i.id),
      })
    ).body;
    if (status !== 'planned')
      expect(
        (
          await t.client
            .as(completer.token)
            .post(`/destructions/${plan.id}/complete`, { performedAt: '2026-11-20T10:00:00Z', witnesses })
        ).status,
      ).toBe(200);
    if (status === 'verified')
      expect((await as('advisor').post(`/destructions/${plan.id}/verify`, {})).status).toBe(200);
    return { id: plan.id as string, itemId: items[0]!.id };
  };
  const send = (
    role: Role,
    action: 'complete' | 'verify' | 'remove_item',
    d: { id: string; itemId: string },
  ): Promise<Reply> =>
    action === 'remove_item'
      ? as(role).delete(`/destructions/${d.id}/items/${d.itemId}`)
      : as(role).post(
          `/destructions/${d.id}/${action}`,
          action === 'complete' ? { performedAt: '2026-11-21T10:00:00Z', witnesses } : {},
        );
  for (const status of DESTRUCTION_LIFECYCLE.states) {
    for (const action of ['complete', 'verify', 'remove_item'] as const) {
      it(`${action} a destruction that is ${status}`, async () => {
        for (const role of ROLES) {
          const d = await destructionIn(status);
          const reply = await send(role, action, d);
          const want = expected(DESTRUCTION_LIFECYCLE.steps[action], status, role);
          expect(reply.status, role).toBe(want === 200 && action === 'remove_item' ? 204 : want);
          expect((await t.db('destruction_events').where({ id: d.id }).first()).status, role).toBe(
            want === 200 ? DESTRUCTION_LIFECYCLE.steps[action].to : status,
          );
        }
      });
    }
  }
  it('the guard of verify: never the person who completed it', async () => {
    const d = await destructionIn('completed');
    expect((await t.client.as(completer!.token).post(`/destructions/${d.id}/verify`, {})).status).toBe(409);
  });
});

describe('evidence holds: every state × action × role', () => {
  for (const state of HOLD_LIFECYCLE.states) {
    for (const action of ['hold', 'release_hold'] as const) {
      it(`${action} on an item that is ${state}`, async () => {
        for (const role of ROLES) {
          const item = await intakeItem(t.client, t.users.stockpile.token, { evidenceHold: state === 'held' });
          const reply = await as(role).post(
            `/stockpile/items/${item.id}/${action === 'hold' ? 'hold' : 'release-hold'}`,
            { reason: 'Orden judicial 123-2026' },
          );
          const want = expected(HOLD_LIFECYCLE.steps[action], state, role);
          expect(reply.status, role).toBe(want);
          const held = (await t.db('stockpile_items').where({ id: item.id }).first()).evidence_hold;
          expect(held ? 'held' : 'free', role).toBe(want === 200 ? HOLD_LIFECYCLE.steps[action].to : state);
        }
      });
    }
  }
});

describe('stocktakes: every status × action × role', () => {
  let opener: Awaited<ReturnType<typeof createUser>> | undefined;
  /** Opened by a second manager, so the home manager may close it; one item in its store. */
  const stocktakeIn = async (status: 'open' | 'counting' | 'closed') => {
    opener ??= await createUser(t.db, t.home.id, 'stockpile_manager');
    const storageLocation = `Bodega ${unique()}`;
    const item = await intakeItem(t.client, t.users.stockpile.token, { storageLocation });
    const opened = (await t.client.as(opener.token).post('/stockpile/stocktakes', { storageLocation })).body;
    if (status !== 'open')
      expect(
        (
          await t.client
            .as(opener.token)
            .post(`/stockpile/stocktakes/${opened.id}/counts`, { itemReference: item.reference })
        ).status,
      ).toBe(200);
    if (status === 'closed')
      expect(
        (await as('stockpile_manager').post(`/stockpile/stocktakes/${opened.id}/close`, { note: 'ok' })).status,
      ).toBe(200);
    return { id: opened.id as string, storageLocation, reference: item.reference };
  };
  for (const status of STOCKTAKE_LIFECYCLE.states) {
    for (const action of ['count', 'close'] as const) {
      it(`${action} a stocktake that is ${status}`, async () => {
        for (const role of ROLES) {
          const st = await stocktakeIn(status);
          const reply = await as(role).post(
            `/stockpile/stocktakes/${st.id}/${action === 'count' ? 'counts' : 'close'}`,
            action === 'count' ? { itemReference: st.reference } : { note: 'Cierre' },
          );
          const want = expected(STOCKTAKE_LIFECYCLE.steps[action], status, role);
          expect(reply.status, role).toBe(want);
          expect((await t.db('stocktakes').where({ id: st.id }).first()).status, role).toBe(
            want === 200 ? STOCKTAKE_LIFECYCLE.steps[action].to : status,
          );
        }
      });
    }
  }
  it('open: only a stockpile manager; and the guard of close: never the one who opened it', async () => {
    for (const role of ROLES)
      expect(
        (await as(role).post('/stockpile/stocktakes', { storageLocation: `Bodega ${unique()}` })).status,
        role,
      ).toBe(mayTake(STOCKTAKE_LIFECYCLE, 'open', null, role) ? 201 : 403);
    const st = await stocktakeIn('counting');
    expect((await t.client.as(opener!.token).post(`/stockpile/stocktakes/${st.id}/close`, { note: 'x' })).status).toBe(
      403,
    );
  });
});
