import { conflict, forbidden, invalidField, notFound, preconditionFailed, type Problem } from '../shared/problem.ts';
import { satisfies, type Precondition } from '../shared/versioned.ts';
import type { RequestContext } from '../shared/actor.ts';
import type { TraceStatus } from './schemas.ts';
import { TRANSITIONS, type TraceAction, type Transition } from './transitions.ts';

export { rolesFor, TRANSITIONS, type TraceAction } from './transitions.ts';

/** Who performs a transition: a signed-in user, or the trace worker. */
export type Performer = { ctx: RequestContext } | { system: 'worker' };

/**
 * A transition as the write statements carry it out: which statuses it may start from, where it leads (a status; for a
 * submission, review or the queue as the review rule decides; or the same status), and what it records. Made from the
 * transition table, so every change of a trace — creation included — follows it.
 */
export interface TransitionPlan {
  action: TraceAction;
  from: readonly (TraceStatus | null)[];
  to: Transition['to'];
  event: Transition['event'];
  independent: boolean;
  /** Audit action, e.g. `trace.approve`. */
  audit: string;
}

const who = (performer: Performer) => ('system' in performer ? 'system' : performer.ctx.actor.role);

/** The plan of `action` for this performer; 403 when the table does not let their role do it. */
export function planTransition(action: TraceAction, performer: Performer): TransitionPlan {
  const rule: Transition = TRANSITIONS[action];
  const role = who(performer);
  if (!rule.by.includes(role)) throw forbidden(`A ${role} may not ${action.replace('_', ' ')} a trace.`);
  return {
    action,
    from: rule.from,
    to: rule.to,
    event: rule.event,
    independent: rule.independent ?? false,
    audit: `trace.${action}`,
  };
}

/** What the trace was like when a transition changed nothing: enough to say why. */
export interface RefusedState {
  status: TraceStatus;
  created_by: string;
  submitted_by: string | null;
  urgent: boolean;
  version: number;
  assignee_ok?: boolean;
}

/** Why a planned transition did not happen, from the trace's state at that moment (undefined: not found in scope). */
export function refusal(
  plan: TransitionPlan,
  state: RefusedState | undefined,
  performer: Performer,
  precondition?: Precondition,
): Problem {
  if (!state) return notFound('Trace');
  if (!satisfies(precondition, state.version)) return preconditionFailed('Trace', state.version);
  if (!plan.from.includes(state.status)) {
    return conflict('invalid-transition', `Cannot ${plan.action.replace('_', ' ')} a trace that is ${state.status}.`, {
      currentStatus: state.status,
    });
  }
  if (
    plan.independent &&
    'ctx' in performer &&
    [state.created_by, state.submitted_by].includes(performer.ctx.actor.id)
  ) {
    return conflict('self-review', 'You created or submitted this trace: another advisor must review it.');
  }
  if (plan.action === 'escalate' && state.urgent) return conflict('already-urgent', 'The trace is already urgent.');
  if (plan.action === 'assign' && state.assignee_ok === false)
    return invalidField('/userId', 'must be an active advisor of the trace’s region');
  return conflict('concurrent-change', 'The trace changed while you were acting on it; reload it and try again.');
}
