import { describe, expect, it } from 'vitest';
import { createCase, traceBody, unique, useWorld } from './support/harness.ts';
import { HoldingAdapter, startInProcessWorker } from './support/holding-adapter.ts';
import { freePort, waitFor } from './support/processes.ts';

const t = useWorld({ privateDatabase: true, worker: { TRACE_MAX_ATTEMPTS: '3' } });

const FINAL = ['completed', 'not_traceable', 'needs_info', 'failed'];
const inv = () => t.client.as(t.users.investigator.token);

async function submit(serialPrefix: string, country: string, caseId: string, extra: Record<string, unknown> = {}) {
  const weapon = {
    manufacturer: 'Glock',
    model: '19',
    caliber: '9mm',
    type: 'pistol',
    serialNumber: unique(serialPrefix),
    countryOfManufacture: country,
    ...(country === 'US' ? {} : { importer: 'Glock Inc.' }),
  };
  const res = await inv().post('/traces', traceBody(caseId, { weapon, ...extra }));
  expect(res.status).toBe(201);
  return res.body as { id: string };
}

const settled = (id: string) =>
  waitFor(async () => {
    const res = await inv().get(`/traces/${id}`);
    return FINAL.includes(res.body.status) && res.body;
  }, `trace ${id} to settle`);

const eventsOf = async (id: string) =>
  (await inv().get(`/traces/${id}/events?limit=200`)).body.items as {
    type: string;
    stage?: string;
    fromStatus: string | null;
    toStatus: string;
    message?: string;
    actor: unknown;
    messageCode?: string;
    messageParams?: Record<string, unknown>;
  }[];
const steps = (events: Awaited<ReturnType<typeof eventsOf>>) =>
  events.map((e) => (e.type === 'stage_completed' ? `stage:${e.stage}` : e.type));

