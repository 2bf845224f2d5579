import Type, { type Static } from 'typebox';
import { DateInput, Nullable, Uuid } from '../shared/fields.ts';
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
    excel: Type.Optional(
      Type.Boolean({
        description:
          'With `Accept: text/csv`: for spreadsheets — a byte-order mark, and `;` between cells when `Accept-Language` ' +
          'prefers Spanish (`,` in English).',
      }),
    ),
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
