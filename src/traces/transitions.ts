import type { Role } from '../shared/actor.ts';
import type { TRACE_EVENT_TYPES, TraceStatus } from './schemas.ts';

/** The events a transition records; `updated` and `stage_completed` are recorded outside the table. */
type EventType = Exclude<(typeof TRACE_EVENT_TYPES)[number], 'updated' | 'stage_completed'>;

/** Submitted and not yet final or cancelled: what an advisor can still assign or escalate. */
export const OPEN_STATUSES = ['pending_review', 'queued', 'in_progress', 'needs_info', 'failed'] as const;

export interface Transition {
  from: readonly (TraceStatus | null)[];
  /** `unchanged`: a review action that keeps the status (assignment, escalation) but is checked and recorded alike. */
  to: TraceStatus | 'review_or_queue' | 'unchanged';
  by: readonly (Role | 'system')[];
  event: EventType;
  /** Separation of duties: never performed by the person who created or last submitted the trace. */
  independent?: true;
}

/** The contract's trace lifecycle. Every status change, creation included, goes through this table. */
export const TRANSITIONS = {
  create_draft: { from: [null], to: 'draft', by: ['investigator'], event: 'created' },
  submit: { from: [null, 'draft', 'needs_info'], to: 'review_or_queue', by: ['investigator'], event: 'submitted' },
  approve: { from: ['pending_review'], to: 'queued', by: ['advisor'], event: 'approved', independent: true },
  return: { from: ['pending_review'], to: 'needs_info', by: ['advisor'], event: 'returned', independent: true },
  start: { from: ['queued'], to: 'in_progress', by: ['system'], event: 'started' },
  complete: { from: ['in_progress'], to: 'completed', by: ['system'], event: 'completed' },
  mark_not_traceable: { from: ['in_progress'], to: 'not_traceable', by: ['system'], event: 'not_traceable' },
  request_info: { from: ['in_progress'], to: 'needs_info', by: ['system'], event: 'needs_info' },
  fail: { from: ['queued', 'in_progress'], to: 'failed', by: ['system'], event: 'failed' },
  retry: { from: ['failed'], to: 'queued', by: ['advisor'], event: 'retried' },
  cancel: {
    from: ['draft', 'pending_review', 'needs_info', 'queued', 'failed'],
    to: 'cancelled',
    by: ['investigator', 'advisor'],
    event: 'cancelled',
  },
  assign: { from: OPEN_STATUSES, to: 'unchanged', by: ['advisor'], event: 'assigned' },
  escalate: { from: OPEN_STATUSES, to: 'unchanged', by: ['advisor'], event: 'escalated' },
} as const satisfies Record<string, Transition>;

export type TraceAction = keyof typeof TRANSITIONS;

export const rolesFor = (action: TraceAction): Role[] =>
  (TRANSITIONS[action].by as readonly (Role | 'system')[]).filter((r): r is Role => r !== 'system');

/** Whether `role` may perform `action` on a trace that is `from`: the web UI offers exactly these actions. */
export const allows = (action: TraceAction, from: TraceStatus | null, role: Role | 'system') => {
  const rule: Transition = TRANSITIONS[action];
  return rule.by.includes(role) && rule.from.includes(from);
};

/** Entering one of these begins a new run of the trace: nothing of an earlier run (stage, tries, result) carries over. */
export const STARTS_NEW_RUN: readonly TraceStatus[] = ['pending_review', 'queued'];

/** Statuses in which an investigator may still change a trace (PATCH); editing is not a transition. */
export const EDITABLE = ['draft', 'needs_info'] as const satisfies readonly TraceStatus[];
