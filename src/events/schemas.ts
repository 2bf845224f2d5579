import Type, { type Static } from 'typebox';
import { Nullable, Timestamp, Uuid } from '../shared/fields.ts';
import { component } from '../shared/schemas.ts';

export const EVENT_TYPES = [
  'trace.status_changed',
  'alert.created',
  'destruction.completed',
  'destruction.verified',
] as const;
export type EventType = (typeof EVENT_TYPES)[number] | 'ping';

/** What every event says, by type; never possessor or purchaser data. */
export const Event = Type.Object(
  {
    id: Type.String({
      description: "Increasing; the stream's `id:` and the webhook's `Rastreo-Event-Id`",
      example: '1042',
    }),
    type: Type.Enum([...EVENT_TYPES, 'ping']),
    occurredAt: Timestamp,
    data: Type.Union([
      Type.Object(
        {
          traceId: Uuid,
          reference: Type.String(),
          agencyId: Uuid,
          fromStatus: Nullable(Type.String()),
          toStatus: Type.String(),
          outcome: Nullable(Type.String()),
        },
        { ...component('TraceStatusChanged'), additionalProperties: false },
      ),
      Type.Object(
        {
          alertId: Uuid,
          kind: Type.String(),
          severity: Type.String(),
          subject: Type.Object({ type: Type.String(), id: Uuid, reference: Type.String() }),
        },
        { ...component('AlertCreated'), additionalProperties: false },
      ),
      Type.Object(
        { destructionId: Uuid, reference: Type.String(), agencyId: Uuid },
        { ...component('DestructionDone'), additionalProperties: false },
      ),
      Type.Object({ webhookId: Uuid, message: Type.String() }, { ...component('Ping'), additionalProperties: false }),
    ]),
  },
  component('Event'),
);
export type Event = Static<typeof Event>;
