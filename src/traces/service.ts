import type { Clock } from '../shared/clock.ts';
import type { Queryable } from '../db/knex.ts';
import { pageOf } from '../db/pagination.ts';
import { conflict, invalid, invalidField, notFound, preconditionFailed } from '../shared/problem.ts';
import { satisfies, type Precondition } from '../shared/versioned.ts';
import { readScope, type RequestContext } from '../shared/actor.ts';
import { describeWeapon } from '../weapons/rules.ts';
import { planTransition, refusal, type TraceAction } from './lifecycle.ts';
import { presentTrace, presentTraces, readTraces } from './presenter.ts';
import { alertReaderOf } from '../alerts/service.ts';
import * as repo from './repository.ts';
import { fieldRuleErrors, qualityFlags, type TraceFields } from './rules.ts';
import type { Trace, TraceCreate, TracePatch, TraceQuery } from './schemas.ts';
import { EDITABLE } from './transitions.ts';
import { apiAuditActor } from '../db/audit-log.ts';
import {
  createTrace,
  createTraces,
  newTrace,
  weaponToPlace,
  type Claim,
  type CreationOutcome,
} from './writes/create.ts';
import { traceColumns } from './writes/common.ts';
import { editTrace } from './writes/edit.ts';
import { applyTransition } from './writes/transition.ts';

/** The problem for a row whose case could not take it; undefined when it could. */
export function caseProblem(caseStatus: 'open' | 'closed' | null) {
  if (caseStatus === null) return invalidField('/caseId', 'is not a case of your agency');
  if (caseStatus === 'closed') return conflict('case-closed', 'The case is closed; reopen it before adding traces.');
  return undefined;
}

export const duplicateProblem = (duplicateOf: string | undefined) =>
  conflict('duplicate-trace', 'This weapon already has a trace in this case for the same recovery date.', {
    duplicateOf,
  });

export class TraceService {
  /** `reviewed`: told of every action an advisor or admin took (for /metrics). */
  constructor(
    private readonly clock: Clock,
    private readonly reviewed?: (action: TraceAction) => void,
  ) {}

  /**
   * One statement: case check, weapon, trace, event, audit and outbox — and the idempotency claim when the request has a
   * key (undefined is then returned when the key was taken already, for the caller to replay).
   */
  async create(db: Queryable, ctx: RequestContext, body: TraceCreate, claim?: Claim): Promise<Trace | undefined> {
    const errors = fieldRuleErrors(body, this.clock);
    if (errors.length) throw invalid(errors);
    const weapon = describeWeapon(body.weapon);
    const plans = { draft: planTransition('create_draft', { ctx }), submit: planTransition('submit', { ctx }) };
    const row = {
      ...newTrace(0, body, weapon, qualityFlags(weapon, body.urgent ?? false)),
      author: apiAuditActor(ctx),
    };
    let outcome: CreationOutcome;
    if (claim) {
      const outcomes = await createTraces(db, plans, [row], claim);
      if (!outcomes) return undefined;
      outcome = outcomes[0]!;
    } else {
      outcome = await createTrace(db, plans, row);
    }
    const problem = caseProblem(outcome.caseStatus);
    if (problem) throw problem;
    if (!outcome.trace) throw duplicateProblem(outcome.duplicateOf);
    return presentTrace(db, ctx, outcome.trace);
  }

  async get(db: Queryable, ctx: RequestContext, id: string): Promise<Trace> {
    const [row] = await readTraces(db, ctx, repo.traceQuery(db, readScope(ctx.actor), id, alertReaderOf(ctx)), 1);
    if (!row) throw notFound('Trace');
    return presentTrace(db, ctx, row);
  }

  /** A page of traces; a search (`q`) may be read from the replica (`reader`). */
  async list(db: Queryable, ctx: RequestContext, query: TraceQuery, reader: Queryable = db) {
    const limit = query.limit ?? 50;
    const rows = await readTraces(
      db,
      ctx,
      repo.traceListQuery(reader, readScope(ctx.actor), query, limit, alertReaderOf(ctx)),
      limit,
      reader,
    );
    const page = pageOf(
      rows,
      limit,
      (row) => [row.id],
      (row) => row,
    );
    return { items: await presentTraces(db, ctx, page.items), nextCursor: page.nextCursor };
  }

