import { stringify } from 'csv-stringify/sync';
import { isoDate, type Clock } from '../shared/clock.ts';
import type { Queryable } from '../db/knex.ts';
import { invalidField } from '../shared/problem.ts';
import { readScope, type RequestContext } from '../shared/actor.ts';
import * as repo from './repository.ts';
import { OUTCOME_KEYS, type ReportQuery, type TraceReport } from './schemas.ts';

const round = (value: number | null) => (value === null ? null : Math.round(value * 10) / 10);

export class ReportService {
  constructor(private readonly clock: Clock) {}

  async traces(db: Queryable, ctx: RequestContext, query: ReportQuery): Promise<Omit<TraceReport, 'asOf'>> {
    const to = query.to ?? isoDate(this.clock.now());
    const from = query.from ?? isoDate(new Date(Date.parse(to) - 365 * 86_400_000));
    if (from > to) throw invalidField('/query/from', 'must not be after to');
    const filter = { from, to, agencyId: query.agencyId, groupBy: query.groupBy ?? 'outcome' } as const;
    const rows = await repo.reportRows(db, readScope(ctx.actor), filter);
    const groups = rows
      .filter((r) => r.by === 'group')
      .sort((a, b) => b.count - a.count || String(a.key).localeCompare(String(b.key)));
    const total = rows.find((r) => r.by === 'total');
    const byOutcome = Object.fromEntries(OUTCOME_KEYS.map((key) => [key, 0])) as Record<
      (typeof OUTCOME_KEYS)[number],
      number
    >;
    for (const row of rows.filter((r) => r.by === 'outcome'))
      byOutcome[row.outcome as keyof typeof byOutcome] = row.count;
    return {
      from,
      to,
      groupBy: filter.groupBy,
      total: groups.reduce((sum, group) => sum + group.count, 0),
      byOutcome,
      timeToCrime: {
        count: total?.ttc_count ?? 0,
        medianDays: round(total?.median ?? null),
        p25Days: round(total?.p25 ?? null),
        p75Days: round(total?.p75 ?? null),
        under3YearsShare: total?.under3 == null ? null : Math.round(total.under3 * 1000) / 1000,
        buckets: {
          underOneYear: total?.under1_count ?? 0,
          oneToThreeYears: (total?.under3_count ?? 0) - (total?.under1_count ?? 0),
          overThreeYears: (total?.ttc_count ?? 0) - (total?.under3_count ?? 0),
        },
      },
      groups: groups.map((g) => ({
        key: g.key ?? 'unknown',
        count: g.count,
        completed: g.completed,
        medianTimeToCrimeDays: round(g.median),
      })),
    };
  }

  /**
   * The groups as CSV (RFC 4180: CRLF line ends); cells that a spreadsheet would run as a formula — starting with = + - @,
   * a tab or CR, or their full-width forms — are kept text by a leading quote; months in calendar order.
   */
  toCsv(report: TraceReport, options: { excel: boolean; separator: ',' | ';' }): string {
    const groups =
      report.groupBy === 'month' ? [...report.groups].sort((a, b) => a.key.localeCompare(b.key)) : report.groups;
    return stringify(
      groups.map((g) => [g.key, g.count, g.completed, g.medianTimeToCrimeDays ?? '']),
      {
        header: true,
        columns: [report.groupBy, 'count', 'completed', 'medianTimeToCrimeDays'],
        delimiter: options.separator,
        record_delimiter: 'windows',
        escape_formulas: true,
        bom: options.excel,
      },
    );
  }
}
