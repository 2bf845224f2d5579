import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { normalizeManufacturer, normalizeSerial } from '../../weapons/identity.ts';
import type { NotTraceableReason, Stage } from '../schemas.ts';
import {
  TransientAdapterError,
  type StageContext,
  type StageOutcome,
  type TraceAdapter,
  type TraceRequest,
} from './adapter.ts';
import { DEALER_KINDS, DEALER_WORDS, EXPORTERS, FIRST_NAMES, LAST_NAMES, US_PLACES } from './mock-data.ts';

/** How a mock trace ends. */
export type Scenario =
  | 'purchaser'
  | 'dealer'
  | 'exporter'
  | 'importer'
  | 'foreign'
  | 'no_record'
  | 'pre_1968'
  | 'records_unavailable'
  | 'needs_info'
  | 'obliterated'
  | 'flaky'
  | 'down'
  | 'straw';

/** Where a gun was made decides what its trace can find (README "The mock tracing center"). */
export type Origin = 'us' | 'imported' | 'foreign_no_importer';

/**
 * Shares drawn for serials without a TEST prefix, by origin (an El Salvador–like mix). A US-made gun is never
 * `foreign_no_us_record`; a foreign gun with no importer on record never reaches a US retail sale.
 */
export const SCENARIO_SHARES: Record<Origin, readonly [Scenario, number][]> = {
  us: [
    ['exporter', 0.35],
    ['purchaser', 0.34],
    ['dealer', 0.1],
    ['needs_info', 0.08],
    ['no_record', 0.05],
    ['pre_1968', 0.05],
    ['records_unavailable', 0.03],
  ],
  imported: [
    ['foreign', 0.5],
    ['purchaser', 0.16],
    ['importer', 0.12],
    ['exporter', 0.08],
    ['needs_info', 0.06],
    ['dealer', 0.04],
    ['no_record', 0.02],
    ['records_unavailable', 0.02],
  ],
  foreign_no_importer: [
    ['foreign', 0.75],
    ['importer', 0.1],
    ['needs_info', 0.08],
    ['no_record', 0.05],
    ['exporter', 0.02],
  ],
};

export const originOf = (weapon: TraceRequest['weapon']): Origin =>
  weapon.countryOfManufacture === 'US' ? 'us' : weapon.importer ? 'imported' : 'foreign_no_importer';

/** Normalized-serial prefixes that force an outcome (the contract's table). */
const FORCED: readonly [prefix: string, scenario: Scenario][] = [
  ['TESTOK', 'purchaser'],
  ['TESTDEALER', 'dealer'],
  ['TESTNOREC', 'no_record'],
  ['TESTPRE68', 'pre_1968'],
  ['TESTINFO', 'needs_info'],
  ['TESTFLAKY', 'flaky'],
  ['TESTDOWN', 'down'],
  ['TESTSTRAW', 'straw'],
];

const DAY = 86_400_000;

