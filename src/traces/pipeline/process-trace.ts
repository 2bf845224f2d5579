import type { Logger } from 'pino';
import type { Counter, Histogram } from 'prom-client';
import type { Db } from '../../db/knex.ts';
import { planTransition, type TraceAction } from '../lifecycle.ts';
import type { CenterResult, Stage, TraceResult, TraceStatus } from '../schemas.ts';
import { recordProgress, runState, type Progress } from '../writes/progress.ts';
import { stagesFor } from '../rules.ts';
import {
  TransientAdapterError,
  type StageFacts,
  type StageOutcome,
  type TraceAdapter,
  type TraceRequest,
} from './adapter.ts';

export interface TraceJob {
  traceId: string;
  run: number;
  /** What the tracing center is asked (no personal data), put in the job by the relay so a fresh job reads nothing first. */
  request?: TraceRequest;
}

export interface Attempt {
  /** 1-based try of this job (rate-limited tries do not count). */
  number: number;
  /** No further try follows when this one fails. */
  last: boolean;
  /** No earlier try of this job ever started: there is nothing of this run to resume. */
  first: boolean;
}

/** What the worker reports to /metrics (all optional: tests and tools run it without). */
export interface PipelineMeters {
  stageDuration?: Histogram<'stage' | 'result'>;
  tracesFinished?: Counter<'status' | 'outcome'>;
  adapterErrors?: Counter<'kind'>;
}

const WORKER = { system: 'worker' } as const;
const DAY_MS = 86_400_000;
/** A tracing-center call that has not answered after this long gets the progress before it written while it waits. */
export const WRITE_BEHIND_MS = 20;

const endingAction = (outcome: Exclude<StageOutcome, { kind: 'continue' }>): TraceAction =>
  outcome.kind === 'needs_info' ? 'request_info' : outcome.status === 'completed' ? 'complete' : 'mark_not_traceable';

/** Time-to-crime is ours to compute: days from the retail sale to the recovery. */
const withTimeToCrime = (result: CenterResult, recoveryDate: string): TraceResult =>
  'saleDate' in result && result.saleDate
    ? ({
        ...result,
        timeToCrimeDays: Math.round((Date.parse(recoveryDate) - Date.parse(result.saleDate)) / DAY_MS),
      } as TraceResult)
    : (result as TraceResult);

/** The trace left this run (cancelled, or another try or run finished it): the job has nothing more to do. */
class Superseded extends Error {}

type Unwritten = Pick<Progress, 'begin' | 'stages'>;

/**
 * Runs one trace job: one tracing-center call per stage not yet finished in this run, then the result. Progress is
 * written behind: what is finished is written in the same statement as what follows it, or — when a call keeps the
 * worker waiting longer than WRITE_BEHIND_MS — while it waits, so a worker that dies resumes from the last stage written
 * and a call that took its time is never asked again. When the center answers at once, the whole run (start, every
 * stage, the result) is one statement. A job that runs twice adds nothing: the stage table's primary key and the
 * conditional UPDATE guard it.
 */
export class TraceProcessor {
  private readonly start = planTransition('start', WORKER);

  constructor(
    private readonly db: Db,
    private readonly adapter: TraceAdapter,
    private readonly logger: Logger,
    private readonly meters: PipelineMeters = {},
  ) {}

  async process(job: TraceJob, attempt: Attempt): Promise<void> {
    let request = job.request;
    let finished: Partial<Record<Stage, StageFacts>> = {};
    if (!attempt.first || !request) {
      const state = await runState(this.db, job.traceId, job.run);
      if (!state || !['queued', 'in_progress'].includes(state.status)) return;
      finished = state.stages;
      request ??= state.request;
    }
    let unwritten: Unwritten = { begin: true, stages: [] };
    const take = (): Unwritten => {
      const taken = unwritten;
      unwritten = { begin: false, stages: [] };
      return taken;
    };
    const write = async (part: Unwritten, end?: Progress['end']) => {
      if (!part.begin && !part.stages.length && !end) return;
      const { applied } = await recordProgress(this.db, {
        traceId: job.traceId,
        run: job.run,
        start: this.start,
        ...part,
        end,
      });
      if (!applied) throw new Superseded();
      if (end) this.meters.tracesFinished?.inc({ status: end.status, outcome: end.result?.outcome ?? 'none' });
    };
    try {
      for (const stage of stagesFor(request.weapon)) {
        if (finished[stage]) continue;
        let behind: Promise<void> | undefined;
        const timer = setTimeout(() => {
          behind = write(take());
          behind.catch(() => undefined);
        }, WRITE_BEHIND_MS);
        let outcome: StageOutcome;
        try {
          outcome = await this.call(request, stage, attempt, finished);
        } finally {
          clearTimeout(timer);
          await behind;
        }
        unwritten.stages.push({ stage, facts: outcome.facts });
        if (outcome.kind !== 'continue') {
          await write(take(), this.end(outcome, request));
          return;
        }
        finished[stage] = outcome.facts;
      }
    } catch (error) {
      if (error instanceof Superseded) {
        this.logger.info({ traceId: job.traceId, run: job.run }, 'trace already moved on; nothing to record');
        return;
      }
      if (!(error instanceof TransientAdapterError)) throw error;
      if (!attempt.last) {
        await write(take()).catch((e: unknown) => {
          if (!(e instanceof Superseded)) throw e;
        });
        throw error;
      }
      await write(take(), {
        plan: planTransition('fail', WORKER),
        status: 'failed',
        message: `Tracing center unavailable after ${attempt.number} attempts: ${error.message}`,
        code: { code: 'center_unavailable', params: { attempts: attempt.number } },
      }).catch((e: unknown) => {
        if (!(e instanceof Superseded)) throw e;
      });
    }
  }

  private async call(
    request: TraceRequest,
    stage: Stage,
    attempt: Attempt,
    previous: Partial<Record<Stage, StageFacts>>,
  ) {
    const end = this.meters.stageDuration?.startTimer({ stage });
    try {
      const outcome = await this.adapter.runStage(request, stage, { attempt: attempt.number, previous });
      end?.({ result: outcome.kind });
      return outcome;
    } catch (error) {
      end?.({ result: 'error' });
      this.meters.adapterErrors?.inc({ kind: error instanceof TransientAdapterError ? 'transient' : 'unexpected' });
      throw error;
    }
  }

  private end(outcome: Exclude<StageOutcome, { kind: 'continue' }>, request: TraceRequest): Progress['end'] {
    const plan = planTransition(endingAction(outcome), WORKER);
    if (outcome.kind === 'needs_info')
      return { plan, status: 'needs_info', message: outcome.message, code: outcome.code };
    return {
      plan,
      status: outcome.status as TraceStatus,
      result: withTimeToCrime(outcome.result, request.recoveryDate),
    };
  }
}
