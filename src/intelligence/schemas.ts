import Type, { type Static } from 'typebox';
import { DateInput, DateOnly, Nullable, Timestamp, Uuid } from '../shared/fields.ts';
import { component, PageQuery } from '../shared/schemas.ts';
import { Dealer, Purchaser } from '../traces/schemas.ts';
import { Weapon } from '../weapons/schemas.ts';
import { INDICATOR_KINDS } from '../alerts/schemas.ts';

export { INDICATOR_KINDS };
export type IndicatorKind = (typeof INDICATOR_KINDS)[number];
export const LINK_VIAS = ['purchaser', 'dealer', 'case', 'serial_sequence'] as const;
/** How many of an indicator's traces in scope one listing shows (a dealer can be behind thousands). */
export const TRACES_SHOWN = 100;
/** How many linked guns one weapon's links show per tie (purchaser, dealer, case, serial sequence). */
export const LINKS_SHOWN = 50;

const Details = Type.Object(
  {
    purchaser: Type.Optional(
      Type.Object(
        { firstName: Type.String(), lastName: Type.String(), dateOfBirth: DateOnly },
        { additionalProperties: false },
      ),
    ),
    dealer: Type.Optional(Dealer),
    timeToCrimeDays: Type.Optional(Type.Integer()),
    saleDate: Type.Optional(Nullable(DateOnly)),
    manufacturer: Type.Optional(Type.String()),
    model: Type.Optional(Type.String()),
    serialPrefix: Type.Optional(
      Type.String({ description: 'The serials shared start, without their last two characters' }),
    ),
  },
  {
    ...component('IndicatorDetails'),
    additionalProperties: false,
    description:
      'By kind: repeat_purchaser {purchaser}; dealer_cluster {dealer}; short_time_to_crime {timeToCrimeDays, saleDate}; serial_sequence {manufacturer, model, serialPrefix}',
  },
);

export const Indicator = Type.Object(
  {
    id: Uuid,
    reference: Type.String({
      description: 'IN-<year>-<6 digits>, given when the indicator is first detected',
      example: 'IN-2026-000042',
    }),
    kind: Type.Enum(INDICATOR_KINDS),
    key: Type.String({
      example: 'LÓPEZ, JUAN (1985-03-14)',
      description:
        'What the traces share: the purchaser (LAST, FIRST (date of birth)), the dealer licence, the trace reference, or manufacturer | model | serial prefix',
    }),
    severity: Type.Enum(['medium', 'high'], {
      description:
        'high: time-to-crime under 180 days; 3 or more guns of one purchaser or serial sequence; 10 or more guns of one dealer',
    }),
    firstSeen: Timestamp,
    lastSeen: Timestamp,
    traceCount: Type.Integer({ minimum: 1, description: 'Every trace behind it, in scope or not' }),
    traces: Type.Array(
      Type.Object({ id: Uuid, reference: Type.String(), agencyId: Uuid }, { additionalProperties: false }),
      {
        description: `The traces behind it that the caller may read, newest first (at most ${TRACES_SHOWN})`,
      },
    ),
    tracesOutsideScope: Type.Integer({
      minimum: 0,
      description: 'Traces behind it that the caller may not read: counted, never listed',
    }),
    details: Details,
  },
  component('Indicator'),
);
export type Indicator = Static<typeof Indicator>;

export const IndicatorQuery = Type.Object(
  {
    kind: Type.Optional(Type.Enum(INDICATOR_KINDS)),
    from: Type.Optional(DateInput('Indicators active on or after this day (last seen)')),
    to: Type.Optional(DateInput('Indicators first seen on or before this day')),
    traceId: Type.Optional({ ...Uuid, description: 'Only the indicators this trace belongs to (a trace in scope)' }),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type IndicatorQuery = Static<typeof IndicatorQuery>;

export const WeaponLinks = Type.Object(
  {
    weapon: Weapon,
    purchaser: Nullable(Purchaser),
    dealer: Nullable(Dealer),
    related: Type.Array(
      Type.Object(
        {
          weaponId: Uuid,
          reference: Type.String({ description: 'A trace of the linked gun (the newest in scope)' }),
          via: Type.Enum(LINK_VIAS),
        },
        { ...component('WeaponLink'), additionalProperties: false },
      ),
      { description: `Newest first within each tie, at most ${LINKS_SHOWN} per tie` },
    ),
  },
  {
    ...component('WeaponLinks'),
    description:
      'The gun, its purchaser and dealer from its newest completed trace in scope, and the other guns in scope tied to it. ' +
      'Stockpile managers get no purchaser and no links through a purchaser.',
  },
);
export type WeaponLinks = Static<typeof WeaponLinks>;
