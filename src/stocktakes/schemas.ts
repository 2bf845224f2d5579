import Type, { type Static } from 'typebox';
import { Nullable, Text, Timestamp, Uuid } from '../shared/fields.ts';
import { component, PageQuery } from '../shared/schemas.ts';
import { ItemStatus } from '../stockpile/schemas.ts';
import { WeaponType } from '../weapons/schemas.ts';

export const STOCKTAKE_STATUSES = ['open', 'counting', 'closed'] as const;
export const StocktakeStatus = Type.Enum(STOCKTAKE_STATUSES);
export const CONDITIONS = ['ok', 'damaged'] as const;
/**
 * Where a line stands: `counted` (expected and counted), `pending` (expected, not counted yet: open stocktakes only),
 * `missing` (expected, not counted at close, still recorded in custody), `left` (expected, not counted, and its
 * destruction completed while the count was open), `unexpected` (counted, not expected).
 */
export const LINE_OUTCOMES = ['counted', 'pending', 'missing', 'left', 'unexpected'] as const;
export const LineOutcome = Type.Enum(LINE_OUTCOMES);
/**
 * Why a line is not a plain count: `taken_in_during_count` (taken into this store after the count opened),
 * `recorded_elsewhere` (its record names another storage location: moved without a record), `recorded_destroyed` (its
 * record says destroyed), `destroyed_during_count` (expected, and destroyed while the count was open).
 */
export const EXPLANATIONS = [
  'taken_in_during_count',
  'recorded_elsewhere',
  'recorded_destroyed',
  'destroyed_during_count',
] as const;
export const Explanation = Type.Enum(EXPLANATIONS);
export type Explanation = Static<typeof Explanation>;
export const COUNT_RESULTS = ['counted', 'already_counted', 'unexpected'] as const;

export const StocktakeCreate = Type.Object(
  { storageLocation: Text(200), note: Type.Optional(Text(2000)) },
  { ...component('StocktakeCreate'), additionalProperties: false },
);
export type StocktakeCreate = Static<typeof StocktakeCreate>;

export const CountBody = Type.Object(
  {
    itemReference: Type.Optional({
      ...Text(100),
      description: 'The item reference as printed and encoded in the QR code of its label (SI-2026-000042)',
    }),
    manufacturer: Type.Optional(Text(120)),
    serialNumber: Type.Optional(Text(64)),
    condition: Type.Optional(Type.Enum(CONDITIONS, { description: 'Defaults to ok' })),
    note: Type.Optional(Text(2000)),
  },
  {
    ...component('StocktakeCount'),
    additionalProperties: false,
    description:
      'Either `itemReference`, or `manufacturer` with `serialNumber` (spaces, dashes, dots and slashes ignored, any case).',
  },
);
export type CountBody = Static<typeof CountBody>;

export const CloseBody = Type.Object(
  { note: Text(2000) },
  { ...component('StocktakeClose'), additionalProperties: false },
);
export type CloseBody = Static<typeof CloseBody>;

const Person = Type.Object({ id: Uuid, name: Type.String() }, { additionalProperties: false });

export const StocktakeLine = Type.Object(
  {
    itemId: Uuid,
    itemReference: Type.String({ example: 'SI-2026-000042' }),
    weapon: Type.Object(
      {
        manufacturer: Type.String(),
        model: Type.String(),
        caliber: Type.String(),
        type: WeaponType,
        serialNumber: Nullable(Type.String()),
      },
      { additionalProperties: false },
    ),
    itemStatus: ItemStatus,
    itemLocation: Type.String({ description: 'The storage location the item’s record names now' }),
    expected: Type.Boolean(),
    outcome: LineOutcome,
    explanation: Nullable(Explanation),
    countedAt: Nullable(Timestamp),
    countedBy: Nullable(Person),
    condition: Nullable(Type.Enum(CONDITIONS)),
    note: Nullable(Type.String()),
  },
  { ...component('StocktakeLine'), additionalProperties: false },
);
export type StocktakeLine = Static<typeof StocktakeLine>;

export const Stocktake = Type.Object(
  {
    id: Uuid,
    reference: Type.String({ example: 'ST-2026-000042' }),
    agencyId: Uuid,
    agency: Type.Object({ code: Type.String(), name: Type.String(), country: Type.String() }),
    storageLocation: Type.String(),
    status: StocktakeStatus,
    note: Nullable(Type.String()),
    expected: Type.Integer({ description: 'Items in custody or scheduled at the location when the stocktake opened' }),
    counted: Type.Integer({ description: 'Expected items counted so far' }),
    unexpectedCount: Type.Integer({ description: 'Items counted that were not expected' }),
    missingCount: Nullable(Type.Integer({ description: 'Expected items not counted, once closed; null while open' })),
    openedBy: Uuid,
    openedByName: Type.String(),
    openedAt: Timestamp,
    closedBy: Nullable(Uuid),
    closedByName: Nullable(Type.String()),
    closedAt: Nullable(Timestamp),
    closingNote: Nullable(Type.String()),
  },
  component('Stocktake'),
);
export type Stocktake = Static<typeof Stocktake>;

export const StocktakeDetail = Type.Object(
  {
    ...Stocktake.properties,
    missing: Type.Array(StocktakeLine, {
      description: 'Once closed: the expected items not counted; empty while open',
    }),
    unexpected: Type.Array(StocktakeLine, { description: 'The items counted that were not expected, each explained' }),
    left: Type.Array(StocktakeLine, {
      description: 'Once closed: expected items not counted because their destruction completed during the count',
    }),
  },
  component('StocktakeDetail'),
);
export type StocktakeDetail = Static<typeof StocktakeDetail>;

export const CountAnswer = Type.Object(
  {
    result: Type.Enum(COUNT_RESULTS, {
      description: '`already_counted`: this item was counted before (by anyone); nothing changed',
    }),
    line: StocktakeLine,
    tally: Type.Object(
      { expected: Type.Integer(), counted: Type.Integer(), unexpected: Type.Integer() },
      { additionalProperties: false },
    ),
  },
  { ...component('StocktakeCountAnswer'), additionalProperties: false },
);
export type CountAnswer = Static<typeof CountAnswer>;

export const StocktakeQuery = Type.Object(
  {
    status: Type.Optional(StocktakeStatus),
    storageLocation: Type.Optional(Text(200)),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type StocktakeQuery = Static<typeof StocktakeQuery>;

export const LineQuery = Type.Object(
  { outcome: Type.Optional(LineOutcome), ...PageQuery },
  { additionalProperties: false },
);
export type LineQuery = Static<typeof LineQuery>;

export const Store = Type.Object(
  {
    agency: Type.Object({ id: Uuid, code: Type.String(), name: Type.String(), country: Type.String() }),
    storageLocation: Type.String(),
    items: Type.Integer({ description: 'Items in custody or scheduled there now' }),
    lastCount: Nullable(
      Type.Object(
        { stocktakeId: Uuid, reference: Type.String(), closedAt: Timestamp, missing: Type.Integer() },
        { additionalProperties: false, description: 'The last closed stocktake of the store' },
      ),
    ),
    openStocktake: Nullable(Type.Object({ id: Uuid, reference: Type.String() }, { additionalProperties: false })),
    overdue: Type.Boolean({
      description: 'No closed stocktake within the last year (ISACS 05.20: a full count of every store yearly)',
    }),
  },
  { ...component('Store'), additionalProperties: false },
);
export type Store = Static<typeof Store>;
