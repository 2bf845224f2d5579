import { audit } from '../db/audit-log.ts';
import type { Queryable } from '../db/knex.ts';
import { readScope, seesPersonalData, type RequestContext } from '../shared/actor.ts';
import { notFound } from '../shared/problem.ts';
import { findWeapon } from '../weapons/repository.ts';
import * as repo from './repository.ts';
import type { IndicatorQuery, WeaponLinks } from './schemas.ts';

/** Indicators naming a purchaser are a read of purchaser data: audited like a trace's. */
export async function listIndicators(db: Queryable, ctx: RequestContext, query: IndicatorQuery, reader = db) {
  const page = await repo.listIndicators(reader, readScope(ctx.actor), query, query.limit ?? 50);
  const naming = page.items.filter((i) => i.kind === 'repeat_purchaser').map((i) => i.id);
  if (naming.length)
    await audit(db, ctx, {
      action: 'intelligence.personal_data_read',
      entity: 'indicator',
      details: { indicatorIds: naming },
    });
  return page;
}

export async function weaponLinks(
  db: Queryable,
  ctx: RequestContext,
  weaponId: string,
  reader = db,
): Promise<WeaponLinks> {
  const scope = readScope(ctx.actor);
  const personal = seesPersonalData(ctx.actor);
  const weapon = await findWeapon(reader, scope, weaponId);
  if (!weapon) throw notFound('Weapon');
  const [result, related] = await Promise.all([
    repo.newestResultOf(reader, scope, weaponId),
    repo.linkedWeapons(reader, scope, weaponId, personal),
  ]);
  const purchaser = personal && result && 'purchaser' in result ? (result.purchaser ?? null) : null;
  if (purchaser)
    await audit(db, ctx, {
      action: 'weapon.personal_data_read',
      entity: 'weapon',
      entityId: weaponId,
      details: { links: true },
    });
  return { weapon, purchaser, dealer: result && 'dealer' in result ? (result.dealer ?? null) : null, related };
}
