import { closeFoundDiscrepancies, raiseForStocktake } from '../alerts/repository.ts';
import { audit } from '../db/audit-log.ts';
import { uniqueViolation, type Queryable } from '../db/knex.ts';
import { readScope, type RequestContext } from '../shared/actor.ts';
import { mayTake } from '../shared/lifecycle.ts';
import { conflict, invalid, notFound, Problem } from '../shared/problem.ts';
import { renderCountSheet } from './count-sheet.ts';
import * as repo from './repository.ts';
import { countRuleErrors, isOverdue, ITEM_REFERENCE } from './rules.ts';
import type {
  CloseBody,
  CountAnswer,
  CountBody,
  LineQuery,
  Store,
  StocktakeCreate,
  Stocktake,
  StocktakeDetail,
  StocktakeLine,
  StocktakeQuery,
} from './schemas.ts';
import { STOCKTAKE_LIFECYCLE } from './transitions.ts';
import type { Clock } from '../shared/clock.ts';

const closedProblem = () =>
  conflict('stocktake-closed', 'The stocktake is closed; nothing was recorded. Open a new stocktake to count again.');

/** A stocktake with its result: missing and left once closed, unexpected as counted so far. */
const withResult = (stocktake: Stocktake, lines: StocktakeLine[]): StocktakeDetail => {
  const closed = stocktake.status === 'closed';
  return {
    ...stocktake,
    missing: lines.filter((line) => line.outcome === 'missing'),
    unexpected: lines.filter((line) => line.outcome === 'unexpected'),
    left: closed ? lines.filter((line) => line.outcome === 'left') : [],
  };
};

export class StocktakeService {
  constructor(private readonly clock: Clock) {}

  async open(db: Queryable, ctx: RequestContext, body: StocktakeCreate): Promise<StocktakeDetail> {
    return db.transaction(async (trx) => {
      const agencyId = ctx.actor.agency.id;
      const id = await trx
        .transaction((sp) =>
          repo.openStocktake(sp, {
            agencyId,
            storageLocation: body.storageLocation,
            note: body.note ?? null,
            userId: ctx.actor.id,
          }),
        )
        .catch(async (error: unknown) => {
          if (uniqueViolation(error) !== 'stocktakes_one_unclosed') throw error;
          const open = await repo.unclosedOf(trx, agencyId, body.storageLocation);
          throw conflict(
            'stocktake-in-progress',
            `Stocktake ${open?.reference ?? ''} of this store is not closed yet; count into it or close it first.`,
            open ? { duplicateOf: open.id } : {},
          );
        });
      await audit(trx, ctx, {
        action: 'stocktake.open',
        entity: 'stocktake',
        entityId: id,
        details: { storageLocation: body.storageLocation },
      });
      return this.detail(trx, ctx, id);
    });
  }

  list(db: Queryable, ctx: RequestContext, query: StocktakeQuery) {
    return repo.listStocktakes(db, readScope(ctx.actor), query, query.limit ?? 50);
  }

  /** The stocktake with its result: missing and left once closed, unexpected as counted so far. */
  async detail(db: Queryable, ctx: RequestContext, id: string): Promise<StocktakeDetail> {
    const stocktake = await this.inScope(db, ctx, id);
    return withResult(stocktake, await repo.allLines(db, id, ['missing', 'unexpected', 'left']));
  }

  private async inScope(db: Queryable, ctx: RequestContext, id: string) {
    const stocktake = await repo.findStocktake(db, readScope(ctx.actor), id);
    if (!stocktake) throw notFound('Stocktake');
    return stocktake;
  }

  async lines(db: Queryable, ctx: RequestContext, id: string, query: LineQuery) {
    if (!(await repo.agencyOfStocktake(db, readScope(ctx.actor), id))) throw notFound('Stocktake');
    return repo.listLines(db, id, query, query.limit ?? 50);
  }

  /** The signed-off count sheet (a draft, marked so, while the count is open). */
  async countSheet(db: Queryable, ctx: RequestContext, id: string, language: 'es' | 'en') {
    // Every line once: the sheet lists them all, and its result sections are some of them.
    const found = await this.inScope(db, ctx, id);
    const lines = await repo.allLines(db, id);
    const stocktake = withResult(found, lines);
    await audit(db, ctx, { action: 'stocktake.print', entity: 'stocktake', entityId: id, details: {} });
    return { reference: stocktake.reference, pdf: await renderCountSheet(stocktake, lines, language) };
  }