/** A deterministic stream of numbers in [0, 1) from the weapon's identity. */
function seededRandom(seed: Buffer): () => number {
  let state = seed.readUInt32LE(4) || 1;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function identitySeed(request: TraceRequest): Buffer {
  const { weapon } = request;
  const serial = weapon.serialNumber ? normalizeSerial(weapon.serialNumber) : `${request.traceId}`;
  return createHash('sha256')
    .update(`${normalizeManufacturer(weapon.manufacturer)}|${serial}`)
    .digest();
}

export function scenarioFor(request: TraceRequest): Scenario {
  const serial = request.weapon.serialNumber ? normalizeSerial(request.weapon.serialNumber) : '';
  const forced = FORCED.find(([prefix]) => serial.startsWith(prefix));
  if (forced) return forced[1];
  if (request.weapon.serialObliterated && !serial) return 'obliterated';
  const draw = identitySeed(request).readUInt32LE(0) / 4294967296;
  const shares = SCENARIO_SHARES[originOf(request.weapon)];
  let cumulative = 0;
  for (const [scenario, share] of shares) {
    cumulative += share;
    if (draw < cumulative) return scenario;
  }
  return shares[0]![0];
}

const pick = <T>(random: () => number, values: readonly T[]): T => values[Math.floor(random() * values.length)]!;
const digits = (random: () => number, n: number) => Array.from({ length: n }, () => Math.floor(random() * 10)).join('');
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** A US federal firearms licence number: region-district-county-type-expiry-sequence. */
export function licenseNumber(random: () => number): string {
  const region = 1 + Math.floor(random() * 9);
  const expiry = `${Math.floor(random() * 10)}${pick(random, [...'ABCDEFGHJKLM'])}`;
  return `${region}-${digits(random, 2)}-${digits(random, 3)}-${pick(random, ['01', '02', '07'])}-${expiry}-${digits(random, 5)}`;
}

/** A few dealers behind many of the generated sales (dealer clusters, for the indicators to find in demo data). */
const BUSY_DEALERS = [
  { name: 'Gulf Coast Guns & Ammo', licenseNumber: '5-76-201-01-7K-11842', city: 'Houston', state: 'TX' },
  { name: 'Desert Sportsman Supply', licenseNumber: '9-86-013-01-8B-20417', city: 'Phoenix', state: 'AZ' },
];
/** Share of generated retail sales made by one of the busy dealers. */
export const BUSY_DEALER_SHARE = 0.05;

function dealerOf(random: () => number) {
  if (random() < BUSY_DEALER_SHARE) return pick(random, BUSY_DEALERS);
  const [city, state] = pick(random, US_PLACES);
  return {
    name: `${pick(random, DEALER_WORDS)} ${pick(random, DEALER_KINDS)}`,
    licenseNumber: licenseNumber(random),
    city,
    state,
  };
}

/** The last day a generated retail sale can fall on: sales are facts about the gun, fixed before any recovery we see. */
const LATEST_SALE = Date.parse('2026-06-30');

/**
 * The gun's retail sale, from the weapon alone (a re-traced gun has the same sale): most in the last few years, some
 * decades back. Only a recovery before that date (rare: data from before 2026) moves it to 20 days before the recovery.
 */
function saleDateOf(random: () => number, recoveryDate: string): string {
  const sale = LATEST_SALE - Math.floor(random() ** 2 * 9000) * DAY;
  return isoDay(Math.min(sale, Date.parse(recoveryDate) - 20 * DAY));
}

/** The straw purchaser behind every `TESTSTRAW` gun, and the dealer who sold them all. */
const STRAW = {
  dealer: { name: 'Frontier Guns & Pawn', licenseNumber: '5-74-141-01-6E-08217', city: 'Laredo', state: 'TX' },
  purchaser: { firstName: 'Kevin', lastName: 'Morales', dateOfBirth: '1994-03-12', city: 'Laredo', state: 'TX' },
};

/** A few people who bought many of the generated guns (repeat purchasers, for the indicators to find in demo data). */
const REPEAT_BUYERS = [
  { firstName: 'Daniel', lastName: 'Ortega', dateOfBirth: '1989-07-21', city: 'Houston', state: 'TX' },
  { firstName: 'Marisol', lastName: 'Reyes', dateOfBirth: '1992-11-02', city: 'Phoenix', state: 'AZ' },
  { firstName: 'Brandon', lastName: 'Hill', dateOfBirth: '1985-01-30', city: 'Atlanta', state: 'GA' },
];
/** Share of generated retail sales made to one of the repeat purchasers. */
export const REPEAT_BUYER_SHARE = 0.04;

export interface MockAdapterOptions {
  latencyMs: number;
  transientErrorRate: number;
  random?: () => number;
}

export class MockTraceAdapter implements TraceAdapter {
  private readonly random: () => number;

  constructor(private readonly options: MockAdapterOptions) {
    this.random = options.random ?? Math.random;
  }

  async runStage(request: TraceRequest, stage: Stage, context: StageContext): Promise<StageOutcome> {
    if (this.options.latencyMs > 0) await sleep(this.options.latencyMs);
    const scenario = scenarioFor(request);
    if (scenario === 'down' || (scenario === 'flaky' && context.attempt <= 2)) {
      throw new TransientAdapterError(`tracing center unavailable (attempt ${context.attempt})`);
    }
    if (this.options.transientErrorRate > 0 && this.random() < this.options.transientErrorRate) {
      throw new TransientAdapterError('tracing center timed out');
    }
    return outcomeAt(request, stage, scenario === 'flaky' ? 'purchaser' : scenario, context);
  }
}

function notTraceable(
  request: TraceRequest,
  reason: NotTraceableReason,
  facts: Record<string, unknown> = {},
): StageOutcome {
  return {
    kind: 'final',
    status: 'not_traceable',
    facts,
    result: { outcome: 'not_traceable', reason, sourceCountry: request.weapon.countryOfManufacture },
  };
}

/** The answer of one stage for a scenario; a pure function of the request. */
export function outcomeAt(
  request: TraceRequest,
  stage: Stage,
  scenario: Scenario,
  context: StageContext,
): StageOutcome {
  const random = seededRandom(identitySeed(request));
  const { weapon } = request;
  switch (stage) {
    case 'manufacturer':
      if (scenario === 'needs_info') {
        return {
          kind: 'needs_info',
          facts: {},
          message:
            `${weapon.manufacturer} has no record of serial ${weapon.serialNumber ?? '(none)'} for a ${weapon.model} in ${weapon.caliber}. ` +
            'Check the serial number on the frame or receiver, the model and the caliber (send a photo of the markings) and resubmit.',
          code: {
            code: 'no_serial_record',
            params: {
              manufacturer: weapon.manufacturer,
              serial: weapon.serialNumber ?? '—',
              model: weapon.model,
              caliber: weapon.caliber,
            },
          },
        };
      }
      if (scenario === 'obliterated') return notTraceable(request, 'obliterated_serial');
      if (scenario === 'pre_1968') return notTraceable(request, 'pre_1968', { manufacturedBefore: '1968-12-16' });
      if (scenario === 'no_record') return notTraceable(request, 'no_record');
      return { kind: 'continue', facts: { manufacturer: weapon.manufacturer, country: weapon.countryOfManufacture } };
    case 'importer': {
      if (scenario === 'foreign') return notTraceable(request, 'foreign_no_us_record', { importedIntoUs: false });
      const importer = weapon.importer ?? `${weapon.manufacturer} USA Inc.`;
      if (scenario === 'importer') {
        // The trail ends at the importer: it has no record of the dealer it sold the gun to.
        const [, state] = pick(random, US_PLACES);
        return {
          kind: 'final',
          status: 'completed',
          facts: { importer },
          result: { outcome: 'importer_identified', importer, sourceCountry: 'US', sourceState: state },
        };
      }
      return { kind: 'continue', facts: { importer } };
    }
    case 'dealer': {
      if (scenario === 'records_unavailable')
        return notTraceable(request, 'records_unavailable', { dealerOutOfBusiness: true });
      const importer = context.previous.importer?.importer as string | undefined;
      if (scenario === 'exporter') {
        const [city, state] = pick(random, US_PLACES);
        const exporter = { name: pick(random, EXPORTERS), licenseNumber: licenseNumber(random), city, state };
        return {
          kind: 'final',
          status: 'completed',
          facts: { exporter },
          result: {
            outcome: 'exporter_identified',
            dealer: exporter,
            ...(importer ? { importer } : {}),
            sourceCountry: 'US',
            sourceState: state,
          },
        };
      }
      return { kind: 'continue', facts: { dealer: scenario === 'straw' ? STRAW.dealer : dealerOf(random) } };
    }
    case 'purchaser': {
      const dealer = (context.previous.dealer?.dealer as ReturnType<typeof dealerOf> | undefined) ?? dealerOf(random);
      const importer = context.previous.importer?.importer as string | undefined;
      const base = { dealer, ...(importer ? { importer } : {}), sourceCountry: 'US', sourceState: dealer.state };
      if (scenario === 'dealer') {
        return { kind: 'final', status: 'completed', facts: {}, result: { outcome: 'dealer_identified', ...base } };
      }
      if (scenario === 'straw') {
        const saleDate = isoDay(Date.parse(request.recoveryDate) - 120 * DAY);
        return {
          kind: 'final',
          status: 'completed',
          facts: {},
          result: { outcome: 'purchaser_identified', ...base, purchaser: STRAW.purchaser, saleDate },
        };
      }
      for (let i = 0; i < 8; i++) random();
      const saleDate = saleDateOf(random, request.recoveryDate);
      const [city, state] = pick(random, US_PLACES);
      const age = 21 + Math.floor(random() * 40);
      const repeat = random() < REPEAT_BUYER_SHARE ? pick(random, REPEAT_BUYERS) : undefined;
      const purchaser = repeat ?? {
        firstName: pick(random, FIRST_NAMES),
        lastName: pick(random, LAST_NAMES),
        dateOfBirth: isoDay(Date.parse(saleDate) - age * 365.25 * DAY - Math.floor(random() * 365) * DAY),
        city,
        state,
      };
      return {
        kind: 'final',
        status: 'completed',
        facts: {},
        result: { outcome: 'purchaser_identified', ...base, purchaser, saleDate },
      };
    }
  }
}
