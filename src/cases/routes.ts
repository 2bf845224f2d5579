import type { Api } from '../http/api.ts';
import { IdParams, Page } from '../shared/schemas.ts';
import { Case, CaseCreate, CaseDetail, CasePatch, CaseQuery } from './schemas.ts';
import * as service from './service.ts';

const investigator = ['investigator'] as const;

export function caseRoutes(api: Api): void {
  api.add({
    method: 'post',
    path: '/cases',
    tag: 'Cases',
    summary: 'Open a case in your agency',
    roles: investigator,
    body: CaseCreate,
    idempotent: true,
    location: (body: { id: string }) => `/cases/${body.id}`,
    bodyExample: {
      caseNumber: 'PNC-DAE-2026-0412',
      title: 'Homicidio en Soyapango',
      offense: 'homicide',
      openedAt: '2026-10-03',
    },
    responses: { 201: { description: 'Created', schema: Case } },
    handler: async ({ db, ctx, body }) => ({ status: 201, body: await service.createCase(db, ctx, body) }),
  });
  api.add({
    method: 'get',
    path: '/cases',
    tag: 'Cases',
    summary: 'Cases in scope, newest first; `q` matches case number or title',
    query: CaseQuery,
    responses: { 200: { description: 'A page of cases', schema: Page(Case) } },
    handler: async ({ db, ctx, query }) => ({ status: 200, body: await service.listCases(db, ctx, query) }),
  });
  api.add({
    method: 'get',
    path: '/cases/:id',
    tag: 'Cases',
    summary: 'A case with its weapons and traces',
    params: IdParams,
    responses: { 200: { description: 'The case', schema: CaseDetail } },
    handler: async ({ db, ctx, params }) => ({ status: 200, body: await service.getCase(db, ctx, params.id) }),
  });
  api.add({
    method: 'patch',
    path: '/cases/:id',
    tag: 'Cases',
    summary: 'Rename, close or reopen a case',
    roles: investigator,
    params: IdParams,
    body: CasePatch,
    conditional: true,
    responses: { 200: { description: 'Updated', schema: Case } },
    handler: async ({ db, ctx, params, body, precondition }) => ({
      status: 200,
      body: await service.updateCase(db, ctx, params.id, body, precondition),
    }),
  });
}
