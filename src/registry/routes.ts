import type { Api } from '../http/api.ts';
import { actionRoute, getRoute, listRoute } from '../http/route-kinds.ts';
import { ReasonBody } from '../shared/schemas.ts';
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
  listRoute(api, {
    path: '/stolen-reports',
    tag: 'Registry',
    query: StolenReportQuery,
    item: StolenReport,
    summary: 'Reports filed by the caller’s agency (advisors: region; admins: all), newest first',
    answer: 'A page of reports',
    list: (db, ctx, query) => registry.list(db, ctx, query),
  });
  getRoute(api, {
    path: '/stolen-reports/:id',
    tag: 'Registry',
    summary: 'One report in scope',
    answer: 'The report',
    schema: StolenReport,
    get: (db, ctx, id) => registry.get(db, ctx, id),
  });
  actionRoute(api, {
    path: '/stolen-reports/:id/recovered',
    tag: 'Registry',
    roles: rolesOf(STOLEN_REPORT_LIFECYCLE, 'recover'),
    body: RecoveredBody,
    schema: StolenReport,
    summary: 'Mark the gun recovered (the reporting agency)',
    answer: 'Recovered',
    act: (db, ctx, id, body) => registry.close(db, ctx, id, 'recover', body.note ?? null),
  });
  actionRoute(api, {
    path: '/stolen-reports/:id/withdraw',
    tag: 'Registry',
    roles: rolesOf(STOLEN_REPORT_LIFECYCLE, 'withdraw'),
    body: ReasonBody,
    schema: StolenReport,
    summary: 'Withdraw a report filed in error (the reporting agency)',
    answer: 'Withdrawn',
    act: (db, ctx, id, body) => registry.close(db, ctx, id, 'withdraw', body.reason),
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
