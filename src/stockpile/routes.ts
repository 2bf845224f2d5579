import type { Api } from '../http/api.ts';
import Type from 'typebox';
import { IdParams, Page, PageQuery, ReasonBody } from '../shared/schemas.ts';
import { ItemCreate, ItemEvent, ItemQuery, LabelQuery, LabelsBody, StockpileItem } from './schemas.ts';
import type { StockpileService } from './service.ts';
import { HOLD_LIFECYCLE, ITEM_LIFECYCLE } from './transitions.ts';
import { rolesOf } from '../shared/lifecycle.ts';
import { STOCKPILE_READERS } from '../shared/actor.ts';

const readers = STOCKPILE_READERS;

export function stockpileRoutes(api: Api, stockpile: StockpileService): void {
  api.add({
    method: 'post',
    path: '/stockpile/items',
    tag: 'Stockpile',
    summary: 'Take a weapon into custody',
    roles: rolesOf(ITEM_LIFECYCLE, 'intake'),
    body: ItemCreate,
    idempotent: true,
    location: (body: { id: string }) => `/stockpile/items/${body.id}`,
    bodyExample: {
      weapon: {
        manufacturer: 'Taurus',
        model: 'PT92',
        caliber: '9mm',
        type: 'pistol',
        serialNumber: 'TBR55120',
        countryOfManufacture: 'BR',
        importer: 'Taurus International',
      },
      source: 'seized',
      intakeDate: '2026-10-15',
      storageLocation: 'Bodega central, estante 4',
      caseId: '3f0c1a52-6b1e-4c7a-9d0e-2a6f1b8c9d10',
    },
    description:
      'One active custody record per weapon (409 otherwise). `evidenceHold` defaults to true when `caseId` is given.',
    responses: { 201: { description: 'In custody', schema: StockpileItem } },
    handler: async ({ db, ctx, body }) => ({ status: 201, body: await stockpile.intake(db, ctx, body) }),
  });
  api.add({
    method: 'get',
    path: '/stockpile/items',
    tag: 'Stockpile',
    summary: 'The custody register, newest first',
    roles: readers,
    query: ItemQuery,
    responses: { 200: { description: 'A page of items', schema: Page(StockpileItem) } },
    handler: async ({ db, ctx, query }) => ({ status: 200, body: await stockpile.list(db, ctx, query) }),
  });
  api.add({
    method: 'get',
    path: '/stockpile/items/:id',
    tag: 'Stockpile',
    summary: 'One stockpile item',
    roles: readers,
    params: IdParams,
    responses: { 200: { description: 'The item', schema: StockpileItem } },
    handler: async ({ db, ctx, params }) => ({ status: 200, body: await stockpile.get(db, ctx, params.id) }),
  });
  api.add({
    method: 'get',
    path: '/stockpile/items/:id/events',
    tag: 'Stockpile',
    roles: readers,
    params: IdParams,
    query: Type.Object({ ...PageQuery }, { additionalProperties: false }),
    summary:
      "The item's custody history, oldest first: intake, each evidence hold placed or released with its reason, scheduling, destruction",
    responses: { 200: { description: 'A page of events', schema: Page(ItemEvent) } },
    handler: async ({ db, ctx, params, query }) => ({
      status: 200,
      body: await stockpile.events(db, ctx, params.id, query),
    }),
  });
  api.add({
    method: 'post',
    path: '/stockpile/items/:id/hold',
    tag: 'Stockpile',
    summary: 'Place an evidence hold (blocks destruction)',
    roles: rolesOf(HOLD_LIFECYCLE, 'hold'),
    params: IdParams,
    body: ReasonBody,
    conditional: true,
    responses: { 200: { description: 'Held', schema: StockpileItem } },
    handler: async ({ db, ctx, params, body, precondition }) => ({
      status: 200,
      body: await stockpile.setHold(db, ctx, params.id, true, body.reason, precondition),
    }),
  });
  api.add({
    method: 'post',
    path: '/stockpile/items/:id/release-hold',
    tag: 'Stockpile',
    summary: 'Release an evidence hold, with the reason (e.g. the court order)',
    roles: rolesOf(HOLD_LIFECYCLE, 'release_hold'),
    params: IdParams,
    body: ReasonBody,
    conditional: true,
    responses: { 200: { description: 'Released', schema: StockpileItem } },
    handler: async ({ db, ctx, params, body, precondition }) => ({
      status: 200,
      body: await stockpile.setHold(db, ctx, params.id, false, body.reason, precondition),
    }),
  });
  const pdf = {
    description:
      'The labels (PDF/A): each with the item reference, the weapon’s short form and a QR code of the reference',
    schema: Type.String({ contentMediaType: 'application/pdf' }),
    contentType: 'application/pdf',
    headers: ['Content-Disposition'],
  };
  api.add({
    method: 'get',
    path: '/stockpile/items/:id/label',
    tag: 'Stockpile',
    summary: 'The label of one item (PDF), for a label printer by default',
    roles: readers,
    params: IdParams,
    query: LabelQuery,
    responses: { 200: pdf },
    handler: async ({ db, ctx, params, query }) => {
      const { name, pdf } = await stockpile.labels(
        db,
        ctx,
        { itemIds: [params.id], layout: query.layout },
        'roll_62x29',
      );
      return {
        status: 200,
        body: pdf,
        contentType: 'application/pdf',
        headers: { 'Content-Disposition': `inline; filename="${name}.pdf"` },
      };
    },
  });
  api.add({
    method: 'post',
    path: '/stockpile/labels',
    tag: 'Stockpile',
    summary: 'Labels for many items, or for every item in custody at one location (PDF; A4 sheets of 24 by default)',
    roles: readers,
    body: LabelsBody,
    bodyExample: { storageLocation: 'Bodega central, estante 4', layout: 'a4_3x8' },
    responses: { 200: pdf },
    handler: async ({ db, ctx, body }) => {
      const { name, pdf } = await stockpile.labels(db, ctx, body, 'a4_3x8');
      return {
        status: 200,
        body: pdf,
        contentType: 'application/pdf',
        headers: { 'Content-Disposition': `inline; filename="${name}.pdf"` },
      };
    },
  });
}
