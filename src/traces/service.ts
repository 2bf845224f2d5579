import { audit } from '../audit/audit-log.ts';
import type { Clock } from '../clock.ts';
import type { Queryable } from '../db/knex.ts';
import { conflict, invalid, invalidField, notFound } from '../http/problem.ts';
import { readScope, type RequestContext } from '../identity/actor.ts';
import { findOrCreateWeapon, linkWeaponToCase, unlinkWeaponIfUnused } from '../weapons/repository.ts';
import { recordTransition, targetStatus, transitionTrace, type TraceAction } from './lifecycle.ts';
import { EDITABLE } from './transitions.ts';
import { presentTrace, presentTraces } from './presenter.ts';
import * as repo from './repository.ts';
import { describeWeapon } from '../weapons/rules.ts';
import { fieldRuleErrors, needsReview, qualityFlags, type TraceFields } from './rules.ts';
import type { Trace, TraceCreate, TracePatch, TraceQuery } from './schemas.ts';


export class TraceService {
  constructor(private readonly clock: Clock) {}

  async create(db: Queryable, ctx: RequestContext, body: TraceCreate): Promise<Trace> {
    const errors = fieldRuleErrors(body, this.clock);
    if (errors.length) throw invalid(errors);
    return db.transaction(async (trx) => {
      const owner = await this.openCaseOf(trx, ctx, body.caseId, '/caseId');
      const weapon = describeWeapon(body.weapon);
      const flags = qualityFlags(weapon, body.urgent ?? false);
      const action: TraceAction = body.draft ? 'create_draft' : 'submit';
      const performer = { ctx };
      const status = targetStatus(action, null, performer, needsReview(owner.reviewRequired, flags));
      const weaponId = await findOrCreateWeapon(trx, weapon, body.caseId);
      const [row] = await repo.insertTracesUnlessDuplicate(trx, [repo.newTraceColumns(trx, {
        fields: body, weapon, weaponId, flags, status, agencyId: ctx.actor.agency.id, userId: ctx.actor.id,
      })]);
      if (!row) throw await this.duplicateOf(trx, body.caseId, weaponId, body.recovery.date);
      await recordTransition(trx, { traceId: row.id, from: null, to: status, action, performer, trace: row });
      return presentTrace(trx, ctx, row, 'reply');
    });
  }

  async get(db: Queryable, ctx: RequestContext, id: string): Promise<Trace> {
    const row = await repo.findTraceRow(db, readScope(ctx.actor), id);
    if (!row) throw notFound('Trace');
    return presentTrace(db, ctx, row, 'read');
  }

  async list(db: Queryable, ctx: RequestContext, query: TraceQuery) {
    const page = await repo.listTraces(db, readScope(ctx.actor), query, query.limit ?? 50);
    return { items: await presentTraces(db, ctx, page.items, 'read'), nextCursor: page.nextCursor };
  }

  async events(db: Queryable, ctx: RequestContext, id: string, limit: number, cursor?: string) {
    await this.load(db, ctx, id);
    return repo.listEvents(db, id, limit, cursor);
  }

