import type { Batcher } from '../../db/batcher.ts';
import { runStatement, type Queryable } from '../../db/knex.ts';
import type { TransitionPlan } from '../lifecycle.ts';
import type { MessageCode, TraceRequest } from '../pipeline/adapter.ts';
import type { Stage, TraceResult, TraceStatus } from '../schemas.ts';
import { batcherFor, FINAL } from './common.ts';

/** What a run of the worker has done since it last wrote: started, finished stages, and maybe ended. */
export interface Progress {
  traceId: string;
  run: number;
  /** This try of the job began: counts one attempt, and moves a queued trace to in_progress (`started`). */
  begin: boolean;
  stages: { stage: Stage; facts: Record<string, unknown> }[];
  end?: { plan: TransitionPlan; status: TraceStatus; result?: TraceResult; message?: string; code?: MessageCode };
  /** The start's plan (queued → in_progress). */
  start: TransitionPlan;
}

export interface ProgressResult {
  /** False when the trace was no longer in this run's queued/in_progress state: another run or try got there first. */
  applied: boolean;
  status?: TraceStatus;
}

/** The rows of one progress for the batched statement: where it may start from, its stage rows, events and audit entries. */
function progressRows(progress: Progress, p: number) {
  const end = progress.end;
  const lastStage = progress.stages.at(-1)?.stage ?? null;
  // A try begins on a queued trace (or resumes an in_progress one); an ending without a beginning comes from where the
  // table says; progress alone continues an in_progress trace.
  const allowed = [
    ...new Set([
      ...(progress.begin ? [...progress.start.from, 'in_progress'] : []),
      ...(end && !progress.begin ? end.plan.from : []),
      ...(!progress.begin && !end ? ['in_progress'] : []),
    ]),
  ].filter((status) => status !== null);
  return {
    progress: {
      p,
      trace_id: progress.traceId,
      run: progress.run,
      begin: progress.begin,
      to_status: end?.status ?? 'in_progress',
      last_stage: lastStage,
      result: end?.result ?? null,
      allowed,
    },
    stages: progress.stages.map((s, n) => ({ p, n, stage: s.stage, facts: s.facts })),
    events: [
      ...(progress.begin
        ? [
            {
              p,
              n: 0,
              kind: 'started',
              type: progress.start.event,
              from_status: 'queued',
              to_status: 'in_progress',
              stage: null,
            },
          ]
        : []),
      ...progress.stages.map((s, i) => ({
        p,
        n: 1 + i,
        kind: 'stage',
        type: 'stage_completed',
        from_status: 'in_progress',
        to_status: 'in_progress',
        stage: s.stage,
      })),
      ...(end
        ? [
            {
              p,
              n: 100,
              kind: 'end',
              type: end.plan.event,
              from_status: 'in_progress',
              to_status: end.status,
              stage: lastStage,
              message: end.message ?? null,
              message_code: end.code?.code ?? null,
              message_params: end.code?.params ?? null,
            },
          ]
        : []),
    ],
    audits: [
      ...(progress.begin
        ? [{ p, n: 0, kind: 'started', action: progress.start.audit, from_status: 'queued', to_status: 'in_progress' }]
        : []),
      ...(end
        ? [{ p, n: 1, kind: 'end', action: end.plan.audit, from_status: 'in_progress', to_status: end.status }]
        : []),
    ],
  };
}

/**
 * Records the progress of one or many traces (the worker's concurrent jobs) in one statement: the stage rows (the
 * primary key keeps a stage from being recorded twice), each trace's stage, attempts and status (conditional on its run
 * still being open), and, in order, the `started`, `stage_completed` and final events with their audit entries. When
 * the tracing center answers at once, a whole run — start, every stage and the result — is one row of this statement.
 */
