import type { Logger } from 'pino';
import type { Histogram } from 'prom-client';
import type { Db, Queryable } from '../../db/knex.ts';
import type { Problem } from '../../http/problem.ts';
import { transitionTrace, type TraceAction } from '../lifecycle.ts';
import type { TraceRow } from '../repository.ts';
import type { Stage, TraceResult } from '../schemas.ts';
import { stagesFor, TransientAdapterError, type StageFacts, type StageOutcome, type TraceAdapter, type TraceRequest } from './adapter.ts';

export interface TraceJob {
  traceId: string;
  run: number;
}

export interface Attempt {
  /** 1-based try of this job. */
  number: number;
  /** No further try follows when this one fails. */
  last: boolean;
}

const WORKER = { system: 'worker' } as const;
const DAY_MS = 86_400_000;

const endingAction = (outcome: Exclude<StageOutcome, { kind: 'continue' }>): TraceAction =>
  outcome.kind === 'needs_info' ? 'request_info' : outcome.status === 'completed' ? 'complete' : 'mark_not_traceable';

/** Time-to-crime is ours to compute: days from the retail sale to the recovery. */
const withTimeToCrime = (result: TraceResult, recoveryDate: string): TraceResult =>
  result.saleDate
    ? { ...result, timeToCrimeDays: Math.round((Date.parse(recoveryDate) - Date.parse(result.saleDate)) / DAY_MS) }
    : result;

const isConcurrentChange = (error: unknown) => (error as Problem).slug === 'concurrent-change';

/**
 * Runs one trace job: start (queued → in_progress), then one adapter call per stage not yet finished in this run,
 * each stage persisted as it finishes, then the final transition. A job that runs twice finds the stages and the final
 * status already written and adds nothing: the stage table's primary key and the conditional transitions guard it.
 */
export class TraceProcessor {
  constructor(
    private readonly db: Db,
    private readonly adapter: TraceAdapter,
    private readonly logger: Logger,
    private readonly stageDuration?: Histogram<'stage' | 'result'>,
  ) {}

  async process(job: TraceJob, attempt: Attempt): Promise<void> {
    const trace = await this.begin(job);
    if (!trace) return;
    const request: TraceRequest = {
      traceId: trace.id, reference: trace.reference, weapon: trace.weapon,
      recoveryDate: trace.recovery_date, recoveryCountry: trace.recovery_country,
    };
    const finished = await this.finishedStages(job);
    try {
      for (const stage of stagesFor(trace.weapon)) {
        if (finished[stage]) continue;
        const end = this.stageDuration?.startTimer({ stage });
        const outcome = await this.adapter.runStage(request, stage, { attempt: attempt.number, previous: finished })
          .catch((error: unknown) => {
            end?.({ result: 'error' });
            throw error;
          });
        end?.({ result: outcome.kind });
        const ended = await this.record(job, request, stage, outcome);
        if (ended) return;
        finished[stage] = outcome.facts;
      }
    } catch (error) {
      if (!(error instanceof TransientAdapterError)) throw error;
      if (!attempt.last) throw error;
      await this.finish(job, 'fail', { message: `Tracing center unavailable after ${attempt.number} attempts: ${error.message}` });
    }
  }

  /** Moves a queued trace of this run to in_progress; undefined when the job has nothing (more) to do. */
  private async begin(job: TraceJob): Promise<TraceRow | undefined> {
    return this.db.transaction(async (trx) => {
      const trace: TraceRow | undefined = await trx('traces').where({ id: job.traceId, queue_run: job.run }).forUpdate().first();
      if (!trace) return undefined;
      if (trace.status === 'in_progress') {
        const [row] = await trx('traces').where({ id: trace.id }).increment('attempts', 1).returning('*');
        return row;
      }
      if (trace.status !== 'queued') return undefined;
      return transitionTrace<TraceRow>(trx, {
        traceId: trace.id, from: 'queued', action: 'start', performer: WORKER, set: { attempts: trx.raw('attempts + 1') },
      });
    });
  }

  private async finishedStages(job: TraceJob): Promise<Partial<Record<Stage, StageFacts>>> {
    const rows: { stage: Stage; facts: StageFacts }[] = await this.db('trace_stages').where({ trace_id: job.traceId, run: job.run });
    return Object.fromEntries(rows.map((row) => [row.stage, row.facts]));
  }

  /** Persists a finished stage (once) and, when the stage ends the trace, its final transition. True when ended. */
  private async record(job: TraceJob, request: TraceRequest, stage: Stage, outcome: StageOutcome): Promise<boolean> {
    return this.db.transaction(async (trx) => {
      const inserted = await trx('trace_stages')
        .insert({ trace_id: job.traceId, run: job.run, stage, facts: JSON.stringify(outcome.facts) })
        .onConflict(['trace_id', 'run', 'stage']).ignore()
        .returning('stage');
      if (inserted.length) {
        const moved = await trx('traces').where({ id: job.traceId, status: 'in_progress', queue_run: job.run })
          .update({ stage, updated_at: trx.fn.now() });
        if (!moved) return true;
        await trx('trace_events').insert({
          trace_id: job.traceId, type: 'stage_completed', from_status: 'in_progress', to_status: 'in_progress', stage, run: job.run,
        });
      }
      if (outcome.kind === 'continue') return false;
      await this.transition(trx, job, endingAction(outcome), {
        stage,
        message: outcome.kind === 'needs_info' ? outcome.message : null,
        set: outcome.kind === 'final' ? { result: JSON.stringify(withTimeToCrime(outcome.result, request.recoveryDate)) } : {},
      });
      return true;
    });
  }

  private async finish(job: TraceJob, action: TraceAction, extra: { message?: string }) {
    await this.db.transaction((trx) => this.transition(trx, job, action, extra));
  }

  /** The final transition; another run of the same job that got there first leaves nothing to do. */
  private async transition(trx: Queryable, job: TraceJob, action: TraceAction,
    extra: { stage?: Stage; message?: string | null; set?: Record<string, unknown> }) {
    try {
      await trx.transaction((sp) => transitionTrace(sp, {
        traceId: job.traceId, from: 'in_progress', action, performer: WORKER, stage: extra.stage, message: extra.message, set: extra.set,
      }));
    } catch (error) {
      if (!isConcurrentChange(error)) throw error;
      this.logger.info({ traceId: job.traceId, action }, 'trace already moved on; nothing to record');
    }
  }
}
