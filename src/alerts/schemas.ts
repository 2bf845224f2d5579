import Type, { type Static } from 'typebox';
import { CountryCode, Nullable, Text, Timestamp, Uuid } from '../shared/fields.ts';
import { component, PageQuery } from '../shared/schemas.ts';

export const ALERT_KINDS = [
  'stolen_match',
  'destroyed_weapon_recovered',
  'custody_weapon_recovered',
  'trafficking_indicator',
  'stock_discrepancy',
] as const;
export const ALERT_SEVERITIES = ['warning', 'critical'] as const;
export const ALERT_STATUSES = ['open', 'acknowledged', 'closed'] as const;
export const ALERT_RECORD_TYPES = [
  'trace',
  'stockpile_item',
  'stolen_report',
  'weapon',
  'indicator',
  'stocktake',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
/** The wordings an alert is raised with: its kind, or for a trafficking indicator the indicator's kind. */
export const ALERT_MESSAGE_CODES = [
  'stolen_match',
  'destroyed_weapon_recovered',
  'custody_weapon_recovered',
  'repeat_purchaser',
  'short_time_to_crime',
  'dealer_cluster',
  'serial_sequence',
  'trafficking_indicator',
  'stock_discrepancy',
] as const;
export type AlertMessageCode = (typeof ALERT_MESSAGE_CODES)[number];

/** How serious each kind is: the contract's table, in one place. */
export const SEVERITY: Record<AlertKind, (typeof ALERT_SEVERITIES)[number]> = {
  stolen_match: 'warning',
  destroyed_weapon_recovered: 'critical',
  custody_weapon_recovered: 'critical',
  trafficking_indicator: 'warning',
  stock_discrepancy: 'critical',
};

const RecordType = Type.Enum(ALERT_RECORD_TYPES);
/** The trafficking indicator kinds (src/intelligence/rules.ts has their thresholds): the reasons of an indicator alert. */
export const INDICATOR_KINDS = [
  'repeat_purchaser',
  'short_time_to_crime',
  'dealer_cluster',
  'serial_sequence',
] as const;

export const AlertReason = Type.Object(
  {
    indicatorKind: Type.Enum(INDICATOR_KINDS),
    key: Type.String({
      description:
        'What the indicator groups by: a dealer licence, a trace, a serial batch; for a repeat purchaser the indicator’s ' +
        'reference, since an alert never carries purchaser data',
      example: 'IN-2026-000042',
    }),
    text: Type.String({
      description: 'What it means, in one sentence in the caller’s language (Accept-Language)',
      example: 'One purchaser is behind 3 traced guns (IN-2026-000042, newest: TR-2026-000042).',
    }),
    indicatorId: Type.Optional(Uuid),
    indicator: Type.Optional(Type.String({ description: 'The indicator’s reference', example: 'IN-000042' })),
  },
  { ...component('AlertReason'), additionalProperties: false },
);

/** What a trace, stockpile item, weapon or list row says of the open alerts about its gun. */
export const OpenAlert = Type.Object(
  { id: Uuid, kind: Type.Enum(ALERT_KINDS), severity: Type.Enum(ALERT_SEVERITIES) },
  { ...component('OpenAlert'), additionalProperties: false },
);
export type OpenAlert = Static<typeof OpenAlert>;
export const OpenAlerts = Type.Array(OpenAlert, {
  description:
    'The alerts about this gun that the caller may see and that are not closed (open or acknowledged: an acknowledged ' +
    'alert is being looked at, not resolved), critical first, then newest',
});

export const Alert = Type.Object(
  {
    id: Uuid,
    kind: Type.Enum(ALERT_KINDS),
    severity: Type.Enum(ALERT_SEVERITIES),
    status: Type.Enum(ALERT_STATUSES),
    createdAt: Timestamp,
    message: Type.String({ description: 'What happened, in English' }),
    messageCode: Type.Optional(
      Type.Enum(ALERT_MESSAGE_CODES, {
        description:
          'The wording of `message`, for clients that word it in their own language with `messageParams`: the kind, or for ' +
          'a trafficking indicator the indicator kind. Absent on alerts raised before 2026-12-06.',
      }),
    ),
    messageParams: Type.Optional(
      Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()]), {
        description:
          'The values of the wording: `subjectType`, `subject`, `agency`, `record` (and `reportKind`, `since`) for registry ' +
          'and custody alerts; `indicator`, `trace`, `count` (and `days`, the threshold) for indicators',
      }),
    ),
    weaponId: Uuid,
    reasons: Type.Array(AlertReason, {
      description:
        'For a trafficking-indicator alert, each indicator the trace set off at once (one alert per trace); empty for the ' +
        'other kinds and for indicator alerts raised before 2026-12-06 (one per indicator, subject `indicator`)',
    }),
    subject: Type.Object(
      { type: RecordType, id: Uuid, reference: Type.String() },
      { ...component('AlertSubject'), additionalProperties: false },
    ),
    related: Type.Array(
      Type.Object(
        {
          type: RecordType,
          reference: Type.String(),
          agency: Type.Object({ code: Type.String(), country: CountryCode }),
        },
        { ...component('AlertRelated'), additionalProperties: false },
      ),
    ),
    acknowledgedBy: Nullable(Uuid),
    acknowledgedAt: Nullable(Timestamp),
    closedBy: Nullable(Uuid),
    closedAt: Nullable(Timestamp),
    closingNote: Nullable(Type.String()),
  },
  component('Alert'),
);
export type Alert = Static<typeof Alert>;

export const AlertQuery = Type.Object(
  {
    status: Type.Optional(Type.Enum(ALERT_STATUSES)),
    kind: Type.Optional(Type.Enum(ALERT_KINDS)),
    severity: Type.Optional(Type.Enum(ALERT_SEVERITIES)),
    weaponId: Type.Optional(Uuid),
    subjectId: Type.Optional(Uuid),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type AlertQuery = Static<typeof AlertQuery>;

export const AlertCount = Type.Object(
  {
    open: Type.Integer({ minimum: 0, description: 'Alerts the caller sees that are open (not yet acknowledged)' }),
    openCritical: Type.Integer({ minimum: 0, description: 'Of those, the critical ones' }),
  },
  component('AlertCount'),
);

export const AcknowledgeBody = Type.Object(
  { note: Type.Optional(Text(2000)) },
  { ...component('AcknowledgeBody'), additionalProperties: false },
);
export const CloseBody = Type.Object({ note: Text(2000) }, { ...component('CloseBody'), additionalProperties: false });
