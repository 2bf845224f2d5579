import Type, { type Static } from 'typebox';
import { Nullable, Uuid } from '../shared/fields.ts';
import { component, PageQuery } from '../shared/schemas.ts';
import { StatusList, Trace, TRACE_STATUSES } from '../traces/schemas.ts';
import { OPEN_STATUSES } from '../traces/transitions.ts';

export const DEFAULT_QUEUE_STATUSES = ['pending_review', 'failed'] as const;
/** Statuses that still need someone: what urgent, overdue and oldest-waiting count. */
export { OPEN_STATUSES };

export const QueueQuery = Type.Object(
  {
    status: Type.Optional({ ...StatusList, description: 'Comma-separated statuses; default pending_review,failed' }),
    agencyId: Type.Optional(Uuid),
    urgent: Type.Optional(Type.Boolean()),
    assignedTo: Type.Optional(
      Type.String({
        pattern: '^(me|none|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$',
        description: '`me`, `none` or a user id',
      }),
    ),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type QueueQuery = Static<typeof QueueQuery>;

export const QueueItem = Type.Object(
  {
    ...Trace.properties,
    waitingSeconds: Type.Integer({ minimum: 0, description: 'Since the last status change' }),
    overdue: Type.Boolean({
      description: 'Waiting longer than the SLA: SLA_URGENT_HOURS for urgent traces, SLA_ROUTINE_DAYS for others',
    }),
  },
  component('QueueItem'),
);
export type QueueItem = Static<typeof QueueItem>;

const ByStatus = Type.Object(Object.fromEntries(TRACE_STATUSES.map((s) => [s, Type.Integer({ minimum: 0 })])));

export const QueueSummary = Type.Object(
  {
    byStatus: ByStatus,
    byAgency: Type.Array(Type.Object({ agencyId: Uuid, code: Type.String(), byStatus: ByStatus })),
    urgent: Type.Integer({ minimum: 0, description: `Urgent traces in an open status (${OPEN_STATUSES.join(', ')})` }),
    overdue: Type.Integer({
      minimum: 0,
      description: 'Open traces waiting past their SLA since their last status change',
    }),
    oldestWaitingSeconds: Nullable(Type.Integer({ minimum: 0, description: 'Longest wait among open traces' })),
    completedLast24h: Type.Integer({
      minimum: 0,
      description: 'Traces that reached completed or not_traceable in the last 24 h',
    }),
    medianTurnaroundSeconds: Nullable(
      Type.Number({ description: 'Submitted → completed/not_traceable, over traces finished in the last 30 days' }),
    ),
  },
  component('QueueSummary'),
);
export type QueueSummary = Static<typeof QueueSummary>;
