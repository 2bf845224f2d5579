import type { Api } from '../http/api.ts';
import { IdParams, Page, ProblemSchema } from '../shared/schemas.ts';
import { Weapon, WeaponDetail, WeaponQuery } from './schemas.ts';
import * as service from './service.ts';

export function weaponRoutes(api: Api): void {
  api.add({
    method: 'get',
    path: '/weapons',
    tag: 'Weapons',
    query: WeaponQuery,
    summary: 'Weapons linked to a case in scope; `serial` is matched normalized',
    responses: {
      200: { description: 'A page of weapons', schema: Page(Weapon) },
      404: {
        description: '`caseId` names a case that does not exist or that you may not read (the two are not told apart)',
        schema: ProblemSchema,
        contentType: 'application/problem+json',
      },
    },
    handler: async ({ db, ctx, query }) => ({ status: 200, body: await service.listWeapons(db, ctx, query) }),
  });
  api.add({
    method: 'get',
    path: '/weapons/:id',
    tag: 'Weapons',
    params: IdParams,
    summary: 'A weapon with its cases and traces in scope, and how many of its cases lie outside it',
    responses: { 200: { description: 'The weapon', schema: WeaponDetail } },
    handler: async ({ db, ctx, params }) => ({ status: 200, body: await service.getWeaponDetail(db, ctx, params.id) }),
  });
}
