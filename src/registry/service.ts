import { raiseForReport } from '../alerts/repository.ts';
import { audit } from '../db/audit-log.ts';
import { uniqueViolation, type Queryable } from '../db/knex.ts';
import { readScope, type RequestContext } from '../shared/actor.ts';
import type { Clock } from '../shared/clock.ts';
import { conflict, invalid, notFound } from '../shared/problem.ts';
import { normalizeManufacturer, normalizeSerial } from '../weapons/identity.ts';
import { weaponOfRequest } from '../weapons/service.ts';
import * as repo from './repository.ts';
import { STOLEN_REPORT_LIFECYCLE } from './transitions.ts';
import { startsFrom } from '../shared/lifecycle.ts';
import { reportRuleErrors } from './rules.ts';
import type { StolenReport, StolenReportCreate, StolenReportQuery } from './schemas.ts';

export class RegistryService {
  constructor(private readonly clock: Clock) {}

  /**
   * Files a report for a known or described gun, and raises a `stolen_match` alert for each trace and custody record the
   * gun already has, in the same transaction.
   */
  async file(db: Queryable, ctx: RequestContext, body: StolenReportCreate): Promise<StolenReport> {
    const errors = reportRuleErrors(body, this.clock);
    if (errors.length) throw invalid(errors);
    return db.transaction(async (trx) => {
      const weaponId = await weaponOfRequest(trx, ctx, body);
      const id = await trx
        .transaction((sp) => repo.insertReport(sp, ctx.actor.agency.id, ctx.actor.id, weaponId, body))
        .catch(async (error: unknown) => {
          if (uniqueViolation(error) !== 'stolen_reports_active_weapon') throw error;
          throw conflict('already-reported', 'This weapon already has an active lost or stolen report.', {
            duplicateOf: await repo.activeReportOf(trx, weaponId),
          });
        });
      await audit(trx, ctx, {
        action: 'stolen_report.create',
        entity: 'stolen_report',
        entityId: id,
        details: { weaponId, kind: body.kind },
      });
      await raiseForReport(trx, id);
      return (await repo.findReport(trx, readScope(ctx.actor), id))!;
    });
  }

  list(db: Queryable, ctx: RequestContext, query: StolenReportQuery) {
    return repo.listReports(db, readScope(ctx.actor), query, query.limit ?? 50);
  }

  async get(db: Queryable, ctx: RequestContext, id: string): Promise<StolenReport> {
    const report = await repo.findReport(db, readScope(ctx.actor), id);
    if (!report) throw notFound('Report');
    return report;
  }

  /** Recovered or withdrawn, by the reporting agency only (another agency's report is a 404); 409 when no longer active. */
  close(
    db: Queryable,
    ctx: RequestContext,
    id: string,
    action: 'recover' | 'withdraw',
    note: string | null,
  ): Promise<StolenReport> {
    const change = { from: startsFrom(STOLEN_REPORT_LIFECYCLE, action), to: STOLEN_REPORT_LIFECYCLE.steps[action].to };
    return db.transaction(async (trx) => {
      if (!(await repo.closeReport(trx, ctx.actor.agency.id, id, change, ctx.actor.id, note))) {
        const current = await repo.findReport(trx, { kind: 'agency', agencyId: ctx.actor.agency.id }, id);
        if (!current) throw notFound('Report');
        throw conflict('report-closed', `The report is ${current.status} already.`, { currentStatus: current.status });
      }
      await audit(trx, ctx, {
        action: `stolen_report.${action}`,
        entity: 'stolen_report',
        entityId: id,
        details: { note },
      });
      return (await repo.findReport(trx, readScope(ctx.actor), id))!;
    });
  }

  /** Any signed-in user, across every agency, in the short form only; every check is audited. */
  async check(db: Queryable, ctx: RequestContext, manufacturer: string, serial: string) {
    const [matches] = await Promise.all([
      repo.reportsOfIdentity(db, normalizeManufacturer(manufacturer), normalizeSerial(serial)),
      audit(db, ctx, { action: 'registry.check', entity: 'weapon', details: { manufacturer, serial } }),
    ]);
    return { matches };
  }
}
