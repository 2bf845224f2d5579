import { audit } from '../db/audit-log.ts';
import type { Clock } from '../shared/clock.ts';
import type { Queryable } from '../db/knex.ts';
import { conflict, invalid, notFound, preconditionFailed } from '../shared/problem.ts';
import { satisfies, type Precondition } from '../shared/versioned.ts';
import { readScope, type RequestContext } from '../shared/actor.ts';
import { insertItemEvents } from '../stockpile/repository.ts';
import { diversionBlockers, openAlertsOf } from '../alerts/repository.ts';
import { alertReaderOf } from '../alerts/service.ts';
import { renderCertificate, type CertificatePhoto } from './certificate.ts';
import * as repo from './repository.ts';
import { DESTRUCTION_LIFECYCLE } from './transitions.ts';
import { mayTake, startsFrom } from '../shared/lifecycle.ts';
import { completionRuleErrors } from './rules.ts';
import type {
  Destruction,
  DestructionComplete,
  DestructionCreate,
  DestructionDetail,
  DestructionQuery,
} from './schemas.ts';

export class DestructionService {
  constructor(
    private readonly clock: Clock,
    /**
     * `photosRequired`: verified only with a photograph before and one after (DESTRUCTION_PHOTOS_REQUIRED);
     * `photos`: the before/after photographs the certificate prints (the composition lends the attachments').
     */
    private readonly options: {
      photosRequired: boolean;
      photos?: (db: Queryable, ctx: RequestContext, destructionId: string) => Promise<CertificatePhoto[]>;
    } = { photosRequired: true },
  ) {}

  /** All or nothing: every item must be in custody, of the agency, free of holds and of open traces. */
  async plan(db: Queryable, ctx: RequestContext, body: DestructionCreate): Promise<Destruction> {
    return db.transaction(async (trx) => {
      const eligibility = await repo.eligibility(trx, body.itemIds, ctx.actor.agency.id);
      const refused = [...eligibility].filter(([, e]) => e.reasons.length);
      if (refused.length) {
        const diverted = refused.filter(([, e]) =>
          e.reasons.some((r) => r === 'stolen_report' || r === 'critical_alert'),
        );
        const named = await diversionBlockers(
          trx,
          diverted.map(([, e]) => e.weaponId!),
        );
        const items = refused.map(([itemId, e]) => ({
          itemId,
          reasons: e.reasons,
          ...(e.weaponId ? named.get(e.weaponId) : {}),
        }));
        throw conflict(
          'destruction-blocked',
          `${refused.length} of ${body.itemIds.length} items cannot be destroyed; see items.${namedText([...named.values()])}`,
          { items },
        );
      }
      const id = await repo.insertDestruction(trx, {
        agency_id: ctx.actor.agency.id,
        planned_for: body.plannedFor,
        method: body.method,
        location: body.location,
        created_by: ctx.actor.id,
      });
      const moved = await repo.moveItems(
        trx,
        { ids: body.itemIds, from: 'in_custody' },
        { status: 'scheduled', destruction_id: id },
      );
      if (moved.length !== body.itemIds.length)
        throw conflict('concurrent-change', 'Some items changed meanwhile; try again.');
      await insertItemEvents(trx, body.itemIds, 'scheduled', ctx.actor.id, { destructionId: id });
      await audit(trx, ctx, {
        action: 'destruction.planned',
        entity: 'destruction',
        entityId: id,
        details: { items: body.itemIds.length },
      });
      return repo.toDestruction((await repo.findDestruction(trx, readScope(ctx.actor), id))!);
    });
  }

