import { OpenAlerts } from '../alerts/schemas.ts';
import { RegistryMatches } from '../shared/registry-match.ts';
import Type, { type Static } from 'typebox';
import { CountryCode, Nullable, Text, Timestamp, Uuid } from '../shared/fields.ts';
import { component, PageQuery } from '../shared/schemas.ts';

export const WEAPON_TYPES = [
  'pistol',
  'revolver',
  'rifle',
  'shotgun',
  'submachine_gun',
  'machine_gun',
  'derringer',
  'receiver_frame',
  'other',
] as const;
export const WeaponType = Type.Enum(WEAPON_TYPES);

export const WeaponInput = Type.Object(
  {
    manufacturer: Text(120),
    model: Text(120),
    caliber: Text(60),
    type: WeaponType,
    serialNumber: Type.Optional(Text(64)),
    serialObliterated: Type.Optional(Type.Boolean({ default: false, description: 'Defaults to false' })),
    importer: Type.Optional(Text(200)),
    countryOfManufacture: CountryCode,
  },
  {
    ...component('WeaponInput'),
    additionalProperties: false,
    description:
      '`serialNumber` is required unless `serialObliterated`; `importer` is expected when made outside the US.',
  },
);
export type WeaponInput = Static<typeof WeaponInput>;

export const WeaponDescription = Type.Object(
  {
    manufacturer: Type.String(),
    model: Type.String(),
    caliber: Type.String(),
    type: WeaponType,
    serialNumber: Nullable(Type.String()),
    serialObliterated: Type.Boolean(),
    importer: Nullable(Type.String()),
    countryOfManufacture: CountryCode,
  },
  component('WeaponDescription'),
);
export type WeaponDescription = Static<typeof WeaponDescription>;

export const Weapon = Type.Object(
  { id: Uuid, ...WeaponDescription.properties, createdAt: Timestamp },
  component('Weapon'),
);
export type Weapon = Static<typeof Weapon>;

export const WeaponQuery = Type.Object(
  {
    serial: Type.Optional(Text(64)),
    serialPrefix: Type.Optional({
      ...Text(64, 3),
      description:
        'Weapons whose normalized serial starts with this (3 characters or more: spaces, dashes, dots and slashes ' +
        'ignored, any case), for searching as one types; `serial` matches the whole serial',
    }),
    manufacturer: Type.Optional(Text(120)),
    caseId: Type.Optional(Type.String({ format: 'uuid', description: 'Only the weapons linked to this case' })),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type WeaponQuery = Static<typeof WeaponQuery>;

export const WeaponCase = Type.Object(
  {
    id: Uuid,
    agencyId: Uuid,
    caseNumber: Type.String(),
    title: Type.String(),
    offense: Type.String({ example: 'homicide' }),
    status: Type.String({ description: 'A case status', example: 'open' }),
  },
  component('WeaponCase'),
);
export const WeaponTrace = Type.Object(
  {
    id: Uuid,
    reference: Type.String(),
    status: Type.String({ description: 'A trace status', example: 'completed' }),
    outcome: Nullable(Type.String({ description: 'A trace outcome', example: 'purchaser_identified' })),
    caseId: Uuid,
  },
  component('WeaponTrace'),
);
export const StockpileSummary = Nullable(
  Type.Object({
    itemId: Uuid,
    reference: Type.String(),
    status: Type.String({ description: 'A stockpile item status', example: 'in_custody' }),
    evidenceHold: Type.Boolean(),
    destruction: Nullable(
      Type.Object({
        id: Uuid,
        reference: Type.String(),
        performedAt: Nullable(Timestamp),
        method: Type.String(),
        verifiedAt: Nullable(Timestamp),
      }),
    ),
  }),
);
export const WeaponDetail = Type.Object(
  {
    weapon: Weapon,
    cases: Type.Array(WeaponCase),
    otherCasesOutsideScope: Type.Integer({ minimum: 0 }),
    traces: Type.Array(WeaponTrace),
    stockpile: StockpileSummary,
    registryMatches: RegistryMatches,
    openAlerts: OpenAlerts,
  },
  component('WeaponDetail'),
);
export type WeaponDetail = Static<typeof WeaponDetail>;
