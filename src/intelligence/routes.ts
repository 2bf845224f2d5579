import type { Api } from '../http/api.ts';
import { IdParams, Page } from '../shared/schemas.ts';
import { Indicator, IndicatorQuery, WeaponLinks } from './schemas.ts';
import * as service from './service.ts';

export function intelligenceRoutes(api: Api): void {
  api.add({
    method: 'get',
    path: '/intelligence/indicators',
    tag: 'Intelligence',
    query: IndicatorQuery,
    roles: ['investigator', 'advisor', 'admin'],
    summary:
      "Trafficking indicators over completed traces, newest activity first: those with a trace in the caller's scope " +
      '(agency for investigators, region for advisors, all for admins), listing only the traces in scope and counting the others',
    description:
      'Indicators are recorded by the worker from the completions queued in the same statement that completes a trace, ' +
      'a moment later (milliseconds while the worker keeps up); not-final and cancelled traces never count, and a trace recorded ' +
      'twice counts once. `kind`: only that kind; `from`: last activity on or after that day; `to`: first seen on or before that day. ' +
      "An indicator with no trace in the caller's scope is not listed. Stockpile managers: 403.",
    responses: { 200: { description: 'A page of indicators', schema: Page(Indicator) } },
    handler: async ({ db, ctx, query }) => ({ status: 200, body: await service.listIndicators(db, ctx, query) }),
  });
  api.add({
    method: 'get',
    path: '/weapons/:id/links',
    tag: 'Intelligence',
    params: IdParams,
    summary: 'The other guns in scope tied to this one by purchaser, dealer, case or serial sequence',
    responses: { 200: { description: 'The gun and its links', schema: WeaponLinks } },
    handler: async ({ db, ctx, params }) => ({ status: 200, body: await service.weaponLinks(db, ctx, params.id) }),
  });
}
