import type { IndicatorKind } from './schemas.ts';

/**
 * When a candidate becomes a trafficking indicator — the contract's thresholds (Intelligence), in one table. The database
 * applies them (atomically with recording the memberships) but reads them from here: the worker passes this table to
 * `record_indicator_outbox` as JSON, so there is no second copy of a number in SQL.
 *   minTraces   qualifying traces needed          minWeapons  distinct guns among them
 *   maxDays     a trace qualifies when its time-to-crime is under this many days
 *   serialTail  serials that differ only in their last this-many characters form one sequence
 */
export const INDICATOR_RULES = {
  repeat_purchaser: { minTraces: 2, minWeapons: 1 },
  short_time_to_crime: { minTraces: 1, minWeapons: 1, maxDays: 365 },
  dealer_cluster: { minTraces: 1, minWeapons: 3, maxDays: 3 * 365 },
  serial_sequence: { minTraces: 1, minWeapons: 2, serialTail: 2 },
} as const satisfies Record<
  IndicatorKind,
  { minTraces: number; minWeapons: number; maxDays?: number; serialTail?: number }
>;

export const indicatorRulesJson = () => JSON.stringify(INDICATOR_RULES);
