import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.ts';
import type { Queryable } from '../db/knex.ts';
import type { FieldError } from '../http/problem.ts';
import { bodyChecker } from '../http/validation.ts';
import type { RequestContext } from '../identity/actor.ts';
import { findOrCreateWeapons, linkWeaponsToCases } from '../weapons/repository.ts';
import { describeWeapon } from '../weapons/rules.ts';
import { recordTransitions, targetStatus } from './lifecycle.ts';
import { insertTracesUnlessDuplicate, newTraceColumns } from './repository.ts';
import { fieldRuleErrors, needsReview, qualityFlags } from './rules.ts';
import { TraceCreate } from './schemas.ts';

export const BULK_LIMIT = 500;

export interface BulkRowResult {
  index: number;
  traceId?: string;
  reference?: string;
  errors?: FieldError[];
  duplicateOf?: string;
}

const checkRow = bodyChecker(TraceCreate);

/**
 * Creates many traces, each row standing or failing alone: rows are validated one by one, then the good ones are
 * written together, one statement per table, with the same duplicate rule as single creation.
 */
export class TraceBulkImport {
  constructor(private readonly clock: Clock) {}

  async create(db: Queryable, ctx: RequestContext, rows: unknown[]): Promise<{ created: number; failed: number; results: BulkRowResult[] }> {
    const results: BulkRowResult[] = rows.map((_, index) => ({ index }));
    const valid: { index: number; body: TraceCreate }[] = [];
    rows.forEach((row, index) => {
      const errors = checkRow(row);
      if (!errors.length) errors.push(...fieldRuleErrors(row as TraceCreate, this.clock));
      if (errors.length) results[index]!.errors = errors;
      else valid.push({ index, body: row as TraceCreate });
    });

    await db.transaction(async (trx) => {
      const usable = await this.checkCases(trx, ctx, valid, results);
      if (!usable.length) return;
      const reviewRequired = Boolean((await trx('agencies').where({ id: ctx.actor.agency.id }).first('review_required')).review_required);
      const weapons = usable.map(({ body }) => describeWeapon(body.weapon));
      const weaponIds = await findOrCreateWeapons(trx, weapons);
      await linkWeaponsToCases(trx, usable.map(({ body }, i) => ({ caseId: body.caseId, weaponId: weaponIds[i]! })));

      const performer = { ctx };
      const planned = usable.map(({ index, body }, i) => {
        const flags = qualityFlags(weapons[i]!, body.urgent ?? false);
        const action = body.draft ? 'create_draft' as const : 'submit' as const;
        const status = targetStatus(action, null, performer, needsReview(reviewRequired, flags));
        const row = {
          id: randomUUID(),
          ...newTraceColumns(trx, { fields: body, weapon: weapons[i]!, weaponId: weaponIds[i]!, flags, status, agencyId: ctx.actor.agency.id, userId: ctx.actor.id }),
        };
        return { index, action, status, row };
      });
      const inserted = await insertTracesUnlessDuplicate(trx, planned.map((p) => p.row));
      const byId = new Map(inserted.map((row) => [row.id, row]));
      await recordTransitions(trx, planned.filter((p) => byId.has(p.row.id)).map((p) => ({
        traceId: p.row.id, from: null, to: p.status, action: p.action, performer, trace: byId.get(p.row.id)!,
      })));
      for (const p of planned) {
        const row = byId.get(p.row.id);
        if (row) Object.assign(results[p.index]!, { traceId: row.id, reference: row.reference });
      }
      await this.markDuplicates(trx, planned.filter((p) => !byId.has(p.row.id)), results);
    });
    const failed = results.filter((r) => r.errors).length;
    return { created: results.length - failed, failed, results };
  }

  /** Rows whose case is not an open case of the caller's agency fail; the rest go on. */
  private async checkCases(db: Queryable, ctx: RequestContext, valid: { index: number; body: TraceCreate }[], results: BulkRowResult[]) {
    const caseIds = [...new Set(valid.map((v) => v.body.caseId))];
    const cases: { id: string; status: string }[] = caseIds.length
      ? await db('cases').where('agency_id', ctx.actor.agency.id).whereIn('id', caseIds).select('id', 'status')
      : [];
    const statusOf = new Map(cases.map((c) => [c.id, c.status]));
    return valid.filter(({ index, body }) => {
      const status = statusOf.get(body.caseId);
      if (status === 'open') return true;
      results[index]!.errors = [{ path: '/caseId', message: status ? 'is a closed case; reopen it first' : 'is not a case of your agency' }];
      return false;
    });
  }

  private async markDuplicates(db: Queryable, refused: { index: number; row: { case_id: string; weapon_id: string; recovery_date: string } }[], results: BulkRowResult[]) {
    if (!refused.length) return;
    const { rows } = await db.raw(
      `SELECT DISTINCT ON (r.i) r.i, t.id
         FROM unnest(?::int[], ?::uuid[], ?::uuid[], ?::date[]) AS r(i, case_id, weapon_id, recovery_date)
         JOIN traces t ON t.case_id = r.case_id AND t.weapon_id = r.weapon_id AND t.recovery_date = r.recovery_date
        WHERE t.status <> 'cancelled'
        ORDER BY r.i, t.created_at`,
      [refused.map((r) => r.index), refused.map((r) => r.row.case_id), refused.map((r) => r.row.weapon_id), refused.map((r) => r.row.recovery_date)],
    );
    const duplicateOf = new Map((rows as { i: number; id: string }[]).map((row) => [row.i, row.id]));
    for (const { index } of refused) {
      Object.assign(results[index]!, {
        errors: [{ path: '', message: 'duplicates a trace of the same weapon, case and recovery date' }],
        duplicateOf: duplicateOf.get(index),
      });
    }
  }
}
