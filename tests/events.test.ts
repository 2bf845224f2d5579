import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { stagesFor } from '../src/traces/rules.ts';
import { createCase, traceBody, useWorld } from './support/harness.ts';
import { spawnApi, waitFor } from './support/processes.ts';
import { openStream, type StreamMessage } from './support/receivers.ts';

const t = useWorld({ privateDatabase: true, worker: { ADAPTER_LATENCY_MS: '20' } });

/** A trace's status changes on a stream (its stages are events of their own: `stagesOf`). */
const about = (messages: StreamMessage[], traceId: string) =>
  messages.filter((m) => m.data.data.traceId === traceId && m.event === 'trace.status_changed');
const stagesOf = (messages: StreamMessage[], traceId: string) =>
  messages.filter((m) => m.data.data.traceId === traceId && m.event === 'trace.stage_completed');

describe('GET /events/stream', () => {
  it('tells the client how long to wait before reconnecting (retry:) in its first message', async () => {
    const stream = await openStream(t.client.baseUrl, t.users.investigator.token);
    await waitFor(async () => stream.retry !== undefined, 'the retry field');
    expect(Number(stream.retry)).toBeGreaterThan(0);
    await stream.close();
  });

  it('a burst of commits (one NOTIFY each, read together while a read waits its turn) reaches the stream whole: each event once, each trace’s in order', async () => {
    const stream = await openStream(t.client.baseUrl, t.users.investigator.token);
    const kase = await createCase(t.client, t.users.investigator.token);
    const created = await Promise.all(
      Array.from({ length: 40 }, async () => (await t.as('investigator').post('/traces', traceBody(kase.id))).body),
    );
    const ids = new Set(created.map((trace: { id: string }) => trace.id));
    const ours = () => stream.messages.filter((m) => ids.has(m.data.data.traceId));
    const FINAL = ['completed', 'not_traceable', 'needs_info'];
    await waitFor(
      async () => created.every((trace) => about(ours(), trace.id).some((m) => FINAL.includes(m.data.data.toStatus))),
      'every trace at its final status on the stream',
      60_000,
    );
    const eventIds = ours().map((m) => Number(m.id));
    expect(new Set(eventIds).size).toBe(eventIds.length);
    for (const trace of created) {
      const statuses = about(ours(), trace.id).map((m) => m.data.data.toStatus);
      expect(statuses.slice(0, 2)).toEqual(['queued', 'in_progress']);
      expect(statuses).toHaveLength(3);
      const ids = about(ours(), trace.id).map((m) => Number(m.id));
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
    }
    await stream.close();
  }, 90_000);

  it('delivers a trace’s transitions in order, to those who may read it and no one else', async () => {
    const own = await openStream(t.client.baseUrl, t.users.investigator.token);
    const advisor = await openStream(t.client.baseUrl, t.users.advisor.token);
    const stranger = await openStream(t.client.baseUrl, t.users.farInvestigator.token);
    expect(own.status).toBe(200);
    expect(own.contentType).toContain('text/event-stream');
    const kase = await createCase(t.client, t.users.investigator.token);
    const trace = (
      await t.as('investigator').post(
        '/traces',
        traceBody(kase.id, {
          weapon: { ...traceBody(kase.id).weapon, serialNumber: `TESTOK-${kase.id.slice(0, 8)}` },
        }),
      )
    ).body;

    await waitFor(
      async () => about(own.messages, trace.id).some((m) => m.data.data.toStatus === 'completed'),
      'completed on the stream',
    );
    const seen = about(own.messages, trace.id);
    expect(seen.map((m) => [m.data.data.fromStatus, m.data.data.toStatus])).toEqual([
      [null, 'queued'],
      ['queued', 'in_progress'],
      ['in_progress', 'completed'],
    ]);
    expect(seen.every((m) => m.event === 'trace.status_changed' && m.id === m.data.id)).toBe(true);
    expect(seen.map((m) => Number(m.id))).toEqual([...seen.map((m) => Number(m.id))].sort((a, b) => a - b));
    expect(seen.at(-1)!.data.data).toMatchObject({
      traceId: trace.id,
      reference: trace.reference,
      agencyId: t.home.id,
      outcome: 'purchaser_identified',
    });
    // Each stage the tracing center answered, in order, between the start and the end (the page follows them live).
    const stages = stagesOf(own.messages, trace.id);
    expect(stages.map((m) => m.data.data.stage)).toEqual(stagesFor(trace.weapon));
    expect(stages.every((m) => m.id === m.data.id && Object.keys(m.data.data).length === 4)).toBe(true);
    expect(stages[0]!.data.data).toEqual({
      traceId: trace.id,
      reference: trace.reference,
      agencyId: t.home.id,
      stage: 'manufacturer',
    });
    const ids = [seen[1]!, ...stages, seen[2]!].map((m) => Number(m.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(JSON.stringify([...seen, ...stages])).not.toContain('Pérez');
    await waitFor(async () => about(advisor.messages, trace.id).length === 3, 'the advisor of the region sees it too');
    expect(stranger.messages.filter((m) => m.data.data.traceId === trace.id)).toEqual([]);
    for (const stream of [own, advisor, stranger]) await stream.close();
  });

  it('replays what came after Last-Event-ID on a reconnect, not what came before it — even while another database holds a transaction open', async () => {
    // A long transaction anywhere in the cluster (a bench seeding another database) holds every snapshot's xmin back:
    // the replay must still leave out what was committed before Last-Event-ID.
    const elsewhere = new pg.Client({ connectionString: t.databaseUrl.replace(/\/[^/]*$/, '/postgres') });
    await elsewhere.connect();
    await elsewhere.query('BEGIN');
    await elsewhere.query('SELECT pg_current_xact_id()');
    const warmup = await createCase(t.client, t.users.investigator.token);
    await t.as('investigator').post('/traces', traceBody(warmup.id, { draft: true }));
    const first = await openStream(t.client.baseUrl, t.users.investigator.token);
    const kase = await createCase(t.client, t.users.investigator.token);
    const before = (await t.as('investigator').post('/traces', traceBody(kase.id, { draft: true }))).body;
    await waitFor(async () => about(first.messages, before.id).length > 0, 'the draft’s event');
    const lastId = about(first.messages, before.id).at(-1)!.id;
    await first.close();

    // While disconnected: a submission and a new draft.
    await t.as('investigator').post(`/traces/${before.id}/submit`);
    const missed = (await t.as('investigator').post('/traces', traceBody(kase.id, { draft: true }))).body;

    // A Last-Event-ID that is malformed or names no stored event is refused with 400 (never a silent, dead stream).
    for (const hostile of ['abc', '-1', '01', '1'.repeat(40), '18446744073709551617', '9223372036854775807', '0']) {
      const odd = await t.as('investigator').get('/events/stream', { 'last-event-id': hostile });
      expect(odd.status, hostile).toBe(400);
      expect(odd.body.errors).toEqual([expect.objectContaining({ path: '/header/Last-Event-ID' })]);
    }
    const again = await openStream(t.client.baseUrl, t.users.investigator.token, lastId);
    await waitFor(async () => about(again.messages, missed.id).length > 0, 'the missed events');
    const ids = again.messages.map((m) => Number(m.id));
    expect(Math.min(...ids)).toBeGreaterThan(Number(lastId));
    expect(about(again.messages, before.id).map((m) => m.data.data.toStatus)[0]).toBe('queued');
    expect(new Set(ids).size).toBe(ids.length);
    await again.close();
    await elsewhere.query('ROLLBACK');
    await elsewhere.end();
  });

  it('serves events made through another API process; counts its open streams; ends them at once when shutting down', async () => {
    const api = await spawnApi({ DATABASE_URL: t.databaseUrl, SHUTDOWN_TIMEOUT_MS: '20000', LOG_LEVEL: 'info' });
    const stream = await openStream(api.url, t.users.investigator.token);
    expect(stream.status).toBe(200);
    expect(await (await fetch(`${api.url}/metrics`)).text()).toMatch(/^rastreo_event_streams_open 1$/m);
    // The change goes through the in-process API; the other process hears of it from PostgreSQL.
    const kase = await createCase(t.client, t.users.investigator.token);
    const draft = (await t.as('investigator').post('/traces', traceBody(kase.id, { draft: true }))).body;
    await waitFor(async () => about(stream.messages, draft.id).length === 1, 'the event on the other process’s stream');
    await api.kill('SIGTERM');
    await waitFor(async () => stream.ended, 'the stream to end');
    expect(api.output()).not.toContain('connections still open at the shutdown deadline');
    await stream.close();
  });
});
