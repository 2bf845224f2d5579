import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { StageFacts, StageOutcome, TraceRequest } from '../src/traces/pipeline/adapter.ts';
import { stagesFor } from '../src/traces/rules.ts';
import { MockTraceAdapter, SCENARIO_SHARES, scenarioFor } from '../src/traces/pipeline/mock-adapter.ts';
import type { Stage } from '../src/traces/schemas.ts';

const MAKERS: [string, string][] = [['Glock', 'AT'], ['Taurus', 'BR'], ['Smith & Wesson', 'US'], ['Ruger', 'US'], ['Beretta', 'IT'], ['Norinco', 'CN'], ['Bersa', 'AR'], ['Colt', 'US']];

function request(i: number): TraceRequest {
  const [manufacturer, country] = MAKERS[i % MAKERS.length]!;
  return {
    traceId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    reference: `TR-2026-${String(i).padStart(6, '0')}`,
    weapon: {
      manufacturer, model: 'M', caliber: '9mm', type: 'pistol', serialNumber: randomBytes(5).toString('hex').toUpperCase(),
      serialObliterated: false, importer: country === 'US' ? null : `${manufacturer} USA`, countryOfManufacture: country,
    },
    recoveryDate: '2026-10-01',
    recoveryCountry: 'SV',
  };
}

async function runAllStages(adapter: MockTraceAdapter, req: TraceRequest): Promise<StageOutcome> {
  const previous: Partial<Record<Stage, StageFacts>> = {};
  for (const stage of stagesFor(req.weapon)) {
    const outcome = await adapter.runStage(req, stage, { attempt: 1, previous });
    if (outcome.kind !== 'continue') return outcome;
    previous[stage] = outcome.facts;
  }
  throw new Error('no stage ended the trace');
}

const label = (o: StageOutcome) => (o.kind === 'final' ? o.result.outcome : o.kind);

describe('mock trace adapter', () => {
  it('10,000 generated non-test serials give the documented shares within 2 points', async () => {
    const adapter = new MockTraceAdapter({ latencyMs: 0, transientErrorRate: 0 });
    const N = 10_000;
    const scenarios = new Map<string, number>();
    const outcomes = new Map<string, number>();
    for (let i = 0; i < N; i++) {
      const req = request(i);
      const scenario = scenarioFor(req);
      scenarios.set(scenario, (scenarios.get(scenario) ?? 0) + 1);
      const outcome = label(await runAllStages(adapter, req));
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }
    for (const [scenario, share] of SCENARIO_SHARES) {
      expect(Math.abs((scenarios.get(scenario) ?? 0) / N - share), scenario).toBeLessThanOrEqual(0.02);
    }
    const expected: Record<string, number> = {
      not_traceable: 0.5 + 0.02 + 0.02 + 0.01, exporter_identified: 0.2, purchaser_identified: 0.15, needs_info: 0.06, dealer_identified: 0.04,
    };
    for (const [outcome, share] of Object.entries(expected)) {
      expect(Math.abs((outcomes.get(outcome) ?? 0) / N - share), outcome).toBeLessThanOrEqual(0.02);
    }
  });

  it('is a pure function of the request: the same weapon gives the same result', async () => {
    const adapter = new MockTraceAdapter({ latencyMs: 0, transientErrorRate: 0 });
    const req = request(3);
    req.weapon.serialNumber = 'TESTOK-77';
    expect(await runAllStages(adapter, req)).toEqual(await runAllStages(adapter, { ...req, weapon: { ...req.weapon, serialNumber: 'testok 77' } }));
  });

  it('raises transient errors at the configured rate', async () => {
    const adapter = new MockTraceAdapter({ latencyMs: 0, transientErrorRate: 1 });
    await expect(adapter.runStage(request(1), 'manufacturer', { attempt: 1, previous: {} })).rejects.toThrow(/timed out/);
  });
});
