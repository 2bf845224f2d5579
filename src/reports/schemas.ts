import Type, { type Static, type TSchema } from 'typebox';
import { CountryCode, DateInput, Nullable, Uuid } from '../shared/fields.ts';
import { component } from '../shared/schemas.ts';

export const GROUP_BY = [
  'outcome',
  'manufacturer',
  'type',
  'department',
  'sourceCountry',
  'agency',
  'month',
  'dealer',
] as const;
export const OUTCOME_KEYS = [
  'purchaser_identified',
  'dealer_identified',
  'importer_identified',
  'exporter_identified',
  'not_traceable',
  'pending',
] as const;

/** `excel=true` on a CSV download: the form a spreadsheet opens right (the contract's CSV line). */
const Excel = Type.Optional(
  Type.Boolean({
    description:
      'With `Accept: text/csv`: for spreadsheets — a byte-order mark, and `;` between cells when `Accept-Language` ' +
      'prefers Spanish (`,` in English); CRLF line ends either way.',
  }),
);

export const ReportQuery = Type.Object(
  {
    from: Type.Optional(DateInput('First recovery date counted; default: one year before `to`')),
    to: Type.Optional(DateInput('Last recovery date counted; default: today (UTC)')),
    agencyId: Type.Optional(Uuid),
    groupBy: Type.Optional(
      Type.Enum(GROUP_BY, {
        default: 'outcome',
        description: "`dealer` groups by the selling dealer's licence number (`unknown` when no dealer was identified)",
      }),
    ),
    excel: Excel,
  },
  { additionalProperties: false },
);
export type ReportQuery = Static<typeof ReportQuery>;

const Count = Type.Integer({ minimum: 0 });
const Days = Nullable(Type.Number());

export const TraceReport = Type.Object(
  {
    from: Type.String({ format: 'date' }),
    to: Type.String({ format: 'date' }),
    groupBy: Type.Enum(GROUP_BY),
    total: Count,
    byOutcome: Type.Object(Object.fromEntries(OUTCOME_KEYS.map((k) => [k, Count])), {
      description: 'Final outcomes; `pending` counts traces not final yet',
    }),
    timeToCrime: Type.Object({
      count: Count,
      medianDays: Days,
      p25Days: Days,
      p75Days: Days,
      under3YearsShare: Nullable(Type.Number({ minimum: 0, maximum: 1, description: 'Share under 1,095 days' })),
      buckets: Type.Object(
        {
          underOneYear: Count,
          oneToThreeYears: Count,
          overThreeYears: Count,
        },
        {
          additionalProperties: false,
          description: 'Traces by time-to-crime: under 365 days, 365 to 1,094 days, 1,095 days or more',
        },
      ),
    }),
    groups: Type.Array(
      Type.Object({
        key: Type.String({ example: 'purchaser_identified' }),
        count: Count,
        completed: Count,
        medianTimeToCrimeDays: Days,
      }),
    ),
    asOf: Type.String({
      format: 'date-time',
      description:
        'How fresh the figures are: complete up to this instant. Reports may be read from a replica a few seconds behind ' +
        'the primary (never your own changes of the last moments, which are read from the primary).',
    }),
  },
  {
    ...component('TraceReport'),
    description:
      'Traces whose recovery date lies in [from, to], every status but draft and cancelled; total = sum of groups[].count.',
  },
);
export type TraceReport = Static<typeof TraceReport>;

export const CountryReportQuery = Type.Object(
  {
    country: CountryCode,
    year: Type.Integer({
      minimum: 1900,
      maximum: 9999,
      description: 'The calendar year of recovery; not in the future',
    }),
    excel: Excel,
  },
  { additionalProperties: false },
);
export type CountryReportQuery = Static<typeof CountryReportQuery>;

const Key = Nullable(Type.String());
const rows = <T extends TSchema>(row: T, description: string) => Type.Array(row, { description });
export const CountryReport = Type.Object(
  {
    country: CountryCode,
    year: Type.Integer(),
    recovered: Type.Integer({
      minimum: 0,
      description:
        'Guns recovered in the country that year with a trace request (not draft or cancelled), each gun once however ' +
        'many traces it has (duplicates excluded: the gun’s completed trace is the one counted, else its first)',
    }),
    traced: Type.Integer({ minimum: 0, description: 'Of those, guns whose trace completed (a source was found)' }),
    usSourced: Type.Object(
      {
        count: Count,
        share: Nullable(Type.Number({ description: 'count ÷ traced, 3 decimals; null when none traced' })),
      },
      { description: 'Traced guns whose source country is the United States' },
    ),
    byType: rows(
      Type.Object({ type: Type.String({ example: 'pistol', description: 'The weapon type code' }), count: Count }),
      'Recovered guns by type; the rows add up to `recovered`',
    ),
    bySourceState: rows(
      Type.Object({ state: Key, count: Count }),
      'US-sourced guns by the selling dealer’s state (postal code), most first; `state: null` counts those with no ' +
        'state known; the rows add up to `usSourced.count`. States with none are not listed (zero).',
    ),
    topManufacturers: rows(
      Type.Object({ manufacturer: Key, count: Count }),
      'The ten manufacturers with most recovered guns, then `manufacturer: null` for all others; the rows add up to ' +
        '`recovered`',
    ),
    topCalibers: rows(
      Type.Object({ caliber: Key, count: Count }),
      'The ten calibers with most recovered guns, then `caliber: null` for all others',
    ),
    timeToCrime: Type.Object(
      {
        count: Type.Integer({
          minimum: 0,
          description: 'Traced guns with a retail sale date (the buckets add up to it)',
        }),
        under1Year: Count,
        oneToThreeYears: Count,
        overThreeYears: Count,
        medianDays: Days,
      },
      { description: 'From the first retail sale to the recovery' },
    ),
    outcomes: Type.Object(Object.fromEntries(OUTCOME_KEYS.map((k) => [k, Count])), {
      description:
        'Recovered guns by the outcome of their trace (`pending`: not final yet); they add up to `recovered`',
    }),
    generatedAt: Type.String({ format: 'date-time' }),
    disclaimer: Type.String({ description: 'In the language of Accept-Language (es or en)' }),
  },
  { ...component('CountryReport'), additionalProperties: false },
);
export type CountryReport = Static<typeof CountryReport>;
