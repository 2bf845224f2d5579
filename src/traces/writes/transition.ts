import { runStatement, type Queryable } from '../../db/knex.ts';
import type { Scope } from '../../shared/actor.ts';
import { regionScopeSql } from '../../db/scoped.ts';
import { raiseForTracesSql } from '../../alerts/repository.ts';
import { NOTIFY_OUTBOX } from '../outbox/repository.ts';
import type { RefusedState, TransitionPlan } from '../lifecycle.ts';
import { rowFromJson, type TraceRow } from '../repository.ts';
import { AUDIT_COLUMNS, auditValues, authorBindings, FINAL, NEW_RUN, targetSql, type Author } from './common.ts';

export interface TransitionRequest {
  traceId: string;
  scope: Scope;
  plan: TransitionPlan;
  author: Author;
  message?: string | null;
  /** assign: the advisor (or null to unassign). */
  assignTo?: string | null;
  /** escalate: why the trace becomes urgent. */
  escalation?: string;
  /** If-Match: the versions the change may apply to. */
  precondition?: readonly number[];
}

export interface TransitionResult {
  row?: TraceRow;
  /** The trace as it was, when nothing changed (undefined when it is not in scope). */
  state?: RefusedState;
}

/**
 * A person's action on a trace, in one statement: the trace is locked in scope, moved as the plan says from one of
 * its `from` statuses (a conditional UPDATE), and its event, audit entry and outbox row are written with it. A change
 * that starts a new run (back to review or to the queue) clears what the previous run left.
 */
export async function applyTransition(db: Queryable, request: TransitionRequest): Promise<TransitionResult> {
  const { plan } = request;
  const to = targetSql(plan, 'cur.status', 'cur.review_required', 'cur.quality_flags');
  const sets = [
    'status = n.to_status',
    'updated_at = now()',
    'status_changed_at = CASE WHEN n.to_status <> n.status THEN now() ELSE t.status_changed_at END',
    `stage = CASE WHEN n.to_status <> n.status AND n.to_status IN (${NEW_RUN}) THEN NULL ELSE t.stage END`,
    `attempts = CASE WHEN n.to_status <> n.status AND n.to_status IN (${NEW_RUN}) THEN 0 ELSE t.attempts END`,
    `result = CASE WHEN n.to_status <> n.status AND n.to_status IN (${NEW_RUN}) THEN NULL ELSE t.result END`,
    `completed_at = CASE WHEN n.to_status <> n.status AND n.to_status IN (${FINAL}) THEN now()
                         WHEN n.to_status <> n.status AND n.to_status IN (${NEW_RUN}) THEN NULL ELSE t.completed_at END`,
    "queue_run = t.queue_run + CASE WHEN n.to_status = 'queued' AND n.status <> 'queued' THEN 1 ELSE 0 END",
    ...(plan.action === 'submit' ? ['submitted_at = coalesce(t.submitted_at, now())', 'submitted_by = :actorId'] : []),
    ...(plan.action === 'assign' ? ['assigned_to = :assignTo'] : []),
    ...(plan.action === 'escalate'
      ? [
          'urgent = true',
          'urgent_reason = :escalation',
          "quality_flags = array_prepend('urgent', array_remove(t.quality_flags, 'urgent'))",
        ]
      : []),
  ];
  const conditions = [
    'n.status = ANY(:from::text[])',
    '(:precondition::int[] IS NULL OR t.version = ANY(:precondition::int[]))',
    ...(plan.independent ? ['t.created_by <> :actorId', 't.submitted_by IS DISTINCT FROM :actorId'] : []),
    ...(plan.action === 'escalate' ? ['NOT t.urgent'] : []),
    ...(plan.action === 'assign' ? ['n.assignee_ok'] : []),
  ];
  const assignee =
    plan.action === 'assign'
      ? `, (:assignTo::uuid IS NULL OR EXISTS (SELECT 1 FROM users u JOIN agencies ua ON ua.id = u.agency_id
           WHERE u.id = :assignTo::uuid AND u.role = 'advisor' AND u.active AND ua.region = t.region)) AS assignee_ok`
      : '';
  const message =
    plan.action === 'assign'
      ? "coalesce((SELECT 'Assigned to ' || name FROM users WHERE id = :assignTo::uuid), 'Unassigned')"
      : ':message';
  const details =
    plan.action === 'assign'
      ? "jsonb_build_object('from', from_status, 'to', status, 'assignedTo', :assignTo::uuid)"
      : "jsonb_build_object('from', from_status, 'to', status)";
  const {
    rows: [result],
  } = await runStatement<{ moved: Record<string, unknown> | null; state: TransitionResult['state'] | null }>(
    db,
    `WITH cur AS (
       SELECT t.id, t.status, t.created_by, t.submitted_by, t.urgent, t.version, t.quality_flags, a.review_required${assignee}
         FROM traces t JOIN agencies a ON a.id = t.agency_id
        WHERE t.id = :traceId AND ${regionScopeSql(request.scope, 't').sql}
        FOR UPDATE OF t),
     n AS (SELECT cur.*, ${to} AS to_status FROM cur),
     moved AS (UPDATE traces t SET ${sets.join(', ')} FROM n WHERE t.id = n.id AND ${conditions.join(' AND ')}
               RETURNING t.*, n.status AS from_status),
     ev AS (INSERT INTO trace_events (trace_id, type, from_status, to_status, actor_id, message, run)
            SELECT id, :event, from_status, status, :actorId, ${message}, NULLIF(queue_run, 0) FROM moved),
     au AS (INSERT INTO audit_log (${AUDIT_COLUMNS}) SELECT ${auditValues(':audit', 'id::text', details)} FROM moved),
     ob AS (INSERT INTO trace_outbox (trace_id, kind, run, urgent)
            SELECT id, 'enqueue', queue_run, urgent FROM moved WHERE status = 'queued' AND from_status <> 'queued'
            UNION ALL
            SELECT id, 'reprioritize', queue_run, urgent FROM moved WHERE :escalate AND status = 'queued' AND from_status = 'queued'
            RETURNING 1)${
              plan.action === 'submit'
                ? `,
     al AS (${raiseForTracesSql('(SELECT id AS subject_id, reference, agency_id, weapon_id, recovery_date FROM moved)')})`
                : ''
            }
     SELECT (SELECT to_jsonb(m) FROM moved m) AS moved,
            (SELECT jsonb_build_object('status', status, 'created_by', created_by, 'submitted_by', submitted_by, 'urgent', urgent, 'version', version
                                       ${plan.action === 'assign' ? ", 'assignee_ok', assignee_ok" : ''}) FROM cur) AS state,
            (SELECT ${NOTIFY_OUTBOX} FROM ob LIMIT 1) AS notified`,
    {
      ...authorBindings(request.author),
      traceId: request.traceId,
      scopeValue: regionScopeSql(request.scope, 't').value,
      from: plan.from.filter((s) => s !== null),
      event: plan.event,
      audit: plan.audit,
      message: request.message ?? null,
      assignTo: request.assignTo ?? null,
      escalation: request.escalation ?? null,
      escalate: plan.action === 'escalate',
      precondition: request.precondition ?? null,
    },
  );
  return { row: result?.moved ? rowFromJson(result.moved) : undefined, state: result?.state ?? undefined };
}