  async events(db: Queryable, ctx: RequestContext, id: string, limit: number, cursor?: string) {
    return repo.listEvents(db, await this.load(db, ctx, id), limit, cursor);
  }

  /** Merges the edit into the stored trace, checks the result as a whole, and writes it (one statement) if it is still that version. */
  async patch(
    db: Queryable,
    ctx: RequestContext,
    id: string,
    patch: TracePatch,
    precondition?: Precondition,
  ): Promise<Trace> {
    const current = await this.load(db, ctx, id);
    if (!satisfies(precondition, current.version)) throw preconditionFailed('Trace', current.version);
    if (!(EDITABLE as readonly string[]).includes(current.status)) {
      throw conflict(
        'not-editable',
        `A trace that is ${current.status} cannot be edited; only draft and needs_info traces can.`,
      );
    }
    const stored = repo.storedFields(current);
    const merged: TraceFields & { caseId: string; notes?: string | null } = {
      caseId: patch.caseId ?? stored.caseId,
      weapon: patch.weapon ?? stored.weapon,
      recovery: patch.recovery ?? stored.recovery,
      possessor: patch.possessor === undefined ? stored.possessor : patch.possessor,
      urgent: patch.urgent ?? stored.urgent,
      urgentReason: patch.urgentReason === undefined ? stored.urgentReason : patch.urgentReason,
      notes: patch.notes === undefined ? stored.notes : patch.notes,
    };
    const errors = fieldRuleErrors(merged, this.clock);
    if (errors.length) throw invalid(errors);
    const weapon = describeWeapon(merged.weapon);
    const result = await editTrace(db, {
      traceId: id,
      seen: current.version,
      editable: EDITABLE,
      caseId: merged.caseId,
      caseChanged: merged.caseId !== current.case_id,
      weapon: patch.weapon ? weaponToPlace(weapon) : undefined,
      columns: traceColumns(
        {
          ...merged,
          possessor: merged.possessor ?? undefined,
          notes: merged.notes ?? undefined,
          urgentReason: merged.urgentReason ?? undefined,
        } as TraceCreate,
        qualityFlags(weapon, merged.urgent ?? false),
      ),
      author: apiAuditActor(ctx),
      fields: Object.keys(patch),
    });
    if ('row' in result) return presentTrace(db, ctx, result.row);
    if (result.problem === 'duplicate') throw duplicateProblem(result.duplicateOf ?? undefined);
    if (result.problem === 'changed') {
      // The trace moved on between the read and the write: with If-Match that is a failed precondition like any other.
      if (precondition !== undefined) throw preconditionFailed('Trace', (await this.load(db, ctx, id)).version);
      throw conflict('concurrent-change', 'The trace changed while you were editing it; reload it and try again.');
    }
    throw caseProblem(result.problem === 'case-closed' ? 'closed' : null)!;
  }

  /** Every action on an existing trace (submit, cancel, approve, return, retry, assign, escalate): one statement each. */
  async act(
    db: Queryable,
    ctx: RequestContext,
    id: string,
    action: TraceAction,
    input: { message?: string; assignTo?: string | null; precondition?: Precondition } = {},
  ): Promise<Trace> {
    const performer = { ctx };
    const plan = planTransition(action, performer);
    const { row, state } = await applyTransition(db, {
      traceId: id,
      scope: readScope(ctx.actor),
      plan,
      author: apiAuditActor(ctx),
      message: action === 'escalate' ? input.message : (input.message ?? null),
      assignTo: input.assignTo,
      escalation: action === 'escalate' ? input.message : undefined,
      precondition: input.precondition,
    });
    if (!row) throw refusal(plan, state, performer, input.precondition);
    if (ctx.actor.role === 'advisor' || ctx.actor.role === 'admin') this.reviewed?.(action);
    return presentTrace(db, ctx, row);
  }

  private async load(db: Queryable, ctx: RequestContext, id: string): Promise<repo.TraceRow> {
    const row = await repo.findTraceRow(db, readScope(ctx.actor), id);
    if (!row) throw notFound('Trace');
    return row;
  }
}
