import { audit } from '../audit/audit-log.ts';
import { uniqueViolation, type Queryable } from '../db/knex.ts';
import { conflict, notFound } from '../http/problem.ts';
import { readScope, type RequestContext } from '../identity/actor.ts';
import * as repo from './repository.ts';
import type { Case, CaseCreate, CaseDetail, CasePatch, CaseQuery } from './schemas.ts';

export async function createCase(db: Queryable, ctx: RequestContext, body: CaseCreate): Promise<Case> {
  return db.transaction(async (trx) => {
    const created = await trx.transaction((sp) => repo.insertCase(sp, ctx.actor.agency.id, ctx.actor.id, body)).catch((error: unknown) => {
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

export async function updateCase(db: Queryable, ctx: RequestContext, id: string, patch: CasePatch): Promise<Case> {
  return db.transaction(async (trx) => {
    if (!(await repo.findCase(trx, readScope(ctx.actor), id))) throw notFound('Case');
    const updated = await repo.updateCase(trx, id, patch);
    await audit(trx, ctx, { action: 'case.updated', entity: 'case', entityId: id, details: patch });
    return updated;
  });
}

export const listCases = (db: Queryable, ctx: RequestContext, query: CaseQuery) =>
  repo.listCases(db, readScope(ctx.actor), query, query.limit ?? 50);
