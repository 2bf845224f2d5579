import Type from 'typebox';
import type { Api } from '../http/api.ts';
import { STOCKPILE_READERS } from '../shared/actor.ts';
import { rolesOf } from '../shared/lifecycle.ts';
import { IdParams, Page, ProblemSchema } from '../shared/schemas.ts';
import {
  CloseBody,
  CountAnswer,
  CountBody,
  LineQuery,
  Stocktake,
  StocktakeCreate,
  StocktakeDetail,
  StocktakeLine,
  StocktakeQuery,
  Store,
} from './schemas.ts';
import type { StocktakeService } from './service.ts';
import { STOCKTAKE_LIFECYCLE } from './transitions.ts';

const readers = STOCKPILE_READERS;

export function stocktakeRoutes(api: Api, stocktakes: StocktakeService): void {
  api.add({
    method: 'post',
    path: '/stockpile/stocktakes',
    tag: 'Stocktakes',
    summary: 'Open a count of a store',
    description:
      'The items of your agency in custody or scheduled at `storageLocation` now are expected. One count of a store at ' +
      'a time: 409 (`/problems/stocktake-in-progress`, `duplicateOf` the open one) otherwise.',
    roles: rolesOf(STOCKTAKE_LIFECYCLE, 'open'),
    body: StocktakeCreate,
    bodyExample: { storageLocation: 'Bodega central, estante 4', note: 'Conteo anual 2026' },
    idempotent: true,
    location: (body: { id: string }) => `/stockpile/stocktakes/${body.id}`,
    responses: { 201: { description: 'Open', schema: StocktakeDetail } },
    handler: async ({ db, ctx, body }) => ({ status: 201, body: await stocktakes.open(db, ctx, body) }),
  });
  api.add({
    method: 'get',
    path: '/stockpile/stocktakes',
    tag: 'Stocktakes',
    summary: 'Counts in scope, newest first',
    roles: readers,
    query: StocktakeQuery,
    responses: { 200: { description: 'A page of stocktakes', schema: Page(Stocktake) } },
    handler: async ({ db, ctx, query }) => ({ status: 200, body: await stocktakes.list(db, ctx, query) }),
  });
  api.add({
    method: 'get',
    path: '/stockpile/stocktakes/:id',
    tag: 'Stocktakes',
    summary: 'One count, with its missing, unexpected and left items; as PDF, the count sheet',
    description:
      'With `Accept: application/pdf`: the count sheet the two stockpile managers sign (Spanish and English; marked ' +
      '“not closed” on every page while the count is open). Each print is audited.',
    roles: readers,
    params: IdParams,
    responses: {
      200: {
        description: 'The stocktake; as PDF, `Content-Disposition` names the file',
        schema: StocktakeDetail,
        alternatives: { 'application/pdf': Type.String({ contentMediaType: 'application/pdf' }) },
        headers: ['Content-Disposition', 'Vary'],
      },
    },
    handler: async ({ db, ctx, params, req }) => {
      const headers: Record<string, string> = { Vary: 'Accept' };
      if (req.accepts(['application/json', 'application/pdf']) === 'application/pdf') {
        const language = req.acceptsLanguages('es', 'en') === 'en' ? 'en' : 'es';
        const { reference, pdf } = await stocktakes.countSheet(db, ctx, params.id, language);
        headers['Content-Disposition'] = `inline; filename="${reference}.pdf"`;
        return { status: 200, body: pdf, contentType: 'application/pdf', headers };
      }
      return { status: 200, body: await stocktakes.detail(db, ctx, params.id), headers };
    },
  });
  api.add({
    method: 'get',
    path: '/stockpile/stocktakes/:id/lines',
    tag: 'Stocktakes',
    summary: 'The lines of a count in item-reference order (e.g. `outcome=pending`: expected, not counted yet)',
    roles: readers,
    params: IdParams,
    query: LineQuery,
    responses: { 200: { description: 'A page of lines', schema: Page(StocktakeLine) } },
    handler: async ({ db, ctx, params, query }) => ({
      status: 200,
      body: await stocktakes.lines(db, ctx, params.id, query),
    }),
  });
  api.add({
    method: 'post',
    path: '/stockpile/stocktakes/:id/counts',
    tag: 'Stocktakes',
    summary: 'Count one item (idempotent: an item counted twice is counted once)',
    description:
      'An item of your agency that was not expected is recorded as `unexpected`, with why (`explanation`). A code that ' +
      'is not an item reference, or names no item of your agency, is a 422 (`/problems/not-ours`) and records nothing. ' +
      'A closed count: 409 (`/problems/stocktake-closed`).',
    roles: rolesOf(STOCKTAKE_LIFECYCLE, 'count'),
    params: IdParams,
    body: CountBody,
    bodyExample: { itemReference: 'SI-2026-000042', condition: 'ok' },
    responses: {
      200: { description: 'Counted, already counted, or recorded as unexpected', schema: CountAnswer },
      422: {
        description:
          '`/problems/not-ours`: the code is not an item reference, or names no item of your agency (another agency’s ' +
          'item and no item at all answer alike); nothing was recorded',
        schema: ProblemSchema,
        contentType: 'application/problem+json',
      },
    },
    handler: async ({ db, ctx, params, body }) => ({
      status: 200,
      body: await stocktakes.count(db, ctx, params.id, body),
    }),
  });
  api.add({
    method: 'post',
    path: '/stockpile/stocktakes/:id/close',
    tag: 'Stocktakes',
    summary: 'Close a count: a second stockpile manager signs it off',
    description:
      'By a stockpile manager other than the one who opened it (403, `/problems/self-close`). Expected items not ' +
      'counted are `missing`, each raising a critical `stock_discrepancy` alert for the agency and its region’s ' +
      'advisors; items counted here that an earlier count found missing close those alerts with a note.',
    roles: rolesOf(STOCKTAKE_LIFECYCLE, 'close'),
    params: IdParams,
    body: CloseBody,
    bodyExample: { note: 'Conteo completo; dos faltantes reportados a la jefatura.' },
    responses: { 200: { description: 'Closed', schema: StocktakeDetail } },
    handler: async ({ db, ctx, params, body }) => ({
      status: 200,
      body: await stocktakes.close(db, ctx, params.id, body),
    }),
  });
  api.add({
    method: 'get',
    path: '/stockpile/stores',
    tag: 'Stocktakes',
    summary: 'The stores in scope by the date of their last full count, overdue ones first',
    description:
      'A store is an agency’s storage location that holds items now or was counted before. Overdue: no closed count ' +
      'within 365 days (ISACS 05.20). At most 2,000 stores.',
    roles: readers,
    responses: { 200: { description: 'The stores', schema: Type.Object({ items: Type.Array(Store) }) } },
    handler: async ({ db, ctx }) => ({ status: 200, body: { items: await stocktakes.stores(db, ctx) } }),
  });
}
