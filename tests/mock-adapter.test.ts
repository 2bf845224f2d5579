import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { StageFacts, StageOutcome, TraceRequest } from '../src/traces/pipeline/adapter.ts';
import { stagesFor } from '../src/traces/rules.ts';
import {
  BUSY_DEALER_SHARE,
  MockTraceAdapter,
  originOf,
  REPEAT_BUYER_SHARE,
  SCENARIO_SHARES,
  scenarioFor,
  type Origin,
} from '../src/traces/pipeline/mock-adapter.ts';
import type { Stage } from '../src/traces/schemas.ts';

const MAKERS: [string, string][] = [
  ['Glock', 'AT'],
  ['Taurus', 'BR'],
  ['Smith & Wesson', 'US'],
  ['Ruger', 'US'],
  ['Beretta', 'IT'],
  ['Norinco', 'CN'],
  ['Bersa', 'AR'],
  ['Colt', 'US'],
];

const ORIGIN_MAKERS: Record<Origin, [string, string][]> = {
  us: MAKERS.filter(([, country]) => country === 'US'),
  imported: MAKERS.filter(([, country]) => country !== 'US'),
  foreign_no_importer: MAKERS.filter(([, country]) => country !== 'US'),
};

/** Serials from a fixed sequence, so the shares measured are the same every run (a test that fails one run in twenty is broken). */
function request(
  i: number,
  origin: Origin = (['us', 'imported', 'foreign_no_importer'] as const)[i % 3]!,
): TraceRequest {
  const [manufacturer, country] = ORIGIN_MAKERS[origin][i % ORIGIN_MAKERS[origin].length]!;
  return {
    traceId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    reference: `TR-2026-${String(i).padStart(6, '0')}`,
    weapon: {
      manufacturer,
      model: 'M',
      caliber: '9mm',
      type: 'pistol',
      serialNumber: createHash('sha256').update(`${origin}-${i}`).digest('hex').slice(0, 10).toUpperCase(),
      serialObliterated: false,
      importer: origin === 'imported' ? `${manufacturer} USA` : null,
      countryOfManufacture: country,
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
  it('gives the documented shares within 2 points for each origin, and only what each origin allows', async () => {
    const adapter = new MockTraceAdapter({ latencyMs: 0, transientErrorRate: 0 });
    const N = 4_000;
    const OUTCOMES: Record<Origin, Record<string, number>> = {
      us: {
        exporter_identified: 0.35,
        purchaser_identified: 0.34,
        dealer_identified: 0.1,
        needs_info: 0.08,
        not_traceable: 0.13,
      },
      imported: {
        not_traceable: 0.54,
        purchaser_identified: 0.16,
        importer_identified: 0.12,
        exporter_identified: 0.08,
        needs_info: 0.06,
        dealer_identified: 0.04,
      },
      foreign_no_importer: {
        not_traceable: 0.8,
        importer_identified: 0.1,
        needs_info: 0.08,
        exporter_identified: 0.02,
      },
    };
    for (const origin of Object.keys(SCENARIO_SHARES) as Origin[]) {
      const scenarios = new Map<string, number>();
      const outcomes = new Map<string, number>();
      const reasons = new Set<string>();
      for (let i = 0; i < N; i++) {
        const req = request(i, origin);
        expect(originOf(req.weapon)).toBe(origin);
        scenarios.set(scenarioFor(req), (scenarios.get(scenarioFor(req)) ?? 0) + 1);
        const outcome = await runAllStages(adapter, req);
        outcomes.set(label(outcome), (outcomes.get(label(outcome)) ?? 0) + 1);
        if (outcome.kind === 'final' && outcome.result.outcome === 'not_traceable') reasons.add(outcome.result.reason);
      }
      for (const [scenario, share] of SCENARIO_SHARES[origin]) {
        expect(Math.abs((scenarios.get(scenario) ?? 0) / N - share), `${origin} ${scenario}`).toBeLessThanOrEqual(0.02);
      }
      for (const [outcome, share] of Object.entries(OUTCOMES[origin])) {
        expect(Math.abs((outcomes.get(outcome) ?? 0) / N - share), `${origin} ${outcome}`).toBeLessThanOrEqual(0.02);
      }
      expect(
        [...outcomes.keys()].every((outcome) => outcome in OUTCOMES[origin]),
        `${origin}: ${[...outcomes.keys()]}`,
      ).toBe(true);
      if (origin === 'us') expect(reasons.has('foreign_no_us_record')).toBe(false);
    }
  });

  it('ties sale, dealer and purchaser to the gun, not to its recovery; a few buyers and dealers come back again and again', async () => {
    const adapter = new MockTraceAdapter({ latencyMs: 0, transientErrorRate: 0 });
    const repeatBuyers = new Map<string, number>();
    const dealers = new Map<string, number>();
    let purchases = 0;
    for (let i = 0; i < 3_000; i++) {
      const req = request(i, 'us');
      const first = await runAllStages(adapter, req);
      const again = await runAllStages(adapter, {
        ...req,
        traceId: `10000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        recoveryDate: '2026-11-20',
      });
      expect(again).toEqual(first);
      if (first.kind !== 'final' || first.result.outcome !== 'purchaser_identified') continue;
      purchases++;
      expect(first.result.saleDate < req.recoveryDate).toBe(true);
      const name = `${first.result.purchaser!.firstName} ${first.result.purchaser!.lastName} ${first.result.purchaser!.dateOfBirth}`;
      repeatBuyers.set(name, (repeatBuyers.get(name) ?? 0) + 1);
      dealers.set(first.result.dealer.licenseNumber, (dealers.get(first.result.dealer.licenseNumber) ?? 0) + 1);
    }
    const busy = [...dealers.values()].filter((count) => count >= 5).reduce((sum, count) => sum + count, 0);
    expect(busy / purchases).toBeGreaterThan(BUSY_DEALER_SHARE / 2);
    expect(busy / purchases).toBeLessThan(BUSY_DEALER_SHARE * 2);
    const repeated = [...repeatBuyers.values()].filter((count) => count >= 5).reduce((sum, count) => sum + count, 0);
    expect(repeated / purchases).toBeGreaterThan(REPEAT_BUYER_SHARE / 2);
    expect(repeated / purchases).toBeLessThan(REPEAT_BUYER_SHARE * 2);
  });

  it('TESTSTRAW: every such gun has the same purchaser and dealer, sold 120 days before its recovery', async () => {
    const adapter = new MockTraceAdapter({ latencyMs: 0, transientErrorRate: 0 });
    const results = [];
    for (const [i, origin] of [
      [1, 'us'],
      [2, 'imported'],
      [3, 'us'],
    ] as const) {
      const req = { ...request(i, origin), recoveryDate: `2026-0${i + 5}-15` };
      req.weapon.serialNumber = `TESTSTRAW-${i}`;
      const outcome = await runAllStages(adapter, req);
      expect(outcome.kind === 'final' && outcome.status).toBe('completed');
      if (outcome.kind !== 'final' || outcome.result.outcome !== 'purchaser_identified')
        throw new Error('not a purchase');
      expect(Date.parse(req.recoveryDate) - Date.parse(outcome.result.saleDate)).toBe(120 * 86_400_000);
      results.push(outcome.result);
    }
    expect(new Set(results.map((r) => JSON.stringify(r.purchaser))).size).toBe(1);
    expect(new Set(results.map((r) => JSON.stringify(r.dealer))).size).toBe(1);
  });

  it('is a pure function of the request: the same weapon gives the same result', async () => {
    const adapter = new MockTraceAdapter({ latencyMs: 0, transientErrorRate: 0 });
    const req = request(3);
    req.weapon.serialNumber = 'TESTOK-77';
    expect(await runAllStages(adapter, req)).toEqual(
      await runAllStages(adapter, { ...req, weapon: { ...req.weapon, serialNumber: 'testok 77' } }),
    );
  });

  it('raises transient errors at the configured rate', async () => {
    const adapter = new MockTraceAdapter({ latencyMs: 0, transientErrorRate: 1 });
    await expect(adapter.runStage(request(1), 'manufacturer', { attempt: 1, previous: {} })).rejects.toThrow(
      /timed out/,
    );
  });
});
