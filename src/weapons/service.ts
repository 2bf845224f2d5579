import type { Queryable } from '../db/knex.ts';
import { notFound } from '../shared/problem.ts';
import { readScope, type RequestContext } from '../shared/actor.ts';
import { tracesOfWeapon } from '../traces/repository.ts';
import * as repo from './repository.ts';
import type { WeaponDetail, WeaponQuery } from './schemas.ts';

export async function getWeaponDetail(db: Queryable, ctx: RequestContext, id: string): Promise<WeaponDetail> {
  const scope = readScope(ctx.actor);
  const weapon = await repo.findWeapon(db, scope, id);
  if (!weapon) throw notFound('Weapon');
  const [cases, traces, stockpile] = await Promise.all([
    repo.casesOfWeapon(db, scope, id), tracesOfWeapon(db, scope, id), repo.custodyOf(db, scope, id),
  ]);
  return { weapon, ...cases, traces, stockpile };
}

export const listWeapons = (db: Queryable, ctx: RequestContext, query: WeaponQuery) =>
  repo.listWeapons(db, readScope(ctx.actor), query, query.limit ?? 50);
