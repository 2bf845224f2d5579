import { stringify } from 'csv-stringify/sync';
import { isoDate, type Clock } from '../shared/clock.ts';
import type { Queryable } from '../db/knex.ts';
import { forbidden, invalidField } from '../shared/problem.ts';
import { readScope, type RequestContext } from '../shared/actor.ts';
import { en } from '../i18n/en.ts';
import { es } from '../i18n/es.ts';
import { translate } from '../i18n/translate.ts';
import { US_STATE_CODES } from '../shared/us-states.ts';
import * as repo from './repository.ts';
import { countriesOfRegion, countryReportRow } from './country-repository.ts';
import {
  OUTCOME_KEYS,
  type CountryReport,
  type CountryReportQuery,
  type ReportQuery,
  type TraceReport,
} from './schemas.ts';

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

  /**
   * The country report (advisors: the countries of their region; investigators: their own agency's country; admins:
   * any), from one statement, so every table adds up to its total. A year with no trace is a report of zeros.
   */
  async country(
    db: Queryable,
    ctx: RequestContext,
    query: CountryReportQuery,
    language: 'es' | 'en',
  ): Promise<CountryReport> {
    if (query.year > this.clock.now().getUTCFullYear()) throw invalidField('/query/year', 'must not be in the future');
    const { actor } = ctx;
    const allowed =
      actor.role === 'admin' ||
      (actor.role === 'advisor' && (await countriesOfRegion(db, actor.agency.region)).includes(query.country)) ||
      (actor.role === 'investigator' && actor.agency.country === query.country);
    if (!allowed)
      throw forbidden(
        'This country is outside your scope: advisors ask for the countries of their region, investigators for their own.',
      );
    const row = await countryReportRow(db, query.country, query.year, US_STATE_CODES);
    const outcomes = Object.fromEntries(
      OUTCOME_KEYS.map((key) => [key, row.outcomes[key] ?? 0]),
    ) as CountryReport['outcomes'];
    return {
      country: query.country,
      year: query.year,
      recovered: row.recovered,
      traced: row.traced,
      usSourced: {
        count: row.us_sourced,
        share: row.traced ? Math.round((row.us_sourced / row.traced) * 1000) / 1000 : null,
      },
      byType: row.by_type,
      bySourceState: row.by_source_state,
      topManufacturers: row.top_manufacturers,
      topCalibers: row.top_calibers,
      timeToCrime: { ...row.time_to_crime, medianDays: round(row.time_to_crime.medianDays) },
      outcomes,
      generatedAt: row.generated_at.toISOString(),
      disclaimer: translate(language === 'es' ? es : en, 'countryReport.disclaimer', {}),
    };
  }

  /** The country report's tables as one CSV: a row per table row (table, row, guns), headed in the caller's language. */
  countryCsv(report: CountryReport, language: 'es' | 'en', options: { excel: boolean; separator: ',' | ';' }): string {
    const words = language === 'es' ? es : en;
    const word = (key: string) => translate(words, key, {});
    const rows: (string | number)[][] = [
      [word('countryReport.recovered'), '', report.recovered],
      [word('countryReport.traced'), '', report.traced],
      [word('countryReport.usSourced'), '', report.usSourced.count],
      ...report.byType.map((r) => [word('countryReport.byType'), word(`weaponTypes.${r.type}`), r.count]),
      ...report.bySourceState.map((r) => [
        word('countryReport.sourceStates'),
        r.state ?? word('countryReport.unknownState'),
        r.count,
      ]),
      ...report.topManufacturers.map((r) => [
        word('countryReport.manufacturers'),
        r.manufacturer ?? word('countryReport.others'),
        r.count,
      ]),
      ...report.topCalibers.map((r) => [
        word('countryReport.calibers'),
        r.caliber ?? word('countryReport.others'),
        r.count,
      ]),
      ...(['under1Year', 'oneToThreeYears', 'overThreeYears'] as const).map((k) => [
        word('countryReport.timeToCrime'),
        word(`countryReport.${k}`),
        report.timeToCrime[k],
      ]),
      ...OUTCOME_KEYS.map((k) => [word('countryReport.outcomes'), word(`outcomes.${k}`), report.outcomes[k] ?? 0]),
    ];
    return stringify(rows, {
      header: true,
      columns: [word('countryReport.table'), word('countryReport.key'), word('countryReport.count')],
      delimiter: options.separator,
      record_delimiter: 'windows',
      escape_formulas: true,
      bom: options.excel,
    });
  }
}
