import type { Api } from '../http/api.ts';
import { getRoute, listRoute } from '../http/route-kinds.ts';
import { Indicator, IndicatorQuery, WeaponLinks } from './schemas.ts';
import * as service from './service.ts';

export function intelligenceRoutes(api: Api): void {
  listRoute(api, {
    path: '/intelligence/indicators',
    reads: 'replica',
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
    item: Indicator,
    answer: 'A page of indicators',
    list: service.listIndicators,
  });
  getRoute(api, {
    path: '/weapons/:id/links',
    reads: 'replica',
    tag: 'Intelligence',
    summary: 'The other guns in scope tied to this one by purchaser, dealer, case or serial sequence',
    answer: 'The gun and its links',
    schema: WeaponLinks,
    get: service.weaponLinks,
  });
}