  /** Takes the item out of the planned event; the event's new version. */
  async removeItem(
    db: Queryable,
    ctx: RequestContext,
    id: string,
    itemId: string,
    precondition?: Precondition,
  ): Promise<number> {
    return db.transaction(async (trx) => {
      const event = await this.load(trx, ctx, id, precondition);
      if (!mayTake(DESTRUCTION_LIFECYCLE, 'remove_item', event.status, ctx.actor.role))
        throw conflict('not-planned', `The destruction is ${event.status}; its items can no longer change.`);
      // The event's item count is part of it: taking an item out is a change of the event (its version goes up).
      if (
        !(await repo.updateDestructionWhileStatus(
          trx,
          id,
          startsFrom(DESTRUCTION_LIFECYCLE, 'remove_item'),
          event.version,
        ))
      )
        throw conflict('concurrent-change', 'The destruction changed meanwhile; reload it.');
      const moved = await repo.moveItems(
        trx,
        { ids: [itemId], destructionId: id, from: 'scheduled' },
        { status: 'in_custody', destruction_id: null },
      );
      if (!moved.length) throw notFound('Item in this destruction');
      await insertItemEvents(trx, [itemId], 'unscheduled', ctx.actor.id, { destructionId: id });
      await audit(trx, ctx, {
        action: 'destruction.item_removed',
        entity: 'destruction',
        entityId: id,
        details: { itemId },
      });
      return event.version + 1;
    });
  }

  async complete(
    db: Queryable,
    ctx: RequestContext,
    id: string,
    body: DestructionComplete,
    precondition?: Precondition,
  ): Promise<Destruction> {
    const errors = completionRuleErrors(body, this.clock);
    if (errors.length) throw invalid(errors);
    return db.transaction(async (trx) => {
      const event = await this.load(trx, ctx, id, precondition);
      if (!mayTake(DESTRUCTION_LIFECYCLE, 'complete', event.status, ctx.actor.role))
        throw conflict('invalid-transition', `A destruction that is ${event.status} cannot be completed.`);
      if (event.item_count === 0) throw conflict('no-items', 'The destruction has no items left.');
      const changed = await repo.updateDestructionWhileStatus(
        trx,
        id,
        startsFrom(DESTRUCTION_LIFECYCLE, 'complete'),
        event.version,
        {
          status: DESTRUCTION_LIFECYCLE.steps.complete.to,
          performed_at: body.performedAt,
          witnesses: JSON.stringify(body.witnesses),
          certificate_number: body.certificateNumber ?? null,
          notes: body.notes ?? null,
          completed_by: ctx.actor.id,
          completed_at: trx.fn.now(),
        },
      );
      if (!changed) throw conflict('concurrent-change', 'The destruction changed meanwhile; reload it.');
      const destroyed = await repo.moveItems(trx, { destructionId: id, from: 'scheduled' }, { status: 'destroyed' });
      await insertItemEvents(
        trx,
        destroyed.map((row: { id: string }) => row.id),
        'destroyed',
        ctx.actor.id,
        { destructionId: id },
      );
      await audit(trx, ctx, {
        action: 'destruction.completed',
        entity: 'destruction',
        entityId: id,
        details: { items: destroyed.length },
      });
      return repo.toDestruction((await repo.findDestruction(trx, readScope(ctx.actor), id))!);
    });
  }

