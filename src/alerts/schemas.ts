import Type, { type Static } from 'typebox';
import { CountryCode, Nullable, Text, Timestamp, Uuid } from '../shared/fields.ts';
import { component, PageQuery } from '../shared/schemas.ts';

export const ALERT_KINDS = [
  'stolen_match',
  'destroyed_weapon_recovered',
  'custody_weapon_recovered',
  'trafficking_indicator',
] as const;
export const ALERT_SEVERITIES = ['warning', 'critical'] as const;
export const ALERT_STATUSES = ['open', 'acknowledged', 'closed'] as const;
export const ALERT_RECORD_TYPES = ['trace', 'stockpile_item', 'stolen_report', 'weapon', 'indicator'] as const;
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
] as const;
export type AlertMessageCode = (typeof ALERT_MESSAGE_CODES)[number];

/** How serious each kind is: the contract's table, in one place. */
export const SEVERITY: Record<AlertKind, (typeof ALERT_SEVERITIES)[number]> = {
  stolen_match: 'warning',
  destroyed_weapon_recovered: 'critical',
  custody_weapon_recovered: 'critical',
  trafficking_indicator: 'warning',
};

const RecordType = Type.Enum(ALERT_RECORD_TYPES);

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
