import Type from 'typebox';
import type { Api } from '../http/api.ts';
import { DESTRUCTION_READERS } from '../shared/actor.ts';
import { Uuid } from '../shared/fields.ts';
import { IdParams, Page } from '../shared/schemas.ts';
import {
  Destruction,
  DestructionComplete,
  DestructionCreate,
  DestructionDetail,
  DestructionQuery,
  DestructionVerify,
} from './schemas.ts';
import type { DestructionService } from './service.ts';
import { DESTRUCTION_LIFECYCLE } from './transitions.ts';
import { rolesOf } from '../shared/lifecycle.ts';

const readers = DESTRUCTION_READERS;

export function destructionRoutes(api: Api, destructions: DestructionService): void {
  api.add({
    method: 'post',
    path: '/destructions',
    tag: 'Destruction',
    summary: 'Plan a destruction event; its items become scheduled',
    description:
      'All or nothing: when any item is not eligible the answer is 409 with `items: [{itemId, reasons}]` ' +
      '(not_found, other_agency, not_in_custody, evidence_hold, open_trace, stolen_report, critical_alert). A gun ' +
      'reported stolen or lost (`stolenReports` names the active reports) or with a critical alert not closed ' +
      '(`alerts`) may have been diverted: it is not destroyed until that is resolved.',
    roles: rolesOf(DESTRUCTION_LIFECYCLE, 'plan'),
    body: DestructionCreate,
    idempotent: true,
    location: (body: { id: string }) => `/destructions/${body.id}`,
    bodyExample: {
      plannedFor: '2026-12-10',
      method: 'smelting',
      location: 'Acería de Acajutla, Sonsonate',
      itemIds: ['9b2d6a4e-1f3c-4e5a-8b7d-0c1e2f3a4b5c'],
    },
    responses: { 201: { description: 'Planned', schema: Destruction } },
    handler: async ({ db, ctx, body }) => ({ status: 201, body: await destructions.plan(db, ctx, body) }),
  });
  api.add({
    method: 'get',
    path: '/destructions',
    tag: 'Destruction',
    summary: 'Destruction events, newest first',
    roles: readers,
    query: DestructionQuery,
    responses: { 200: { description: 'A page of events', schema: Page(Destruction) } },
    handler: async ({ db, ctx, query }) => ({ status: 200, body: await destructions.list(db, ctx, query) }),
  });
  api.add({
    method: 'get',
    path: '/destructions/:id',
    tag: 'Destruction',
    summary: 'A destruction event with its items’ weapons and their traces',
    roles: readers,
    params: IdParams,
    responses: { 200: { description: 'The event', schema: DestructionDetail } },
    handler: async ({ db, ctx, params }) => ({ status: 200, body: await destructions.get(db, ctx, params.id) }),
  });
  api.add({
    method: 'delete',
    path: '/destructions/:id/items/:itemId',
    tag: 'Destruction',
    summary: 'Take an item out of a planned event (back to in_custody)',
    roles: rolesOf(DESTRUCTION_LIFECYCLE, 'remove_item'),
    params: Type.Object({ id: Uuid, itemId: Uuid }),
    conditional: true,
    responses: { 204: { description: 'Removed; `ETag` is the destruction event’s new version' } },
    handler: async ({ db, ctx, params, precondition }) => {
      const version = await destructions.removeItem(db, ctx, params.id, params.itemId, precondition);
      return { status: 204, headers: { ETag: `"${version}"` } };
    },
  });
  api.add({
    method: 'post',
    path: '/destructions/:id/complete',
    tag: 'Destruction',
    summary: 'Record the destruction as done (≥ 2 witnesses)',
    roles: rolesOf(DESTRUCTION_LIFECYCLE, 'complete'),
    params: IdParams,
    body: DestructionComplete,
    conditional: true,
    bodyExample: {
      performedAt: '2026-12-10T09:30:00Z',
      certificateNumber: 'CD-2026-077',
      witnesses: [
        { name: 'Lic. Ana Rivas', organization: 'Fiscalía General de la República' },
        { name: 'John Miller', organization: 'US Embassy (INL)' },
      ],
    },
    responses: { 200: { description: 'Completed; its items are destroyed', schema: Destruction } },
    handler: async ({ db, ctx, params, body, precondition }) => ({
      status: 200,
      body: await destructions.complete(db, ctx, params.id, body, precondition),
    }),
  });
  api.add({
    method: 'post',
    path: '/destructions/:id/verify',
    tag: 'Destruction',
    summary: 'Verify a completed destruction (a second official: never the one who completed it)',
    description:
      'While a critical alert about one of its guns is not closed (a gun recorded as destroyed that was recovered ' +
      'again), the answer is 409 `/problems/critical-alert-open` naming the alerts (`alerts`).',
    roles: rolesOf(DESTRUCTION_LIFECYCLE, 'verify'),
    params: IdParams,
    body: DestructionVerify,
    conditional: true,
    responses: { 200: { description: 'Verified', schema: Destruction } },
    handler: async ({ db, ctx, params, body, precondition }) => ({
      status: 200,
      body: await destructions.verify(db, ctx, params.id, body.notes, precondition),
    }),
  });
  api.add({
    method: 'get',
    path: '/destructions/:id/certificate',
    tag: 'Destruction',
    summary: 'The certificate of a completed destruction (PDF)',
    roles: readers,
    params: IdParams,
    responses: {
      200: {
        description: 'The certificate',
        schema: Type.String({ contentMediaType: 'application/pdf' }),
        contentType: 'application/pdf',
        headers: ['Content-Disposition'],
      },
    },
    handler: async ({ db, ctx, params }) => {
      const { reference, pdf } = await destructions.certificate(db, ctx, params.id);
      return {
        status: 200,
        body: pdf,
        contentType: 'application/pdf',
        headers: { 'Content-Disposition': `inline; filename="${reference}.pdf"` },
      };
    },
  });
}