  /** Four eyes: a stockpile manager of the agency or an advisor of its region, never whoever completed it. */
  async verify(
    db: Queryable,
    ctx: RequestContext,
    id: string,
    notes?: string,
    precondition?: Precondition,
  ): Promise<Destruction> {
    return db.transaction(async (trx) => {
      // Locked first: an attachment retracted or added meanwhile waits for this verification, never slips past it.
      await repo.lockDestruction(trx, id);
      const event = await this.load(trx, ctx, id, precondition);
      if (!mayTake(DESTRUCTION_LIFECYCLE, 'verify', event.status, ctx.actor.role))
        throw conflict('invalid-transition', `A destruction that is ${event.status} cannot be verified.`);
      if (event.completed_by === ctx.actor.id) {
        throw conflict(
          'self-verification',
          'The person who completed a destruction cannot verify it; ask a second official.',
        );
      }
      if (this.options.photosRequired) {
        const missing = await repo.missingPhotos(trx, id);
        if (missing.length)
          throw conflict(
            'destruction-photos-missing',
            `A destruction is verified with its photographs: attach at least one ${missing.join(' and one ')} photograph first.`,
            { missing },
          );
      }
      const alerts = [...(await diversionBlockers(trx, await repo.weaponsOf(trx, id))).values()].flatMap(
        (b) => b.alerts,
      );
      if (alerts.length) {
        throw conflict(
          'critical-alert-open',
          `A critical alert about a gun of this destruction is open (${alerts.map((a) => a.id).join(', ')}); it cannot be verified until the alert is closed.`,
          { alerts },
        );
      }
      const changed = await repo.updateDestructionWhileStatus(
        trx,
        id,
        startsFrom(DESTRUCTION_LIFECYCLE, 'verify'),
        event.version,
        {
          status: DESTRUCTION_LIFECYCLE.steps.verify.to,
          verified_by: ctx.actor.id,
          verified_at: trx.fn.now(),
          verification_notes: notes ?? null,
        },
      );
      if (!changed) throw conflict('concurrent-change', 'The destruction changed meanwhile; reload it.');
      await audit(trx, ctx, { action: 'destruction.verified', entity: 'destruction', entityId: id });
      return repo.toDestruction((await repo.findDestruction(trx, readScope(ctx.actor), id))!);
    });
  }

  async get(db: Queryable, ctx: RequestContext, id: string): Promise<DestructionDetail> {
    const event = await this.load(db, ctx, id);
    const [items, { people }] = await Promise.all([
      repo.itemsOf(db, readScope(ctx.actor), id),
      repo.certificateParties(
        db,
        event.agency_id,
        [event.completed_by, event.verified_by].filter((v): v is string => v !== null),
      ),
    ]);
    const person = (userId: string | null) => people.find((p) => p.id === userId) ?? null;
    const alerts = await openAlertsOf(
      db,
      alertReaderOf(ctx),
      items.map((item) => item.weapon.id),
    );
    return {
      ...repo.toDestruction(event),
      completedByUser: person(event.completed_by),
      verifiedByUser: person(event.verified_by),
      items: items.map((item) => ({ ...item, openAlerts: alerts.get(item.weapon.id) ?? [] })),
    };
  }

  list(db: Queryable, ctx: RequestContext, query: DestructionQuery) {
    return repo.listDestructions(db, readScope(ctx.actor), query, query.limit ?? 50);
  }

  async certificate(db: Queryable, ctx: RequestContext, id: string): Promise<{ reference: string; pdf: Buffer }> {
    const event = await this.get(db, ctx, id);
    if (event.status === 'planned')
      throw conflict('not-completed', 'A certificate exists once the destruction is completed.');
    const { agency } = await repo.certificateParties(db, event.agencyId, []);
    return {
      reference: event.reference,
      pdf: await renderCertificate(
        event,
        agency,
        event.completedByUser,
        event.verifiedByUser,
        (await this.options.photos?.(db, ctx, id)) ?? [],
      ),
    };
  }

  /** The event in scope (404), at a version If-Match accepts (412). */
  private async load(
    db: Queryable,
    ctx: RequestContext,
    id: string,
    precondition?: Precondition,
  ): Promise<repo.DestructionRow> {
    const event = await repo.findDestruction(db, readScope(ctx.actor), id);
    if (!event) throw notFound('Destruction');
    if (!satisfies(precondition, event.version)) throw preconditionFailed('Destruction', event.version);
    return event;
  }
}

/** The stolen reports and critical alerts that block a plan, named in the problem's detail. */
function namedText(
  blockers: { stolenReports: { reference: string }[]; alerts: { id: string; kind: string }[] }[],
): string {
  const reports = blockers.flatMap((b) => b.stolenReports.map((r) => r.reference));
  const alerts = blockers.flatMap((b) => b.alerts.map((a) => `${a.kind} ${a.id}`));
  return [
    reports.length ? ` Reported stolen or lost: ${reports.join(', ')}.` : '',
    alerts.length ? ` Open critical alerts: ${alerts.join(', ')}.` : '',
  ].join('');
}
