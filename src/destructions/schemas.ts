import { OpenAlerts } from '../alerts/schemas.ts';
import Type, { type Static } from 'typebox';
import { DateInput, DateOnly, Nullable, Text, Timestamp, TimestampInput, Uuid } from '../shared/fields.ts';
import { component, PageQuery, RecordStamps } from '../shared/schemas.ts';
import { RoleSchema } from '../shared/actor.ts';
import { DESTRUCTION_BLOCKERS, ItemStatus } from '../stockpile/schemas.ts';
import { Weapon } from '../weapons/schemas.ts';

export const METHODS = ['cutting', 'crushing', 'smelting', 'shredding', 'burning', 'other'] as const;
export const Method = Type.Enum(METHODS);
export const DESTRUCTION_STATUSES = ['planned', 'completed', 'verified'] as const;
export const DestructionStatus = Type.Enum(DESTRUCTION_STATUSES);
export const Witness = Type.Object(
  { name: Text(200), organization: Text(200) },
  { ...component('Witness'), additionalProperties: false },
);

export const DestructionCreate = Type.Object(
  {
    plannedFor: DateInput(),
    method: Method,
    location: Text(300),
    itemIds: Type.Array(Type.String({ format: 'uuid' }), { minItems: 1, maxItems: 20_000, uniqueItems: true }),
  },
  { ...component('DestructionCreate'), additionalProperties: false },
);
export type DestructionCreate = Static<typeof DestructionCreate>;

export const DestructionComplete = Type.Object(
  {
    performedAt: TimestampInput('Not in the future'),
    witnesses: Type.Array(Witness, { minItems: 2, maxItems: 50, description: 'At least two witnesses who sign' }),
    certificateNumber: Type.Optional(Text(100)),
    notes: Type.Optional(Text(4000)),
  },
  { ...component('DestructionComplete'), additionalProperties: false },
);
export type DestructionComplete = Static<typeof DestructionComplete>;

export const DestructionVerify = Type.Object(
  { notes: Type.Optional(Text(4000)) },
  { ...component('DestructionVerify'), additionalProperties: false },
);

export const DestructionQuery = Type.Object(
  { status: Type.Optional(DestructionStatus), ...PageQuery },
  { additionalProperties: false },
);
export type DestructionQuery = Static<typeof DestructionQuery>;

export const IneligibleReason = Type.Enum(['not_found', 'other_agency', ...DESTRUCTION_BLOCKERS]);
export type IneligibleReason = Static<typeof IneligibleReason>;

export const Destruction = Type.Object(
  {
    id: Uuid,
    reference: Type.String({ example: 'DE-2026-0007' }),
    agencyId: Uuid,
    status: DestructionStatus,
    plannedFor: DateOnly,
    method: Method,
    location: Type.String(),
    itemCount: Type.Integer({ minimum: 0 }),
    performedAt: Nullable(Timestamp),
    witnesses: Nullable(Type.Array(Type.Object({ name: Type.String(), organization: Type.String() }))),
    certificateNumber: Nullable(Type.String()),
    notes: Nullable(Type.String()),
    completedBy: Nullable(Uuid),
    completedAt: Nullable(Timestamp),
    verifiedBy: Nullable(Uuid),
    verifiedAt: Nullable(Timestamp),
    verificationNotes: Nullable(Type.String()),
    ...RecordStamps,
  },
  component('Destruction', { versioned: true }),
);
export type Destruction = Static<typeof Destruction>;

export const DestructionItem = Type.Object(
  {
    itemId: Uuid,
    reference: Type.String(),
    status: ItemStatus,
    weapon: Weapon,
    traces: Type.Array(
      Type.Object({
        id: Uuid,
        reference: Type.String(),
        status: Type.String({ description: 'A trace status', example: 'completed' }),
        outcome: Nullable(Type.String({ description: 'A trace outcome', example: 'purchaser_identified' })),
      }),
    ),
    openAlerts: OpenAlerts,
  },
  component('DestructionItem'),
);
const Person = Type.Object(
  { id: Uuid, name: Type.String(), role: RoleSchema },
  { ...component('DestructionPerson'), additionalProperties: false },
);
export const DestructionDetail = Type.Object(
  {
    ...Destruction.properties,
    completedByUser: Type.Union([Person, Type.Null()], { description: 'Who completed it' }),
    verifiedByUser: Type.Union([Person, Type.Null()], { description: 'Who verified it' }),
    items: Type.Array(DestructionItem),
  },
  component('DestructionDetail', { versioned: true }),
);
export type DestructionDetail = Static<typeof DestructionDetail>;
