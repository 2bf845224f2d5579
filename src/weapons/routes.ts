import type { Api } from '../http/api.ts';
import { getRoute, listRoute } from '../http/route-kinds.ts';
import { ProblemSchema } from '../shared/schemas.ts';
import { Weapon, WeaponDetail, WeaponQuery } from './schemas.ts';
import * as service from './service.ts';

export function weaponRoutes(api: Api): void {
  listRoute(api, {
    path: '/weapons',
    reads: 'replica',
    tag: 'Weapons',
    query: WeaponQuery,
    item: Weapon,
    summary: 'Weapons linked to a case in scope; `serial` is matched normalized',
    answer: 'A page of weapons',
    otherResponses: {
      404: {
        description: '`caseId` names a case that does not exist or that you may not read (the two are not told apart)',
        schema: ProblemSchema,
        contentType: 'application/problem+json',
      },
    },
    list: (_db, ctx, query, reader) => service.listWeapons(reader, ctx, query),
  });
  getRoute(api, {
    path: '/weapons/:id',
    tag: 'Weapons',
    summary: 'A weapon with its cases and traces in scope, and how many of its cases lie outside it',
    answer: 'The weapon',
    schema: WeaponDetail,
    get: service.getWeaponDetail,
  });
}
