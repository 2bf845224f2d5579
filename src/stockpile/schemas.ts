import { RoleSchema } from '../shared/actor.ts';
import { RegistryMatches } from '../shared/registry-match.ts';
import Type, { type Static } from 'typebox';
import { DateInput, DateOnly, Nullable, Text, Timestamp, Uuid } from '../shared/fields.ts';
import { component, PageQuery, RecordStamps } from '../shared/schemas.ts';
import { Weapon, WeaponInput } from '../weapons/schemas.ts';
import { OpenAlerts } from '../alerts/schemas.ts';

export const ITEM_SOURCES = ['seized', 'surplus', 'surrendered', 'found'] as const;
export const ItemSource = Type.Enum(ITEM_SOURCES);
export const ITEM_STATUSES = ['in_custody', 'scheduled', 'destroyed'] as const;
export const ItemStatus = Type.Enum(ITEM_STATUSES);
/**
 * Why an item of the caller's agency cannot be planned for destruction now: the reasons POST /destructions would give.
 * `stolen_report`: its gun has an active stolen/lost report; `critical_alert`: a critical alert about its gun is not closed.
 */
export const DESTRUCTION_BLOCKERS = [
  'not_in_custody',
  'evidence_hold',
  'open_trace',
  'stolen_report',
  'critical_alert',
] as const;
export const DestructionBlocker = Type.Enum(DESTRUCTION_BLOCKERS);
export type DestructionBlocker = Static<typeof DestructionBlocker>;

export const ItemCreate = Type.Object(
  {
    weaponId: Type.Optional(Uuid),
    weapon: Type.Optional(WeaponInput),
    source: ItemSource,
    intakeDate: DateInput('Not in the future'),
    storageLocation: Text(200),
    caseId: Type.Optional(Uuid),
    evidenceHold: Type.Optional(Type.Boolean({ description: 'Defaults to true when caseId is given, else false' })),
  },
  {
    ...component('ItemCreate'),
    additionalProperties: false,
    description: 'Exactly one of `weaponId` (a weapon in your scope) and `weapon` (found-or-created by identity).',
  },
);
export type ItemCreate = Static<typeof ItemCreate>;

export const ItemQuery = Type.Object(
  { status: Type.Optional(ItemStatus), evidenceHold: Type.Optional(Type.Boolean()), ...PageQuery },
  { additionalProperties: false },
);
export type ItemQuery = Static<typeof ItemQuery>;

export const StockpileItem = Type.Object(
  {
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
    destructionBlockers: Type.Array(DestructionBlocker, {
      description: 'Why the item cannot be planned for destruction now; empty when it can',
    }),
    openTrace: Nullable(
      Type.Object(
        { id: Uuid, reference: Type.String() },
        {
          description:
            'The oldest trace of the weapon by the item’s agency that is not final; `open_trace` also counts other agencies’ traces',
        },
      ),
    ),
    registryMatches: RegistryMatches,
    openAlerts: OpenAlerts,
    ...RecordStamps,
  },
  component('StockpileItem', { versioned: true }),
);
export type StockpileItem = Static<typeof StockpileItem>;

export const ItemEvent = Type.Object(
  {
    at: Timestamp,
    type: Type.Enum(['intake', 'hold', 'release_hold', 'scheduled', 'unscheduled', 'destroyed']),
    actor: Nullable(Type.Object({ id: Uuid, name: Type.String(), role: RoleSchema }, { additionalProperties: false })),
    reason: Nullable(Type.String({ description: 'Why a hold was placed or released' })),
    destructionId: Nullable(Uuid),
  },
  { ...component('StockpileItemEvent'), additionalProperties: false },
);
export type ItemEvent = Static<typeof ItemEvent>;

export const LABEL_LAYOUT_NAMES = ['a4_3x8', 'a4_2x7', 'roll_62x29'] as const;
export const LabelLayoutSchema = Type.Enum(LABEL_LAYOUT_NAMES, {
  description:
    'A4 sheets of 24 (3 × 8, 63.5 × 33.9 mm, as Avery L7159) or 14 (2 × 7, 99.1 × 38.1 mm, as L7163), or 62 × 29 mm ' +
    'labels one per page for a label printer',
});
export const LabelQuery = Type.Object(
  { layout: Type.Optional({ ...LabelLayoutSchema, description: 'Defaults to roll_62x29' }) },
  { additionalProperties: false },
);
export const LabelsBody = Type.Object(
  {
    itemIds: Type.Optional(Type.Array(Uuid, { minItems: 1, maxItems: 1000, uniqueItems: true })),
    storageLocation: Type.Optional({
      ...Text(200),
      description: 'Every item in custody or scheduled at this location',
    }),
    layout: Type.Optional({ ...LabelLayoutSchema, description: 'Defaults to a4_3x8' }),
  },
  {
    ...component('LabelsRequest'),
    additionalProperties: false,
    description: 'Exactly one of `itemIds` (items in your scope, printed in reference order) and `storageLocation`.',
  },
);
export type LabelsBody = Static<typeof LabelsBody>;
