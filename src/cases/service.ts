import { audit } from '../db/audit-log.ts';
import { uniqueViolation, type Queryable } from '../db/knex.ts';
import { conflict, notFound, preconditionFailed } from '../shared/problem.ts';
import { satisfies, type Precondition } from '../shared/versioned.ts';
import { readScope, type RequestContext } from '../shared/actor.ts';
import * as repo from './repository.ts';
import type { Case, CaseCreate, CaseDetail, CasePatch, CaseQuery } from './schemas.ts';

export async function createCase(db: Queryable, ctx: RequestContext, body: CaseCreate): Promise<Case> {
  return db.transaction(async (trx) => {
    const created = await trx
      .transaction((sp) => repo.insertCase(sp, ctx.actor.agency.id, ctx.actor.id, body))
      .catch((error: unknown) => {
        if (uniqueViolation(error) === 'cases_agency_case_number_unique') {
          throw conflict('case-number-taken', `Case number ${body.caseNumber} already exists in your agency.`);
        }
        throw error;
      });
    await audit(trx, ctx, { action: 'case.created', entity: 'case', entityId: created.id });
    return created;
  });
}

export async function getCase(db: Queryable, ctx: RequestContext, id: string): Promise<CaseDetail> {
  const found = await repo.findCase(db, readScope(ctx.actor), id);
  if (!found) throw notFound('Case');
  return { ...found, ...(await repo.caseContents(db, id)) };
}

export async function updateCase(
  db: Queryable,
  ctx: RequestContext,
  id: string,
  patch: CasePatch,
  precondition?: Precondition,
): Promise<Case> {
  return db.transaction(async (trx) => {
    const current = await repo.findCase(trx, readScope(ctx.actor), id);
    if (!current) throw notFound('Case');
    const version = repo.caseVersion(current);
    if (!satisfies(precondition, version)) throw preconditionFailed('Case', version);
    const updated = await repo.updateCase(trx, id, version, patch);
    if (!updated)
      throw conflict('concurrent-change', 'The case changed while you were changing it; reload it and try again.');
    await audit(trx, ctx, { action: 'case.updated', entity: 'case', entityId: id, details: patch });
    return updated;
  });
}

export const listCases = (db: Queryable, ctx: RequestContext, query: CaseQuery) =>
  repo.listCases(db, readScope(ctx.actor), query, query.limit ?? 50);
