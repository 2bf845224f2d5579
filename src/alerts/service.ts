import { audit } from '../db/audit-log.ts';
import type { Queryable } from '../db/knex.ts';
import { readScope, seesIntelligence, type RequestContext } from '../shared/actor.ts';
import { conflict, notFound } from '../shared/problem.ts';
import * as repo from './repository.ts';
import type { Alert, AlertQuery } from './schemas.ts';
import { ALERT_LIFECYCLE, type AlertAction } from './transitions.ts';
import { startsFrom } from '../shared/lifecycle.ts';

const readerOf = (ctx: RequestContext): repo.AlertReader => ({
  scope: readScope(ctx.actor),
  intelligence: seesIntelligence(ctx.actor),
  language: ctx.language,
});

export { readerOf as alertReaderOf };

export class AlertService {
  list(db: Queryable, ctx: RequestContext, query: AlertQuery) {
    return repo.listAlerts(db, readerOf(ctx), query, query.limit ?? 50);
  }

  count(db: Queryable, ctx: RequestContext) {
    return repo.countOpenAlerts(db, readerOf(ctx));
  }

  async get(db: Queryable, ctx: RequestContext, id: string): Promise<Alert> {
    const alert = await repo.findAlert(db, readerOf(ctx), id);
    if (!alert) throw notFound('Alert');
    return alert;
  }

  /** Acknowledge or close, audited with the change; an alert the caller cannot see is a 404, one already past the step a 409. */
  act(
    db: Queryable,
    ctx: RequestContext,
    id: string,
    action: Exclude<AlertAction, 'raise'>,
    note: string | null,
  ): Promise<Alert> {
    const { to } = ALERT_LIFECYCLE.steps[action];
    const from = startsFrom(ALERT_LIFECYCLE, action);
    return db.transaction(run);
    async function run(trx: Queryable) {
      const changed = await repo.changeAlert(trx, readerOf(ctx), id, { to, from, userId: ctx.actor.id, note });
      if (!changed) {
        const current = await repo.findAlert(trx, readerOf(ctx), id);
        if (!current) throw notFound('Alert');
        throw conflict(
          'alert-state',
          `The alert is ${current.status}; it cannot be ${action === 'close' ? 'closed' : 'acknowledged'} now.`,
          { currentStatus: current.status },
        );
      }
      await audit(trx, ctx, {
        action: `alert.${action}`,
        entity: 'alert',
        entityId: id,
        details: { kind: changed.kind, note },
      });
      return changed;
    }
  }
}
