import { beforeAll, describe, expect, it } from 'vitest';
import { createCase, traceBody, unique, useWorld } from './support/harness.ts';

const t = useWorld();

let caseId: string;

beforeAll(async () => {
  caseId = (await createCase(t.client, t.users.investigator.token)).id;
});

describe('Idempotency-Key', () => {
  it('replays the original status and body for the same key and body', async () => {
    const client = t.client.as(t.users.investigator.token);
    const key = unique('key-');
    const body = traceBody(caseId);
    const first = await client.post('/traces', body, { 'idempotency-key': key });
    const second = await client.post('/traces', body, { 'idempotency-key': key });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(await t.db('traces').where({ case_id: caseId, weapon_id: first.body.weaponId })).toHaveLength(1);
  });

  it('answers 409 when the key is reused with a different body', async () => {
    const client = t.client.as(t.users.investigator.token);
    const key = unique('key-');
    expect((await client.post('/traces', traceBody(caseId), { 'idempotency-key': key })).status).toBe(201);
    const reuse = await client.post('/traces', traceBody(caseId), { 'idempotency-key': key });
    expect(reuse.status).toBe(409);
    expect(reuse.body.type).toBe('/problems/idempotency-key-reused');
  });

  it('keeps keys per user: another user with the same key creates its own record', async () => {
    const key = unique('key-');
    const mine = await t.client
      .as(t.users.investigator.token)
      .post('/cases', { caseNumber: unique('K-'), title: 't', offense: 'robbery' }, { 'idempotency-key': key });
    const theirs = await t.client
      .as(t.users.neighbourInvestigator.token)
      .post('/cases', { caseNumber: unique('K-'), title: 't', offense: 'robbery' }, { 'idempotency-key': key });
    expect([mine.status, theirs.status]).toEqual([201, 201]);
    expect(theirs.body.id).not.toBe(mine.body.id);
  });

  it('does not store a failed attempt: the same key works once the request is fixed', async () => {
    const client = t.client.as(t.users.investigator.token);
    const key = unique('key-');
    const body = { caseNumber: unique('K-'), title: 'Extorsión', offense: 'extortion' };
    expect((await client.post('/cases', { ...body, offense: 'nope' }, { 'idempotency-key': key })).status).toBe(400);
    expect((await client.post('/cases', body, { 'idempotency-key': key })).status).toBe(201);
  });

  it('20 concurrent requests with the same key create exactly one trace and all get its body', async () => {
    const client = t.client.as(t.users.investigator.token);
    const key = unique('key-');
    const body = traceBody(caseId);
    const replies = await Promise.all(
      Array.from({ length: 20 }, () => client.post('/traces', body, { 'idempotency-key': key })),
    );
    const created = replies.filter((r) => r.status === 201);
    expect(created.length + replies.filter((r) => r.status === 409).length).toBe(20);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(new Set(created.map((r) => r.body.id)).size).toBe(1);
    const rows = await t
      .db('traces as t')
      .join('weapons as w', 'w.id', 't.weapon_id')
      .where('w.serial_number', body.weapon.serialNumber);
    expect(rows).toHaveLength(1);
  });

  it('rejects a malformed key', async () => {
    const res = await t.client
      .as(t.users.investigator.token)
      .post(
        '/cases',
        { caseNumber: unique('K-'), title: 't', offense: 'other' },
        { 'idempotency-key': 'x'.repeat(256) },
      );
    expect(res.status).toBe(400);
  });
});
