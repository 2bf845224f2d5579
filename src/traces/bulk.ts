import type { Clock } from '../shared/clock.ts';
import type { Queryable } from '../db/knex.ts';
import type { FieldError } from '../shared/problem.ts';
import { bodyChecker } from '../http/validation.ts';
import type { RequestContext } from '../shared/actor.ts';
import { describeWeapon } from '../weapons/rules.ts';
import { planTransition } from './lifecycle.ts';
import { fieldRuleErrors, qualityFlags } from './rules.ts';
import { TraceCreate } from './schemas.ts';
import { apiAuditActor } from '../db/audit-log.ts';
import { caseProblem } from './service.ts';
import { caseIdsByNumber } from '../cases/repository.ts';
import { createTraces, newTrace, type Claim } from './writes/create.ts';

export const BULK_LIMIT = 500;

export interface BulkRowResult {
  index: number;
  traceId?: string;
  reference?: string;
  errors?: FieldError[];
  duplicateOf?: string;
}

export interface BulkResult {
  created: number;
  failed: number;
  results: BulkRowResult[];
}

const checkRow = bodyChecker(TraceCreate);

type Numbered = { row: unknown } | { caseNumberError: FieldError };

/**
 * Rows may name their case by its number (`caseNumber`, what people know) instead of its id: each number is looked up
 * among the caller's agency's cases (one query for the upload) and replaced by the id before the row is checked.
 */
async function byCaseNumber(db: Queryable, ctx: RequestContext, rows: unknown[]): Promise<Numbered[]> {
  const numberOf = (row: unknown) =>
    row && typeof row === 'object' && 'caseNumber' in row ? (row as { caseNumber: unknown }).caseNumber : undefined;
  const numbers = [...new Set(rows.map(numberOf).filter((n): n is string => typeof n === 'string'))];
  const ids = numbers.length ? await caseIdsByNumber(db, ctx.actor.agency.id, numbers) : new Map<string, string>();
  return rows.map((row) => {
    const number = numberOf(row);
    if (number === undefined) return { row };
    const { caseNumber: _, ...rest } = row as Record<string, unknown>;
    if (typeof number !== 'string') return { caseNumberError: { path: '/caseNumber', message: 'must be string' } };
    const id = ids.get(number);
    if (!id) return { caseNumberError: { path: '/caseNumber', message: 'is not a case number of your agency' } };
    if (rest.caseId !== undefined && rest.caseId !== id)
      return { caseNumberError: { path: '/caseNumber', message: 'names another case than caseId' } };
    return { row: { ...rest, caseId: id } };
  });
}

/**
 * Creates many traces, each row standing or failing alone: rows are validated one by one, then the good ones are
 * written by the same one statement as a single creation (case check, weapons, links, traces, events, audit, outbox).
 */
export class TraceBulkImport {
  constructor(private readonly clock: Clock) {}

  /** Undefined when the request's idempotency key was taken already (the caller replays). */
  async create(db: Queryable, ctx: RequestContext, rows: unknown[], claim?: Claim): Promise<BulkResult | undefined> {
    const results: BulkRowResult[] = rows.map((_, index) => ({ index }));
    const numbered = await byCaseNumber(db, ctx, rows);
    const valid = numbered.flatMap((numberedRow, index) => {
      if ('caseNumberError' in numberedRow) {
        results[index]!.errors = [numberedRow.caseNumberError];
        return [];
      }
      const { row } = numberedRow;
      const errors = checkRow(row);
      if (!errors.length) errors.push(...fieldRuleErrors(row as TraceCreate, this.clock));
      if (errors.length) {
        results[index]!.errors = errors;
        return [];
      }
      const body = row as TraceCreate;
      const weapon = describeWeapon(body.weapon);
      return [
        { ...newTrace(index, body, weapon, qualityFlags(weapon, body.urgent ?? false)), author: apiAuditActor(ctx) },
      ];
    });
    if (valid.length) {
      const plans = { draft: planTransition('create_draft', { ctx }), submit: planTransition('submit', { ctx }) };
      const outcomes = await createTraces(db, plans, valid, claim);
      if (!outcomes) return undefined;
      for (const outcome of outcomes) {
        const result = results[outcome.index]!;
        const problem = caseProblem(outcome.caseStatus);
        if (problem) {
          result.errors = [
            {
              path: '/caseId',
              message:
                outcome.caseStatus === 'closed' ? 'is a closed case; reopen it first' : 'is not a case of your agency',
            },
          ];
        } else if (outcome.trace) {
          Object.assign(result, { traceId: outcome.trace.id, reference: outcome.trace.reference });
        } else {
          Object.assign(result, {
            errors: [{ path: '', message: 'duplicates a trace of the same weapon, case and recovery date' }],
            duplicateOf: outcome.duplicateOf,
          });
        }
      }
    }
    const failed = results.filter((r) => r.errors).length;
    return { created: results.length - failed, failed, results };
  }
}
