import type { Api } from '../http/api.ts';
import { IdParams, Page, ReasonBody } from '../shared/schemas.ts';
import {
  RecoveredBody,
  RegistryCheck,
  RegistryCheckQuery,
  StolenReport,
  StolenReportCreate,
  StolenReportQuery,
} from './schemas.ts';
import type { RegistryService } from './service.ts';
import { STOLEN_REPORT_LIFECYCLE } from './transitions.ts';
import { rolesOf } from '../shared/lifecycle.ts';

export function registryRoutes(api: Api, registry: RegistryService): void {
  api.add({
    method: 'post',
    path: '/stolen-reports',
    tag: 'Registry',
    roles: rolesOf(STOLEN_REPORT_LIFECYCLE, 'file'),
    body: StolenReportCreate,
    idempotent: true,
    summary:
      'Report a firearm lost or stolen (own agency); matched at once against the gun’s traces and custody records',
    bodyExample: {
      weapon: {
        manufacturer: 'Glock',
        model: '17',
        caliber: '9mm',
        type: 'pistol',
        serialNumber: 'BXK-4471',
        countryOfManufacture: 'AT',
        importer: 'Glock Inc.',
      },
      kind: 'stolen',
      lostOn: '2026-09-14',
      sourceType: 'agency_stockpile',
      circumstances: 'Missing from the armoury of the Zacapa station at the quarterly inventory.',
      location: { country: 'GT', department: 'Zacapa' },
      policeReportNumber: 'MP-2026-11873',
    },
    location: (body: { id: string }) => `/stolen-reports/${body.id}`,
    responses: { 201: { description: 'Filed', schema: StolenReport } },
    handler: async ({ db, ctx, body }) => ({ status: 201, body: await registry.file(db, ctx, body) }),
  });
  api.add({
    method: 'get',
    path: '/stolen-reports',
    tag: 'Registry',
    query: StolenReportQuery,
    summary: 'Reports filed by the caller’s agency (advisors: region; admins: all), newest first',
    responses: { 200: { description: 'A page of reports', schema: Page(StolenReport) } },
    handler: async ({ db, ctx, query }) => ({ status: 200, body: await registry.list(db, ctx, query) }),
  });
  api.add({
    method: 'get',
    path: '/stolen-reports/:id',
    tag: 'Registry',
    params: IdParams,
    summary: 'One report in scope',
    responses: { 200: { description: 'The report', schema: StolenReport } },
    handler: async ({ db, ctx, params }) => ({ status: 200, body: await registry.get(db, ctx, params.id) }),
  });
  api.add({
    method: 'post',
    path: '/stolen-reports/:id/recovered',
    tag: 'Registry',
    roles: rolesOf(STOLEN_REPORT_LIFECYCLE, 'recover'),
    params: IdParams,
    body: RecoveredBody,
    summary: 'Mark the gun recovered (the reporting agency)',
    responses: { 200: { description: 'Recovered', schema: StolenReport } },
    handler: async ({ db, ctx, params, body }) => ({
      status: 200,
      body: await registry.close(db, ctx, params.id, 'recover', body.note ?? null),
    }),
  });
  api.add({
    method: 'post',
    path: '/stolen-reports/:id/withdraw',
    tag: 'Registry',
    roles: rolesOf(STOLEN_REPORT_LIFECYCLE, 'withdraw'),
    params: IdParams,
    body: ReasonBody,
    summary: 'Withdraw a report filed in error (the reporting agency)',
    responses: { 200: { description: 'Withdrawn', schema: StolenReport } },
    handler: async ({ db, ctx, params, body }) => ({
      status: 200,
      body: await registry.close(db, ctx, params.id, 'withdraw', body.reason),
    }),
  });
  api.add({
    method: 'get',
    path: '/registry/check',
    tag: 'Registry',
    query: RegistryCheckQuery,
    summary: 'Is this gun reported lost or stolen anywhere? Across all agencies, the short form only; audited',
    responses: {
      200: {
        description: 'The reports of the gun with that manufacturer and serial (active first)',
        schema: RegistryCheck,
      },
    },
    handler: async ({ db, ctx, query }) => ({
      status: 200,
      body: await registry.check(db, ctx, query.manufacturer, query.serial),
    }),
  });
}
