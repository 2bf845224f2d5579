import { registryMatchesOf } from '../registry/repository.ts';
import { openAlertsOf } from '../alerts/repository.ts';
import { alertReaderOf } from '../alerts/service.ts';
import type { Queryable } from '../db/knex.ts';
import { invalidField, notFound } from '../shared/problem.ts';
import { readScope, type RequestContext } from '../shared/actor.ts';
import { tracesOfWeapon } from '../traces/repository.ts';
import * as repo from './repository.ts';
import { describeWeapon } from './rules.ts';
import type { WeaponDetail, WeaponInput, WeaponQuery } from './schemas.ts';

/**
 * The weapon a request names: a known one in the caller's scope (`weaponId`), or the one its description identifies,
 * found or created by identity. The request's rules have already said it gives exactly one of the two.
 */
export async function weaponOfRequest(
  db: Queryable,
  ctx: RequestContext,
  body: { weaponId?: string; weapon?: WeaponInput },
): Promise<string> {
  if (!body.weaponId) return repo.findOrCreateWeapon(db, describeWeapon(body.weapon!));
  if (!(await repo.findWeapon(db, readScope(ctx.actor), body.weaponId)))
    throw invalidField('/weaponId', 'is not a weapon in your scope');
  return body.weaponId;
}

export async function getWeaponDetail(db: Queryable, ctx: RequestContext, id: string): Promise<WeaponDetail> {
  const scope = readScope(ctx.actor);
  const weapon = await repo.findWeapon(db, scope, id);
  if (!weapon) throw notFound('Weapon');
  const [cases, traces, stockpile, matches, alerts] = await Promise.all([
    repo.casesOfWeapon(db, scope, id),
    tracesOfWeapon(db, scope, id),
    repo.custodyOf(db, scope, id),
    registryMatchesOf(db, [id]),
    openAlertsOf(db, alertReaderOf(ctx), [id]),
  ]);
  return {
    weapon,
    ...cases,
    traces,
    stockpile,
    registryMatches: matches.get(id) ?? [],
    openAlerts: alerts.get(id) ?? [],
  };
}

export async function listWeapons(db: Queryable, ctx: RequestContext, query: WeaponQuery) {
  const page = await repo.listWeapons(db, readScope(ctx.actor), query, query.limit ?? 50);
  if (!page) throw notFound('Case');
  return page;
}
