import Type, { type Static } from 'typebox';
import { DateOnly, Nullable, PageQuery, Text, Timestamp, Uuid } from '../http/schemas.ts';
import { Weapon, WeaponInput } from '../weapons/schemas.ts';

export const ItemSource = Type.Enum(['seized', 'surplus', 'surrendered', 'found']);
export const ItemStatus = Type.Enum(['in_custody', 'scheduled', 'destroyed']);

export const ItemCreate = Type.Object(
  {
    weaponId: Type.Optional(Uuid),
    weapon: Type.Optional(WeaponInput),
    source: ItemSource,
    intakeDate: Type.String({ format: 'date', description: 'Not in the future' }),
    storageLocation: Text(200),
    caseId: Type.Optional(Uuid),
    evidenceHold: Type.Optional(Type.Boolean({ description: 'Defaults to true when caseId is given, else false' })),
  },
  { additionalProperties: false, description: 'Exactly one of `weaponId` (a weapon in your scope) and `weapon` (found-or-created by identity).' },
);

export const ItemQuery = Type.Object(
  { status: Type.Optional(ItemStatus), evidenceHold: Type.Optional(Type.Boolean()), ...PageQuery },
  { additionalProperties: false },
);

export const StockpileItem = Type.Object({
  id: Uuid,
  reference: Type.String({ example: 'SI-2026-000042' }),
  agencyId: Uuid,
  weaponId: Uuid,
  weapon: Weapon,
  caseId: Nullable(Uuid),
  source: ItemSource,
  intakeDate: DateOnly,
  storageLocation: Type.String(),
  status: ItemStatus,
  evidenceHold: Type.Boolean(),
  destructionId: Nullable(Uuid),
  createdBy: Uuid,
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export type ItemCreate = Static<typeof ItemCreate>;
export type ItemQuery = Static<typeof ItemQuery>;
export type StockpileItem = Static<typeof StockpileItem>;
