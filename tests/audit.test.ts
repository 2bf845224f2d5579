import { describe, expect, it } from 'vitest';
import { createCase, traceBody, unique, useWorld } from './support/harness.ts';

const t = useWorld();

const inv = () => t.client.as(t.users.investigator.token);

async function settle(id: string, status: string, result: Record<string, unknown> | null) {
  await t
    .db('traces')
    .where({ id })
    .update({ status, result: result ? JSON.stringify(result) : null });
}

const PURCHASER_IDENTIFIED = {
  outcome: 'purchaser_identified',
  dealer: { name: 'Lone Star Guns', licenseNumber: '5-74-113-01-2C-04123', city: 'Houston', state: 'TX' },
  sourceCountry: 'US',
  saleDate: '2025-01-01',
  timeToCrimeDays: 273,
  purchaser: { firstName: 'Mary', lastName: 'Jones', dateOfBirth: '1970-01-01', city: 'Phoenix', state: 'AZ' },
};

describe('audit trail', () => {
  it('records a read of purchaser data, a failed authentication and a refused cross-agency read, readable by admins', async () => {
    const kase = await createCase(t.client, t.users.investigator.token);
    const trace = (await inv().post('/traces', traceBody(kase.id, { possessor: undefined }))).body;
    await settle(trace.id, 'completed', PURCHASER_IDENTIFIED);
    const requestId = `audit-${unique()}`;
    await t.client.as(t.users.advisor.token).get(`/traces/${trace.id}`, { 'x-request-id': requestId });
    expect(
      await t.client.get('/me', {
        authorization: 'Bearer rst_nottherealtokennottherealtoken',
        'x-request-id': `${requestId}-login`,
      }),
    ).toMatchObject({ status: 401 });
    expect(
      (
        await t.client
          .as(t.users.farInvestigator.token)
          .get(`/traces/${trace.id}`, { 'x-request-id': `${requestId}-cross` })
      ).status,
    ).toBe(404);

    const admin = t.client.as(t.users.admin.token);
    const read = await admin.get(`/audit?entity=trace&entityId=${trace.id}&action=trace.personal_data_read`);
    expect(read.body.items[0]).toMatchObject({
      component: 'api',
      action: 'trace.personal_data_read',
      outcome: 'success',
      actorId: t.users.advisor.id,
      role: 'advisor',
      agencyId: t.home.id,
      entity: 'trace',
      entityId: trace.id,
      requestId,
      ip: expect.stringContaining('127.0.0.1'),
    });
    const failed = await admin.get('/audit?action=auth.failed&outcome=failure&limit=200');
    expect(failed.body.items.find((e: any) => e.requestId === `${requestId}-login`)).toMatchObject({
      actorId: null,
      component: 'api',
      ip: expect.any(String),
    });
    const refused = await admin.get(`/audit?actorId=${t.users.farInvestigator.id}&action=access.refused`);
    expect(refused.body.items[0]).toMatchObject({
      outcome: 'denied',
      role: 'investigator',
      agencyId: t.faraway.id,
      requestId: `${requestId}-cross`,
      details: { status: 404, method: 'GET', path: `/api/v1/traces/${trace.id}` },
    });

    const reads = await t.db('audit_log').where({ action: 'audit.read', actor_id: t.users.admin.id });
    expect(reads.length).toBeGreaterThanOrEqual(3);
    expect((await inv().get('/audit')).status).toBe(403);
  });

  it('audits every read path that shows possessor or purchaser data: one trace, a list, the review queue; never a stockpile manager', async () => {
    const kase = await createCase(t.client, t.users.investigator.token);
    const trace = (await inv().post('/traces', traceBody(kase.id, { urgent: true, urgentReason: 'Audiencia' }))).body;
    expect(trace.status).toBe('pending_review');
    const reads = async (actorId: string) =>
      (await t.db('audit_log').where({ action: 'trace.personal_data_read', actor_id: actorId })).filter((row) =>
        row.details.traceIds.includes(trace.id),
      ).length;
    const before = await reads(t.users.advisor.id);
    const advisor = t.client.as(t.users.advisor.token);
    expect((await advisor.get(`/traces/${trace.id}`)).body.possessor).not.toBeNull();
    expect((await advisor.get(`/traces?caseId=${kase.id}`)).body.items[0].possessor).not.toBeNull();
    const queued = (await advisor.get('/queue?limit=200')).body.items.find(
      (item: { id: string }) => item.id === trace.id,
    );
    expect(queued.possessor).toMatchObject({ firstName: 'Juan' });
    expect(await reads(t.users.advisor.id)).toBe(before + 3);
    // A stockpile manager sees the trace without personal data, so nothing personal was read.
    expect((await t.client.as(t.users.stockpile.token).get(`/traces/${trace.id}`)).body.possessor).toBeNull();
    expect(await reads(t.users.stockpile.id)).toBe(0);
  });

  it('a page read records the traces it shows with personal data, in page order, not the one read ahead or those without any', async () => {
    const kase = await createCase(t.client, t.users.investigator.token);
    const create = async (overrides: Record<string, unknown> = {}) =>
      (await inv().post('/traces', traceBody(kase.id, overrides))).body.id as string;
    const oldest = await create();
    const bare = await create({ possessor: undefined });
    const purchased = await create({ possessor: undefined });
    await settle(purchased, 'completed', PURCHASER_IDENTIFIED);
    const newest = await create();
    const requestId = `page-${unique()}`;
    const page = await t.client
      .as(t.users.advisor.token)
      .get(`/traces?caseId=${kase.id}&limit=3`, { 'x-request-id': requestId });
    expect(page.body.items.map((item: { id: string }) => item.id)).toEqual([newest, purchased, bare]);
    const entries = await t.db('audit_log').where({ action: 'trace.personal_data_read', request_id: requestId });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ entity_id: null, details: { traceIds: [newest, purchased] } });
    // The oldest was read ahead only, to tell that a next page exists: the next page shows it, and records it then.
    const next = await t.client
      .as(t.users.advisor.token)
      .get(`/traces?caseId=${kase.id}&limit=3&cursor=${page.body.nextCursor}`, {
        'x-request-id': `${requestId}-next`,
      });
    expect(next.body.items.map((item: { id: string }) => item.id)).toEqual([oldest]);
    const nextEntries = await t
      .db('audit_log')
      .where({ action: 'trace.personal_data_read', request_id: `${requestId}-next` });
    expect(nextEntries).toMatchObject([{ entity_id: oldest, details: { traceIds: [oldest] } }]);
    // A page with nothing personal on it records nothing.
    const quiet = `${requestId}-quiet`;
    await t.client.as(t.users.advisor.token).get(`/traces/${bare}`, { 'x-request-id': quiet });
    expect(await t.db('audit_log').where({ action: 'trace.personal_data_read', request_id: quiet })).toEqual([]);
  });

  it('pages the audit log newest first with a cursor and time filters', async () => {
    const admin = t.client.as(t.users.admin.token);
    const from = new Date(Date.now() - 60_000).toISOString();
    const first = await admin.get(`/audit?limit=3&from=${from}`);
    expect(first.body.items).toHaveLength(3);
    const second = await admin.get(`/audit?limit=3&from=${from}&cursor=${first.body.nextCursor}`);
    expect(second.body.items[0].id).toBeLessThan(first.body.items[2].id);
    expect((await admin.get(`/audit?to=${from}&from=${from}`)).body.items).toEqual([]);
  });
});