  /**
   * Counts one item into an open stocktake. A code that names no item of the caller's agency — not a Rastreo label,
   * another agency's item, no such item — is a 422 that records nothing and says nothing of any other agency.
   */
  async count(db: Queryable, ctx: RequestContext, id: string, body: CountBody): Promise<CountAnswer> {
    const errors = countRuleErrors(body);
    if (errors.length) throw invalid(errors);
    if (body.itemReference !== undefined && !ITEM_REFERENCE.test(body.itemReference))
      throw new Problem(
        422,
        'not-ours',
        'This code is not a Rastreo item label (an item reference such as SI-2026-000042); nothing was recorded.',
      );
    return db.transaction(async (trx) => {
      const agencyId = await repo.agencyOfStocktake(trx, readScope(ctx.actor), id);
      if (!agencyId) throw notFound('Stocktake');
      const status = await repo.lockForCount(trx, id);
      if (!status || !mayTake(STOCKTAKE_LIFECYCLE, 'count', status, ctx.actor.role)) throw closedProblem();
      const itemId = await repo.itemOfAgency(trx, agencyId, body);
      if (!itemId)
        throw new Problem(
          422,
          'not-ours',
          body.itemReference
            ? `No item of your agency has the reference ${body.itemReference}; nothing was recorded.`
            : 'No item of your agency is this weapon; nothing was recorded. Take it into custody first.',
        );
      const { counted, expected } = await repo.countItem(trx, {
        stocktakeId: id,
        itemId,
        userId: ctx.actor.id,
        condition: body.condition ?? 'ok',
        note: body.note ?? null,
      });
      return {
        result: !counted ? 'already_counted' : expected ? 'counted' : 'unexpected',
        line: await repo.lineOf(trx, id, itemId),
        tally: await repo.tallyOf(trx, id),
      };
    });
  }

  /**
   * Closes a count: a second stockpile manager signs it off. Each line's outcome is frozen; each missing item raises a
   * critical alert; an item an earlier count had found missing and this one counted closes that alert. One transaction.
   */
  async close(db: Queryable, ctx: RequestContext, id: string, body: CloseBody): Promise<StocktakeDetail> {
    return db.transaction(async (trx) => {
      if (!(await repo.agencyOfStocktake(trx, readScope(ctx.actor), id))) throw notFound('Stocktake');
      const locked = (await repo.lockForClose(trx, id))!;
      if (!mayTake(STOCKTAKE_LIFECYCLE, 'close', locked.status, ctx.actor.role)) throw closedProblem();
      if (locked.opened_by === ctx.actor.id)
        throw new Problem(
          403,
          'self-close',
          'The stockpile manager who opened a count cannot close it; a second stockpile manager signs it off.',
        );
      await repo.closeStocktake(trx, id, ctx.actor.id, body.note);
      const raised = await raiseForStocktake(trx, id);
      const found = await closeFoundDiscrepancies(trx, id, ctx.actor.id);
      for (const alert of found)
        await audit(trx, ctx, {
          action: 'alert.close',
          entity: 'alert',
          entityId: alert.id,
          details: { stocktakeId: id, found: alert.subject_reference },
        });
      await audit(trx, ctx, {
        action: 'stocktake.close',
        entity: 'stocktake',
        entityId: id,
        details: { alertsRaised: raised, alertsClosed: found.length },
      });
      return this.detail(trx, ctx, id);
    });
  }

  /** The stores in scope by the date of their last full count, the overdue ones first. */
  async stores(db: Queryable, ctx: RequestContext): Promise<Store[]> {
    const now = this.clock.now();
    return (await repo.listStores(db, readScope(ctx.actor))).map((row) => ({
      agency: { id: row.agency_id, code: row.code, name: row.name, country: row.country },
      storageLocation: row.storage_location,
      items: Number(row.items),
      lastCount:
        row.last_id && row.last_closed_at
          ? {
              stocktakeId: row.last_id,
              reference: row.last_reference!,
              closedAt: row.last_closed_at.toISOString(),
              missing: Number(row.last_missing),
            }
          : null,
      openStocktake: row.open_id ? { id: row.open_id, reference: row.open_reference! } : null,
      overdue: isOverdue(row.last_closed_at, now),
    }));
  }
}
