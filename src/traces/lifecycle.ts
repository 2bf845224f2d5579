import { apiAuditActor, auditInsert } from '../audit/audit-log.ts';
import type { Queryable } from '../db/knex.ts';
import { conflict, forbidden } from '../http/problem.ts';
import type { RequestContext } from '../identity/actor.ts';
import { NOTIFY_SELECT, onTraceReprioritized, outboxInsert, type QueuedTrace } from '../queue/trace-queued.ts';
import { FINAL_STATUSES, type Stage, type TraceStatus } from './schemas.ts';
import { STARTS_NEW_RUN, TRANSITIONS, type TraceAction, type Transition } from './transitions.ts';

export { rolesFor, TRANSITIONS, type TraceAction } from './transitions.ts';

/** Who performs a transition: a signed-in user, or the trace worker. */
export type Performer = { ctx: RequestContext } | { system: 'worker' };

/** Where an action leads from `from`; throws 403/409 when the table does not allow it. */
export function targetStatus(action: TraceAction, from: TraceStatus | null, performer: Performer, needsReview = false): TraceStatus {
  const rule: Transition = TRANSITIONS[action];
  const who = 'system' in performer ? 'system' : performer.ctx.actor.role;
  if (!rule.by.includes(who)) throw forbidden(`A ${who} may not ${action.replace('_', ' ')} a trace.`);
  if (!rule.from.includes(from)) {
    throw conflict('invalid-transition', `Cannot ${action.replace('_', ' ')} a trace that is ${from ?? 'new'}.`, {
      currentStatus: from,
    });
  }
  if (rule.to === 'unchanged') return from!;
  if (rule.to !== 'review_or_queue') return rule.to;
  return needsReview ? 'pending_review' : 'queued';
}

export interface TransitionRequest {
  traceId: string;
  from: TraceStatus;
  action: TraceAction;
  performer: Performer;
  needsReview?: boolean;
  message?: string | null;
  stage?: Stage | null;
  /** Extra columns changed in the same UPDATE (e.g. the result, attempts). */
  set?: Record<string, unknown>;
  /** Extra facts for the audit entry (e.g. who was assigned). */
  details?: Record<string, unknown>;
  /** Who created and last submitted the trace, for the separation-of-duties rule. */
  people?: { created_by: string; submitted_by: string | null };
}

/** A review action by the person who created or submitted the trace is refused: nobody reviews their own request. */
function checkSeparation(request: TransitionRequest): void {
  if (!(TRANSITIONS[request.action] as Transition).independent || !('ctx' in request.performer)) return;
  const actorId = request.performer.ctx.actor.id;
  if (request.people && (request.people.created_by === actorId || request.people.submitted_by === actorId)) {
    throw conflict('self-review', 'You created or submitted this trace: another advisor must review it.');
  }
}

const timestampsFor = (db: Queryable, to: TraceStatus, action: TraceAction, performer: Performer): Record<string, unknown> => ({
  ...(action === 'submit' ? { submitted_at: db.raw('coalesce(submitted_at, now())'), submitted_by: 'ctx' in performer ? performer.ctx.actor.id : null } : {}),
  ...(FINAL_STATUSES.includes(to) ? { completed_at: db.fn.now() } : {}),
});

/**
 * A trace that goes back to review or to the queue (resubmitted after needs_info, approved, retried) starts a new run:
 * what the previous run left (its stage, its try count, a completion time) no longer describes it.
 */
const newRunColumns = (from: TraceStatus | null, to: TraceStatus): Record<string, unknown> =>
  from !== null && STARTS_NEW_RUN.includes(to) ? { stage: null, attempts: 0, result: null, completed_at: null } : {};

/**
 * Applies one transition with a conditional UPDATE on the current status, then writes its event and audit row.
 * Call inside a transaction; a concurrent change makes the UPDATE match nothing and answers 409.
 */
export async function transitionTrace<T = Record<string, unknown>>(db: Queryable, request: TransitionRequest): Promise<T> {
  const to = targetStatus(request.action, request.from, request.performer, request.needsReview);
  checkSeparation(request);
  const changes = to !== request.from;
  const update = db('traces').where({ id: request.traceId, status: request.from });
  if ((TRANSITIONS[request.action] as Transition).independent && 'ctx' in request.performer) {
    // The database holds the rule too: a change of submitter meanwhile makes this match nothing.
    update.whereNot('created_by', request.performer.ctx.actor.id)
      .whereRaw('submitted_by IS DISTINCT FROM ?', [request.performer.ctx.actor.id]);
  }
  const [row] = await update
    .update({
      ...(changes ? newRunColumns(request.from, to) : {}),
      ...request.set,
      ...(changes ? timestampsFor(db, to, request.action, request.performer) : {}),
      ...(changes && to === 'queued' ? { queue_run: db.raw('queue_run + 1') } : {}),
      ...(changes ? { status: to, status_changed_at: db.fn.now() } : {}),
      updated_at: db.fn.now(),
    })
    .returning('*');
  if (!row) throw conflict('concurrent-change', 'The trace changed while you were acting on it; reload it and try again.');
  await recordTransition(db, { ...request, to, trace: row });
  return row as T;
}

export type AppliedTransition = Omit<TransitionRequest, 'from'> & { from: TraceStatus | null; to: TraceStatus; trace: QueuedTrace };

/** Writes the event and audit row of a transition that has been applied (including a trace's creation). */
export const recordTransition = (db: Queryable, change: AppliedTransition) => recordTransitions(db, [change]);

/** Batch form for many traces changed by one performer: one statement per table. */
export async function recordTransitions(db: Queryable, changes: AppliedTransition[]): Promise<void> {
  if (!changes.length) return;
  const performer = changes[0]!.performer;
  const user = 'ctx' in performer ? performer.ctx : undefined;
  const events = db('trace_events').insert(changes.map((change) => ({
    trace_id: change.traceId,
    type: TRANSITIONS[change.action].event,
    from_status: change.from,
    to_status: change.to,
    stage: change.stage ?? null,
    actor_id: user?.actor.id ?? null,
    message: change.message ?? null,
    run: change.trace.queue_run || null,
  })));
  const audit = auditInsert(db, user ? apiAuditActor(user) : { component: 'worker' }, changes.map((change) => ({
    action: `trace.${change.action}`,
    entity: 'trace',
    entityId: change.traceId,
    details: { from: change.from, to: change.to, ...change.details },
  })));
  const queued = changes.filter((c) => c.to === 'queued' && c.from !== 'queued').map((c) => c.trace);
  // Event, audit entry and outbox row (with its NOTIFY) in one statement: one round trip per transition.
  const parts = [events.toSQL(), audit.toSQL(), ...(queued.length ? [outboxInsert(db, queued).toSQL()] : [])];
  await db.raw(
    `WITH ${parts.map((part, i) => `step${i} AS (${part.sql})`).join(', ')} ${queued.length ? NOTIFY_SELECT : 'SELECT 1'}`,
    parts.flatMap((part) => part.bindings),
  );
  for (const change of changes.filter((c) => c.action === 'escalate' && c.to === 'queued')) await onTraceReprioritized(db, change.trace);
}
