import { raiseForItem } from '../alerts/repository.ts';
import { alertReaderOf } from '../alerts/service.ts';
import { audit } from '../db/audit-log.ts';
import type { Clock } from '../shared/clock.ts';
import { uniqueViolation, type Queryable } from '../db/knex.ts';
import { caseOfAgency } from '../cases/repository.ts';
import { conflict, invalid, invalidField, notFound, preconditionFailed } from '../shared/problem.ts';
import { satisfies, versionOf, type Precondition } from '../shared/versioned.ts';
import type { RequestContext } from '../shared/actor.ts';
import { linkWeaponToCase } from '../weapons/repository.ts';
import { weaponOfRequest } from '../weapons/service.ts';
import * as repo from './repository.ts';
import { HOLD_LIFECYCLE, holdStateOf } from './transitions.ts';
import { mayTake } from '../shared/lifecycle.ts';
import { intakeRuleErrors } from './rules.ts';
import type { ItemCreate, ItemQuery, LabelsBody, StockpileItem } from './schemas.ts';
import { renderLabels, type LabelLayout } from './labels.ts';
import { readScope } from '../shared/actor.ts';

export class StockpileService {
  constructor(private readonly clock: Clock) {}

  async intake(db: Queryable, ctx: RequestContext, body: ItemCreate): Promise<StockpileItem> {
    const errors = intakeRuleErrors(body, this.clock);
    if (errors.length) throw invalid(errors);

    return db.transaction(async (trx) => {
      const agencyId = ctx.actor.agency.id;
      if (body.caseId && !(await caseOfAgency(trx, agencyId, body.caseId))) {
        throw invalidField('/caseId', 'is not a case of your agency');
      }
      const weaponId = await weaponOfRequest(trx, ctx, body);
      if (body.caseId) await linkWeaponToCase(trx, body.caseId, weaponId);
      const id = await trx
        .transaction((sp) =>
          repo.insertItem(sp, {
            agency_id: agencyId,
            weapon_id: weaponId,
            case_id: body.caseId ?? null,
            source: body.source,
            intake_date: body.intakeDate,
            storage_location: body.storageLocation,
            evidence_hold: body.evidenceHold ?? body.caseId !== undefined,
            created_by: ctx.actor.id,
          }),
        )
        .catch((error: unknown) => {
          if (uniqueViolation(error) === 'stockpile_items_active_weapon') {
            throw conflict('already-in-custody', 'This weapon already has an active custody record.');
          }
          throw error;
        });
      await repo.insertItemEvents(trx, [id], 'intake', ctx.actor.id);
      await audit(trx, ctx, {
        action: 'stockpile.intake',
        entity: 'stockpile_item',
        entityId: id,
        details: { weaponId },
      });
      await raiseForItem(trx, id);
      return (await repo.findItem(trx, alertReaderOf(ctx), id))!;
    });
  }

  async get(db: Queryable, ctx: RequestContext, id: string): Promise<StockpileItem> {
    const item = await repo.findItem(db, alertReaderOf(ctx), id);
    if (!item) throw notFound('Stockpile item');
    return item;
  }

  /** The item's history (404 outside scope). */
  async events(db: Queryable, ctx: RequestContext, id: string, query: { limit?: number; cursor?: string }) {
    await this.get(db, ctx, id);
    return repo.itemEvents(db, id, query.limit ?? 50, query.cursor);
  }

  list(db: Queryable, ctx: RequestContext, query: ItemQuery) {
    return repo.listItems(db, alertReaderOf(ctx), query, query.limit ?? 50);
  }

  /** Places (true) or releases (false) an evidence hold: a recorded decision with its reason. */
  async setHold(
    db: Queryable,
    ctx: RequestContext,
    id: string,
    hold: boolean,
    reason: string,
    precondition?: Precondition,
  ): Promise<StockpileItem> {
    return db.transaction(async (trx) => {
      const item = await this.get(trx, ctx, id);
      const version = versionOf(item)!;
      if (!satisfies(precondition, version)) throw preconditionFailed('Stockpile item', version);
      if (item.status !== 'in_custody')
        throw conflict('not-in-custody', `The item is ${item.status}; holds apply to items in custody.`);
      if (!mayTake(HOLD_LIFECYCLE, hold ? 'hold' : 'release_hold', holdStateOf(item), ctx.actor.role)) {
        throw conflict(
          hold ? 'already-held' : 'not-held',
          hold ? 'The item is already under evidence hold.' : 'The item is not under evidence hold.',
        );
      }
      if (!(await repo.setHold(trx, id, version, hold))) {
        throw conflict('concurrent-change', 'The item changed while you were changing it; reload it and try again.');
      }
      await repo.insertItemEvents(trx, [id], hold ? 'hold' : 'release_hold', ctx.actor.id, { reason });
      await audit(trx, ctx, {
        action: hold ? 'stockpile.hold' : 'stockpile.release_hold',
        entity: 'stockpile_item',
        entityId: id,
        details: { reason },
      });
      return (await repo.findItem(trx, alertReaderOf(ctx), id))!;
    });
  }

  /** Labels (PDF) for items in scope: by ids, or every item in custody at one of the caller's agency's locations. */
  async labels(db: Queryable, ctx: RequestContext, body: LabelsBody, fallback: LabelLayout) {
    if ((body.itemIds === undefined) === (body.storageLocation === undefined))
      throw invalidField('/itemIds', 'give either itemIds or storageLocation, not both and not neither');
    const rows = await repo.labelItems(
      db,
      readScope(ctx.actor),
      body.itemIds
        ? { itemIds: body.itemIds }
        : { agencyId: ctx.actor.agency.id, storageLocation: body.storageLocation! },
    );
    if (body.itemIds && rows.length < body.itemIds.length) {
      const found = new Set(rows.map((row) => row.id));
      const index = body.itemIds.findIndex((id) => !found.has(id));
      throw invalidField(`/itemIds/${index}`, 'is not a stockpile item in your scope');
    }
    if (!rows.length) throw invalidField('/storageLocation', 'holds no item of your agency in custody');
    const items = rows.map((row) => ({ ...row, serialNumber: row.serial_number }));
    return {
      name: items.length === 1 ? items[0]!.reference : `labels-${items.length}`,
      pdf: await renderLabels(items, body.layout ?? fallback, ctx.actor.agency.name),
    };
  }
}
