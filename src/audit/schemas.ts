import Type, { type Static } from 'typebox';
import { Nullable, Timestamp, TimestampInput, Uuid } from '../shared/fields.ts';
import { component, PageQuery } from '../shared/schemas.ts';
import { RoleSchema } from '../shared/actor.ts';

export const AuditQuery = Type.Object(
  {
    entity: Type.Optional(Type.String({ maxLength: 64, example: 'trace' })),
    entityId: Type.Optional(Type.String({ maxLength: 64 })),
    actorId: Type.Optional(Uuid),
    action: Type.Optional(Type.String({ maxLength: 64, example: 'trace.approve' })),
    outcome: Type.Optional(Type.Enum(['success', 'denied', 'failure'])),
    from: Type.Optional(TimestampInput('Entries at or after this instant')),
    to: Type.Optional(TimestampInput('Entries before this instant')),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type AuditQuery = Static<typeof AuditQuery>;

export const AuditEntry = Type.Object(
  {
    id: Type.Integer(),
    at: Timestamp,
    component: Type.Enum(['api', 'worker', 'cli']),
    action: Type.String({ example: 'trace.approve' }),
    outcome: Type.Enum(['success', 'denied', 'failure']),
    actorId: Nullable(Uuid),
    role: Nullable(RoleSchema),
    agencyId: Nullable(Uuid),
    entity: Nullable(Type.String({ example: 'trace' })),
    entityId: Nullable(Type.String()),
    requestId: Nullable(Type.String()),
    ip: Nullable(Type.String()),
    details: Nullable(Type.Object({}, { additionalProperties: true })),
  },
  component('AuditEntry'),
);
export type AuditEntry = Static<typeof AuditEntry>;
