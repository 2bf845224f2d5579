import Type, { type Static, type TSchema } from 'typebox';
import { ALERT_KINDS, ALERT_RECORD_TYPES, ALERT_SEVERITIES } from '../alerts/schemas.ts';
import { STAGES, TRACE_OUTCOMES, TRACE_STATUSES } from '../traces/schemas.ts';
import { Nullable, Timestamp, Uuid } from '../shared/fields.ts';
import { component } from '../shared/schemas.ts';

export const EVENT_TYPES = [
  'trace.status_changed',
  'trace.stage_completed',
  'alert.created',
  'destruction.completed',
  'destruction.verified',
] as const;
export type EventType = (typeof EVENT_TYPES)[number] | 'ping';

const Id = Type.String({
  description: "Increasing; the stream's `id:` and the webhook's `Rastreo-Event-Id`",
  example: '1042',
});

const TraceStatus = Type.Enum(TRACE_STATUSES);
const DestructionDone = Type.Object(
  { destructionId: Uuid, reference: Type.String(), agencyId: Uuid },
  { ...component('DestructionDone'), additionalProperties: false },
);

/** One kind of event: its `type` and what its `data` holds. */
const eventOf = <K extends (typeof EVENT_TYPES)[number] | 'ping', T extends TSchema>(type: K, name: string, data: T) =>
  Type.Object(
    { id: Id, type: Type.Literal(type), occurredAt: Timestamp, data },
    { ...component(name), additionalProperties: false },
  );

/** What every event says, told apart by `type`; never possessor or purchaser data. */
export const Event = Type.Union(
  [
    eventOf(
      'trace.status_changed',
      'TraceStatusChangedEvent',
      Type.Object(
        {
          traceId: Uuid,
          reference: Type.String(),
          agencyId: Uuid,
          fromStatus: Nullable(TraceStatus),
          toStatus: TraceStatus,
          outcome: Nullable(Type.Enum(TRACE_OUTCOMES)),
        },
        { ...component('TraceStatusChanged'), additionalProperties: false },
      ),
    ),
    eventOf(
      'trace.stage_completed',
      'TraceStageCompletedEvent',
      Type.Object(
        { traceId: Uuid, reference: Type.String(), agencyId: Uuid, stage: Type.Enum(STAGES) },
        {
          ...component('TraceStageCompleted'),
          additionalProperties: false,
          description:
            'The tracing center answered one stage of an in_progress trace (an addition to the contract’s events, ' +
            'so open pages follow the stages without polling). Its facts are read with GET /traces/:id.',
        },
      ),
    ),
    eventOf(
      'alert.created',
      'AlertCreatedEvent',
      Type.Object(
        {
          alertId: Uuid,
          kind: Type.Enum(ALERT_KINDS),
          severity: Type.Enum(ALERT_SEVERITIES),
          subject: Type.Object({ type: Type.Enum(ALERT_RECORD_TYPES), id: Uuid, reference: Type.String() }),
        },
        { ...component('AlertCreated'), additionalProperties: false },
      ),
    ),
    eventOf('destruction.completed', 'DestructionCompletedEvent', DestructionDone),
    eventOf('destruction.verified', 'DestructionVerifiedEvent', DestructionDone),
    eventOf(
      'ping',
      'PingEvent',
      Type.Object({ webhookId: Uuid, message: Type.String() }, { ...component('Ping'), additionalProperties: false }),
    ),
  ],
  { ...component('Event'), discriminator: { propertyName: 'type' } },
);
export type Event = Static<typeof Event>;