describe('the trace pipeline (real worker process, Redis and PostgreSQL)', () => {
  const cases: {
    serial: string;
    country: string;
    status: string;
    outcome?: string;
    reason?: string;
    steps: string[];
  }[] = [
    {
      serial: 'TESTOK',
      country: 'US',
      status: 'completed',
      outcome: 'purchaser_identified',
      steps: ['manufacturer', 'dealer', 'purchaser'],
    },
    {
      serial: 'TESTOK',
      country: 'AT',
      status: 'completed',
      outcome: 'purchaser_identified',
      steps: ['manufacturer', 'importer', 'dealer', 'purchaser'],
    },
    {
      serial: 'TESTDEALER',
      country: 'US',
      status: 'completed',
      outcome: 'dealer_identified',
      steps: ['manufacturer', 'dealer', 'purchaser'],
    },
    {
      serial: 'TESTNOREC',
      country: 'US',
      status: 'not_traceable',
      outcome: 'not_traceable',
      reason: 'no_record',
      steps: ['manufacturer'],
    },
    {
      serial: 'TESTPRE68',
      country: 'US',
      status: 'not_traceable',
      outcome: 'not_traceable',
      reason: 'pre_1968',
      steps: ['manufacturer'],
    },
    { serial: 'TESTINFO', country: 'AT', status: 'needs_info', steps: ['manufacturer'] },
    {
      serial: 'TESTFLAKY',
      country: 'US',
      status: 'completed',
      outcome: 'purchaser_identified',
      steps: ['manufacturer', 'dealer', 'purchaser'],
    },
    { serial: 'TESTDOWN', country: 'US', status: 'failed', steps: [] },
    {
      serial: 'TESTSTRAW',
      country: 'AT',
      status: 'completed',
      outcome: 'purchaser_identified',
      steps: ['manufacturer', 'importer', 'dealer', 'purchaser'],
    },
  ];

  it.each(cases)('$serial ($country) → $status $outcome $reason with its stage events in order', async (expected) => {
    const kase = await createCase(t.client, t.users.investigator.token);
    const { id } = await submit(expected.serial, expected.country, kase.id);
    const trace = await settled(id);
    expect(trace.status).toBe(expected.status);
    const events = await eventsOf(id);
    const stageSteps = expected.steps.map((s) => `stage:${s}`);
    const last = { completed: 'completed', not_traceable: 'not_traceable', needs_info: 'needs_info', failed: 'failed' }[
      expected.status
    ]!;
    expect(steps(events)).toEqual(['submitted', 'started', ...stageSteps, last]);
    expect(events.find((e) => e.type === 'started')?.actor).toEqual({ system: 'worker' });
    if (expected.outcome) {
      expect(trace.result.outcome).toBe(expected.outcome);
      expect(trace.completedAt).not.toBeNull();
    } else {
      expect(trace.result).toBeNull();
    }
    if (expected.reason) expect(trace.result.reason).toBe(expected.reason);
    if (expected.outcome === 'purchaser_identified') {
      const { result } = trace;
      expect(result.dealer.licenseNumber).toMatch(/^\d-\d{2}-\d{3}-\d{2}-\d[A-Z]-\d{5}$/);
      expect(result.purchaser).toMatchObject({ firstName: expect.any(String), lastName: expect.any(String) });
      expect(result.saleDate < trace.recovery.date).toBe(true);
      const days = Math.round((Date.parse(trace.recovery.date) - Date.parse(result.saleDate)) / 86_400_000);
      expect(result.timeToCrimeDays).toBe(days);
      expect(result.sourceCountry).toBe('US');
      if (expected.country !== 'US') expect(result.importer).toBe('Glock Inc.');
    }
    if (expected.status === 'needs_info') {
      expect(events.at(-1)!.message).toMatch(/serial number/);
      expect(events.at(-1)).toMatchObject({
        messageCode: 'no_serial_record',
        messageParams: { manufacturer: 'Glock', model: '19', caliber: '9mm', serial: trace.weapon.serialNumber },
      });
    }
    if (expected.serial === 'TESTFLAKY') expect(trace.attempts).toBe(3);
    if (expected.serial === 'TESTDOWN') {
      expect(trace.attempts).toBe(3);
      expect(events.at(-1)!.message).toMatch(/unavailable after 3 attempts/);
      expect(events.at(-1)).toMatchObject({ messageCode: 'center_unavailable', messageParams: { attempts: 3 } });
    }
  });

  it('shows the result on the trace, its case and its weapon', async () => {
    const kase = await createCase(t.client, t.users.investigator.token);
    const { id } = await submit('TESTOK', 'US', kase.id);
    const trace = await settled(id);
    const caseView = await inv().get(`/cases/${kase.id}`);
    expect(caseView.body.traces).toContainEqual(
      expect.objectContaining({ id, status: 'completed', outcome: 'purchaser_identified' }),
    );
    const weaponView = await inv().get(`/weapons/${trace.weaponId}`);
    expect(weaponView.body.traces).toContainEqual(expect.objectContaining({ id, outcome: 'purchaser_identified' }));
  });

  it('re-enqueues a failed trace when an advisor retries it, as a new run', async () => {
    const kase = await createCase(t.client, t.users.investigator.token);
    const { id } = await submit('TESTDOWN', 'US', kase.id);
    expect((await settled(id)).status).toBe('failed');
    const retried = await t.client.as(t.users.advisor.token).post(`/traces/${id}/retry`);
    expect(retried.status).toBe(200);
    expect(retried.body.status).toBe('queued');
    await waitFor(async () => (await eventsOf(id)).filter((e) => e.type === 'failed').length === 2, 'second failure');
    expect(steps(await eventsOf(id))).toEqual(['submitted', 'started', 'failed', 'retried', 'started', 'failed']);
  });

  it('works urgent traces before routine ones', async () => {
    await t.stopWorker();
    const kase = await createCase(t.client, t.users.investigator.token);
    const routine: string[] = [];
    for (let i = 0; i < 6; i++) routine.push((await submit('TESTOK', 'US', kase.id)).id);
    const urgent = (await submit('TESTOK', 'US', kase.id, { urgent: true, urgentReason: 'Suspect in custody' })).id;
    expect((await t.client.as(t.users.advisor.token).post(`/traces/${urgent}/approve`)).body.status).toBe('queued');
    await t.restartWorker({ WORKER_CONCURRENCY: '1', ADAPTER_LATENCY_MS: '20' });
    for (const id of [...routine, urgent]) await settled(id);
    const started = await t
      .db('trace_events')
      .whereIn('trace_id', [...routine, urgent])
      .where({ type: 'started' })
      .orderBy('id')
      .pluck('trace_id');
    expect(started[0]).toBe(urgent);
  });

  it('moves an escalated trace that is already waiting in BullMQ ahead of routine ones', async () => {
    // One job at a time, the first one held at its importer stage until the escalation is in: no timing involved.
    await t.stopWorker();
    const adapter = new HoldingAdapter();
    const worker = await startInProcessWorker(t, adapter, { WORKER_CONCURRENCY: '1' });
    try {
      const kase = await createCase(t.client, t.users.investigator.token);
      const ids = [(await submit('TESTOK-HOLD', 'AT', kase.id)).id];
      for (let i = 0; i < 4; i++) ids.push((await submit('TESTOK', 'US', kase.id)).id);
      await waitFor(
        async () => (await t.db('traces').where({ id: ids[0] }).first()).stage === 'manufacturer',
        'the first trace to be held',
      );
      await waitFor(async () => (await t.db('trace_outbox').whereIn('trace_id', ids)).length === 0, 'relay');
      const last = ids.at(-1)!;
      const escalated = await t.client
        .as(t.users.advisor.token)
        .post(`/traces/${last}/escalate`, { reason: 'Weapon used in a police killing' });
      expect(escalated.body.status).toBe('queued');
      await waitFor(
        async () => (await t.db('trace_outbox').where({ trace_id: last })).length === 0,
        'the reprioritization to be relayed',
      );
      adapter.releaseAll();
      for (const id of ids) await settled(id);
      const started = await t
        .db('trace_events')
        .whereIn('trace_id', ids)
        .where({ type: 'started' })
        .orderBy('id')
        .pluck('trace_id');
      expect(started.indexOf(last)).toBe(1);
    } finally {
      await worker.stop();
    }
  });

  it('finishes the current job on SIGTERM and exits cleanly', async () => {
    await t.restartWorker({ ADAPTER_LATENCY_MS: '400' });
    const kase = await createCase(t.client, t.users.investigator.token);
    const { id } = await submit('TESTOK', 'US', kase.id);
    await waitFor(async () => (await t.db('traces').where({ id }).first()).status === 'in_progress', 'trace to start');
    expect(await t.worker!.kill('SIGTERM')).toBe(0);
    const row = await t.db('traces').where({ id }).first();
    expect(row.status).toBe('completed');
    expect(t.worker!.output()).not.toMatch(/"level":(50|60)/);
    await t.restartWorker({ TRACE_MAX_ATTEMPTS: '3' });
  });

  it("the worker's /metrics counts finished runs by status and outcome and tracing-center errors by kind, under Node's standard names", async () => {
    const port = await freePort();
    await t.restartWorker({ TRACE_MAX_ATTEMPTS: '3', WORKER_METRICS_PORT: String(port) });
    const kase = await createCase(t.client, t.users.investigator.token);
    const ids = [];
    for (const serial of ['TESTOK', 'TESTOK', 'TESTNOREC', 'TESTFLAKY', 'TESTDOWN'])
      ids.push((await submit(serial, 'US', kase.id)).id);
    for (const id of ids) await settled(id);
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const value = (series: string) =>
      Number(new RegExp(`^${series.replace(/[{}]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
    expect(value('rastreo_traces_finished_total{status="completed",outcome="purchaser_identified"}')).toBe(3);
    expect(value('rastreo_traces_finished_total{status="not_traceable",outcome="not_traceable"}')).toBe(1);
    expect(value('rastreo_traces_finished_total{status="failed",outcome="none"}')).toBe(1);
    // TESTFLAKY fails its first two attempts; TESTDOWN every one of its 3.
    expect(value('rastreo_adapter_errors_total{kind="transient"}')).toBe(5);
    expect(value('rastreo_adapter_errors_total{kind="unexpected"}')).toBe(0);
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds /m);
    expect(text).not.toContain('rastreo_process_');
    // Database- and queue-wide gauges come from the API processes only: summed over processes they would over-count.
    expect(text).not.toMatch(/^rastreo_(traces|trace_outbox_lag_seconds|trace_outbox_backlog|trace_queue_jobs)[{ ]/m);
    await t.restartWorker({ TRACE_MAX_ATTEMPTS: '3' });
  });
});