  async patch(db: Queryable, ctx: RequestContext, id: string, patch: TracePatch): Promise<Trace> {
    return db.transaction(async (trx) => {
      const current = await this.load(trx, ctx, id);
      if (!(EDITABLE as readonly string[]).includes(current.status)) {
        throw conflict('not-editable', `A trace that is ${current.status} cannot be edited; only draft and needs_info traces can.`);
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
      if (patch.caseId) await this.openCaseOf(trx, ctx, patch.caseId, '/caseId');
      const weapon = describeWeapon(merged.weapon);
      const weaponId = patch.weapon ? await findOrCreateWeapon(trx, weapon, merged.caseId) : current.weapon_id;
      if (!patch.weapon && patch.caseId) await linkWeaponToCase(trx, merged.caseId, weaponId);
      const columns = repo.traceColumns(merged as TraceCreate, weapon, weaponId, qualityFlags(weapon, merged.urgent ?? false));
      const row = await trx.transaction((sp) => repo.updateTraceWhileStatus(sp, id, current.status, columns))
        .catch((error: unknown) => this.rethrowDuplicate(trx, error, merged.caseId, weaponId, merged.recovery.date));
      if (!row) throw conflict('concurrent-change', 'The trace changed while you were editing it; reload it and try again.');
      // The gun this trace was about before the edit stays linked to the case only while something there is still about it.
      if (row.weapon_id !== current.weapon_id || row.case_id !== current.case_id) await unlinkWeaponIfUnused(trx, current.case_id, current.weapon_id);
      await trx('trace_events').insert({ trace_id: id, type: 'updated', from_status: row.status, to_status: row.status, actor_id: ctx.actor.id });
      await audit(trx, ctx, { action: 'trace.updated', entity: 'trace', entityId: id, details: { fields: Object.keys(patch) } });
      return presentTrace(trx, ctx, row, 'reply');
    });
  }

  async submit(db: Queryable, ctx: RequestContext, id: string): Promise<Trace> {
    return db.transaction(async (trx) => {
      const current = await this.load(trx, ctx, id);
      const agency = await trx('agencies').where({ id: current.agency_id }).first('review_required');
      const row = await transitionTrace<repo.TraceRow>(trx, {
        traceId: id, from: current.status, action: 'submit', performer: { ctx },
        needsReview: needsReview(agency.review_required, current.quality_flags),
      });
      return presentTrace(trx, ctx, row, 'reply');
    });
  }

  /** Actions whose only input is an optional message: cancel, approve, return, retry. */
  async act(db: Queryable, ctx: RequestContext, id: string, action: TraceAction, message?: string): Promise<Trace> {
    return db.transaction(async (trx) => {
      const current = await this.load(trx, ctx, id);
      const row = await transitionTrace<repo.TraceRow>(trx, { traceId: id, from: current.status, action, performer: { ctx }, message, people: current });
      return presentTrace(trx, ctx, row, 'reply');
    });
  }

  /** Assigns the trace to an advisor of its region, or unassigns it (null). */
  async assign(db: Queryable, ctx: RequestContext, id: string, userId: string | null): Promise<Trace> {
    return db.transaction(async (trx) => {
      const current = await this.load(trx, ctx, id);
      let assignee: { name: string } | undefined;
      if (userId) {
        assignee = await trx('users as u').join('agencies as a', 'a.id', 'u.agency_id')
          .where({ 'u.id': userId, 'u.role': 'advisor', 'u.active': true })
          .where('a.region', trx('agencies').select('region').where({ id: current.agency_id }))
          .first('u.name');
        if (!assignee) throw invalidField('/userId', 'must be an active advisor of the trace’s region');
      }
      const row = await transitionTrace<repo.TraceRow>(trx, {
        traceId: id, from: current.status, action: 'assign', performer: { ctx },
        set: { assigned_to: userId }, message: assignee ? `Assigned to ${assignee.name}` : 'Unassigned',
        details: { assignedTo: userId },
      });
      return presentTrace(trx, ctx, row, 'reply');
    });
  }

  /** Makes a trace urgent with a reason; a queued job moves ahead in the worker queue. */
  async escalate(db: Queryable, ctx: RequestContext, id: string, reason: string): Promise<Trace> {
    return db.transaction(async (trx) => {
      const current = await this.load(trx, ctx, id);
      if (current.urgent) throw conflict('already-urgent', 'The trace is already urgent.');
      const row = await transitionTrace<repo.TraceRow>(trx, {
        traceId: id, from: current.status, action: 'escalate', performer: { ctx }, message: reason,
        set: { urgent: true, urgent_reason: reason, quality_flags: ['urgent', ...current.quality_flags] },
      });
      return presentTrace(trx, ctx, row, 'reply');
    });
  }

  private async load(db: Queryable, ctx: RequestContext, id: string): Promise<repo.TraceRow> {
    const row = await repo.findTraceRow(db, readScope(ctx.actor), id);
    if (!row) throw notFound('Trace');
    return row;
  }

  private async openCaseOf(db: Queryable, ctx: RequestContext, caseId: string, path: string) {
    const found = await db('cases as c').join('agencies as a', 'a.id', 'c.agency_id')
      .where({ 'c.id': caseId, 'c.agency_id': ctx.actor.agency.id })
      .first('c.status', 'a.review_required');
    if (!found) throw invalidField(path, 'is not a case of your agency');
    if (found.status !== 'open') throw conflict('case-closed', 'The case is closed; reopen it before adding traces.');
    return { reviewRequired: found.review_required as boolean };
  }

  private async duplicateOf(db: Queryable, caseId: string, weaponId: string, recoveryDate: string) {
    const duplicateOf = await repo.findDuplicateId(db, caseId, weaponId, recoveryDate);
    return conflict('duplicate-trace', 'This weapon already has a trace in this case for the same recovery date.', { duplicateOf });
  }

  private async rethrowDuplicate(db: Queryable, error: unknown, caseId: string, weaponId: string, recoveryDate: string): Promise<never> {
    if ((error as { constraint?: string }).constraint === 'traces_no_duplicate') throw await this.duplicateOf(db, caseId, weaponId, recoveryDate);
    throw error;
  }

}