export async function recordProgresses(db: Queryable, progresses: Progress[]): Promise<ProgressResult[]> {
  const rows = progresses.map(progressRows);
  const { rows: result } = await runStatement<{ p: number; status: TraceStatus | null }>(
    db,
    `WITH pi AS (SELECT * FROM jsonb_to_recordset(:progress::jsonb)
                   AS x(p int, trace_id uuid, run int, begin boolean, to_status text, last_stage text, result jsonb, allowed text[])),
     cur AS (SELECT t.id, t.status, pi.p FROM traces t JOIN pi ON t.id = pi.trace_id AND t.queue_run = pi.run
              WHERE t.status IN ('queued', 'in_progress') ORDER BY t.id FOR UPDATE OF t),
     st AS (INSERT INTO trace_stages (trace_id, run, stage, facts)
            SELECT pi.trace_id, pi.run, s.stage, s.facts
              FROM jsonb_to_recordset(:stages::jsonb) AS s(p int, n int, stage text, facts jsonb)
              JOIN pi ON pi.p = s.p JOIN cur ON cur.p = s.p
             WHERE cur.status = 'in_progress' OR pi.begin
             ORDER BY pi.trace_id, s.n
            ON CONFLICT (trace_id, run, stage) DO NOTHING
            RETURNING trace_id, stage),
     moved AS (
       UPDATE traces t SET status = pi.to_status,
              stage = coalesce(pi.last_stage, t.stage),
              attempts = t.attempts + CASE WHEN pi.begin THEN 1 ELSE 0 END,
              status_changed_at = CASE WHEN pi.to_status <> cur.status THEN now() ELSE t.status_changed_at END,
              result = coalesce(pi.result, t.result),
              completed_at = CASE WHEN pi.to_status IN (${FINAL}) THEN now() ELSE t.completed_at END,
              updated_at = now()
         FROM cur JOIN pi ON pi.p = cur.p
        WHERE t.id = cur.id AND cur.status = ANY(pi.allowed)
       RETURNING t.id, t.status, cur.status AS from_status, pi.p, pi.begin, pi.run),
     ev AS (INSERT INTO trace_events (trace_id, type, from_status, to_status, stage, message, message_code, message_params, run)
            SELECT m.id, e.type, CASE WHEN e.kind = 'end' AND NOT m.begin THEN m.from_status ELSE e.from_status END,
                   e.to_status, e.stage, e.message, e.message_code, e.message_params, m.run
              FROM jsonb_to_recordset(:events::jsonb)
                     AS e(p int, n int, kind text, type text, from_status text, to_status text, stage text, message text, message_code text, message_params jsonb)
              JOIN moved m ON m.p = e.p
             WHERE e.kind = 'end' OR (e.kind = 'started' AND m.from_status = 'queued')
                OR (e.kind = 'stage' AND EXISTS (SELECT 1 FROM st WHERE st.trace_id = m.id AND st.stage = e.stage))
             ORDER BY e.p, e.n),
     au AS (INSERT INTO audit_log (component, action, entity, entity_id, outcome, details)
            SELECT 'worker', a.action, 'trace', m.id::text, 'success',
                   jsonb_build_object('from', CASE WHEN a.kind = 'end' AND NOT m.begin THEN m.from_status ELSE a.from_status END, 'to', a.to_status)
              FROM jsonb_to_recordset(:audits::jsonb) AS a(p int, n int, kind text, action text, from_status text, to_status text)
              JOIN moved m ON m.p = a.p
             WHERE a.kind = 'end' OR m.from_status = 'queued'
             ORDER BY a.p, a.n)
     SELECT pi.p, m.status FROM pi LEFT JOIN moved m ON m.p = pi.p ORDER BY pi.p`,
    {
      progress: JSON.stringify(rows.map((r) => r.progress)),
      stages: JSON.stringify(rows.flatMap((r) => r.stages)),
      events: JSON.stringify(rows.flatMap((r) => r.events)),
      audits: JSON.stringify(rows.flatMap((r) => r.audits)),
    },
  );
  return result.map((row) => ({ applied: Boolean(row.status), status: row.status ?? undefined }));
}

const progressBatchers = new WeakMap<object, Batcher<Progress, ProgressResult>>();

/** One job's progress, batched with the other jobs' of this process (see `IN_FLIGHT`). */
export function recordProgress(db: Queryable, progress: Progress): Promise<ProgressResult> {
  return batcherFor(progressBatchers, db, (items) => recordProgresses(db, items), 200).submit(progress);
}

/** Where a run of a trace stands: its status, the stages this run has finished (to resume after a crash), and what the tracing center is asked. */
export async function runState(db: Queryable, traceId: string, run: number) {
  const {
    rows: [row],
  } = await db.raw(
    `SELECT t.status, t.reference, t.weapon, t.recovery_date, t.recovery_country,
            (SELECT coalesce(jsonb_object_agg(s.stage, s.facts), '{}') FROM trace_stages s WHERE s.trace_id = t.id AND s.run = :run) AS stages
       FROM traces t WHERE t.id = :traceId AND t.queue_run = :run`,
    { traceId, run },
  );
  if (!row) return undefined;
  return {
    status: row.status as TraceStatus,
    stages: row.stages as Partial<Record<Stage, Record<string, unknown>>>,
    request: {
      traceId,
      reference: row.reference,
      weapon: row.weapon,
      recoveryDate: row.recovery_date,
      recoveryCountry: row.recovery_country,
    } as TraceRequest,
  };
}
