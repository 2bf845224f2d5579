import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StageContext, StageOutcome, TraceAdapter, TraceRequest } from '../src/traces/pipeline/adapter.ts';
import { MockTraceAdapter } from '../src/traces/pipeline/mock-adapter.ts';
import { indicatorRulesJson } from '../src/intelligence/rules.ts';
import type { Stage } from '../src/traces/schemas.ts';
import { createCase, traceBody, unique, useWorld, type WorldUser } from './support/harness.ts';
import { startInProcessWorker } from './support/holding-adapter.ts';
import { indicatorsRecorded, waitFor } from './support/processes.ts';
import { openStream, type StreamMessage } from './support/receivers.ts';

interface Sale {
  purchaser?: { firstName: string; lastName: string; dateOfBirth: string };
  licence: string;
  saleDate: string;
}

/** The mock tracing center, except that the retail sale of a gun whose serial is scripted is the one the test says. */
class ScriptedCenter implements TraceAdapter {
  private readonly inner = new MockTraceAdapter({ latencyMs: 0, transientErrorRate: 0 });
  readonly sales = new Map<string, Sale>();

  async runStage(request: TraceRequest, stage: Stage, context: StageContext): Promise<StageOutcome> {
    const sale = this.sales.get(request.weapon.serialNumber ?? '');
    if (!sale || stage !== 'purchaser') return this.inner.runStage(request, stage, context);
    const dealer = { name: `Dealer ${sale.licence}`, licenseNumber: sale.licence, city: 'Houston', state: 'TX' };
    const where = { sourceCountry: 'US', sourceState: 'TX' };
    return {
      kind: 'final',
      status: 'completed',
      facts: {},
      result: sale.purchaser
        ? {
            outcome: 'purchaser_identified',
            dealer,
            purchaser: { ...sale.purchaser, city: 'Houston', state: 'TX' },
            saleDate: sale.saleDate,
            ...where,
          }
        : { outcome: 'dealer_identified', dealer, ...where },
    } as StageOutcome;
  }
}

const t = useWorld({ privateDatabase: true });
const center = new ScriptedCenter();
let worker: Awaited<ReturnType<typeof startInProcessWorker>>;
beforeAll(async () => {
  worker = await startInProcessWorker(t, center);
});
afterAll(async () => {
  await worker?.stop();
});

const RECOVERED = '2026-10-01';
const daysBefore = (days: number) => new Date(Date.parse(RECOVERED) - days * 86_400_000).toISOString().slice(0, 10);
const person = (dateOfBirth = '1990-02-03') => ({ firstName: 'Kevin', lastName: unique('Morales'), dateOfBirth });

interface Traced {
  id: string;
  reference: string;
  weaponId: string;
  status: string;
}

/** Traces a US gun as `who`, the tracing center answering with `sale`; waits until the trace is final. */
async function trace(
  who: WorldUser,
  sale: Sale | undefined,
  options: { caseId?: string; serial?: string; model?: string } = {},
): Promise<Traced> {
  const serial = options.serial ?? unique('TESTOK');
  if (sale) center.sales.set(serial, sale);
  const caseId = options.caseId ?? (await createCase(t.client, t.users[who].token)).id;
  const weapon = {
    manufacturer: 'Smith & Wesson',
    model: options.model ?? 'M&P9',
    caliber: '9mm',
    type: 'pistol',
    serialNumber: serial,
    countryOfManufacture: 'US',
  };
  const created = await t
    .as(who)
    .post(
      '/traces',
      traceBody(caseId, { weapon, recovery: { date: RECOVERED, country: 'SV', circumstance: 'seizure' } }),
    );
  expect(created.status).toBe(201);
  const done = await waitFor(async () => {
    const res = await t.as(who).get(`/traces/${created.body.id}`);
    return ['completed', 'not_traceable', 'needs_info', 'failed'].includes(res.body.status) && (res.body as Traced);
  }, `trace ${created.body.reference} to finish`);
  await indicatorsRecorded(t.db);
  return done;
}

interface Listed {
  id: string;
  reference: string;
  kind: string;
  key: string;
  severity: string;
  traceCount: number;
  traces: { id: string; reference: string; agencyId: string }[];
  tracesOutsideScope: number;
  details: Record<string, unknown>;
}
const indicators = async (who: WorldUser, query = '') => {
  const res = await t.as(who).get(`/intelligence/indicators?limit=200${query}`);
  expect(res.status).toBe(200);
  return res.body.items as Listed[];
};
const indicatorOf = async (who: WorldUser, kind: string, traceId: string) =>
  (await indicators(who, `&kind=${kind}`)).find((i) => i.traces.some((tr) => tr.id === traceId));
/** The indicator alerts `who` sees that name this indicator among their reasons (one alert per trace that set it off). */
const indicatorAlerts = async (who: WorldUser, indicatorId: string, status = '') =>
  (
    (await t.as(who).get(`/alerts?kind=trafficking_indicator&limit=200${status}`)).body.items as {
      id: string;
      subject: { type: string; id: string; reference: string };
      reasons: { indicatorKind: string; key: string; text: string; indicatorId?: string }[];
    }[]
  ).filter((a) => a.reasons.some((r) => r.indicatorId === indicatorId));

describe('repeat purchasers', () => {
  it('one purchaser behind guns recovered in two regions: each advisor sees their traces and the count of the others', async () => {
    const buyer = person();
    const home = await trace('investigator', { purchaser: buyer, licence: unique('L-'), saleDate: daysBefore(2000) });
    expect(await indicatorOf('investigator', 'repeat_purchaser', home.id)).toBeUndefined();
    const far = await trace('farInvestigator', { purchaser: buyer, licence: unique('L-'), saleDate: daysBefore(2100) });
    expect(far.status).toBe('completed');

    const seenHome = await indicatorOf('advisor', 'repeat_purchaser', home.id);
    expect(seenHome).toMatchObject({
      kind: 'repeat_purchaser',
      traceCount: 2,
      tracesOutsideScope: 1,
      severity: 'medium',
      reference: expect.stringMatching(/^IN-\d{4}-\d{6}$/),
      traces: [{ id: home.id, reference: home.reference, agencyId: t.home.id }],
      details: { purchaser: buyer },
    });
    expect(seenHome!.key).toContain(buyer.lastName.toUpperCase());
    expect(await indicatorOf('farAdvisor', 'repeat_purchaser', far.id)).toMatchObject({
      id: seenHome!.id,
      traces: [{ id: far.id }],
      tracesOutsideScope: 1,
    });
    expect(await indicatorOf('investigator', 'repeat_purchaser', home.id)).toMatchObject({
      id: seenHome!.id,
      tracesOutsideScope: 1,
    });
    const all = (await indicators('admin', '&kind=repeat_purchaser')).find((i) => i.id === seenHome!.id);
    expect(all?.traces.map((x) => x.id).sort()).toEqual([home.id, far.id].sort());
    expect(all?.tracesOutsideScope).toBe(0);
    // The neighbour agency has no trace behind it: the indicator is not theirs to list.
    expect((await indicators('neighbourInvestigator')).some((i) => i.id === seenHome!.id)).toBe(false);
    // Reading it names a purchaser: audited.
    expect(
      await t
        .db('audit_log')
        .where({ action: 'intelligence.personal_data_read', actor_id: t.users.advisor.id })
        .first(),
    ).toBeTruthy();

    // The same name with another date of birth is another person.
    const namesake = await trace('investigator', {
      purchaser: { ...buyer, dateOfBirth: '1991-02-03' },
      licence: unique('L-'),
      saleDate: daysBefore(2000),
    });
    expect((await indicatorOf('admin', 'repeat_purchaser', home.id))!.traceCount).toBe(2);
    expect(await indicatorOf('admin', 'repeat_purchaser', namesake.id)).toBeUndefined();

    // The trace that made it an indicator raised one alert, for the agencies and regions involved, never for stockpile
    // managers; its reason names the indicator, not the purchaser (an alert never carries purchaser data).
    for (const who of ['investigator', 'farInvestigator', 'advisor', 'farAdvisor', 'admin'] as const) {
      expect(await indicatorAlerts(who, seenHome!.id), who).toMatchObject([
        {
          subject: { type: 'trace', id: far.id, reference: far.reference },
          weaponId: far.weaponId,
          reasons: [{ indicatorKind: 'repeat_purchaser', key: seenHome!.reference, indicatorId: seenHome!.id }],
        },
      ]);
    }
    expect(await indicatorAlerts('neighbourInvestigator', seenHome!.id)).toHaveLength(0);
    expect(await indicatorAlerts('stockpile', seenHome!.id)).toHaveLength(0);
    const [alert] = await indicatorAlerts('advisor', seenHome!.id);
    expect(JSON.stringify(alert)).not.toContain(buyer.lastName);
    expect(JSON.stringify(alert).toUpperCase()).not.toContain(buyer.lastName.toUpperCase());
    // Worded in the caller's language.
    const inSpanish = (
      await t.as('advisor').request('GET', '/alerts?kind=trafficking_indicator&limit=200', undefined, {
        'accept-language': 'es-SV,es;q=0.9',
      })
    ).body.items.find((a: { id: string }) => a.id === alert!.id);
    expect(alert!.reasons[0]!.text).toMatch(/^One purchaser is behind 2 traced guns/);
    expect(inSpanish.reasons[0].text).toMatch(/^Un mismo comprador está detrás de 2 armas rastreadas/);

    // Each further trace the indicator gains raises its own alert (one per trace); the severity grows with the guns.
    const third = await trace('investigator', { purchaser: buyer, licence: unique('L-'), saleDate: daysBefore(1900) });
    const grown = await indicatorOf('investigator', 'repeat_purchaser', third.id);
    expect(grown).toMatchObject({ id: seenHome!.id, traceCount: 3, severity: 'high', tracesOutsideScope: 1 });
    expect(grown!.traces.map((x) => x.id)).toEqual([third.id, home.id]);
    const mine = await indicatorAlerts('investigator', seenHome!.id);
    expect(mine.map((a) => a.subject.id).sort()).toEqual([far.id, third.id].sort());
    expect(mine.find((a) => a.subject.id === third.id)!.reasons[0]!.text).toContain('3');
    // The same trace is never alerted twice: recording it again changes nothing.
    await t.db.raw('SELECT record_indicators(?::uuid[], ?::jsonb)', [[third.id], indicatorRulesJson()]);
    expect(await indicatorAlerts('investigator', seenHome!.id)).toHaveLength(2);
  });

  it('recording a completed trace again (a worker that crashed after the write) never counts it twice', async () => {
    const buyer = person();
    const first = await trace('investigator', { purchaser: buyer, licence: unique('L-'), saleDate: daysBefore(50) });
    const second = await trace('investigator', { purchaser: buyer, licence: unique('L-'), saleDate: daysBefore(3000) });
    const before = await indicatorOf('admin', 'repeat_purchaser', first.id);
    const alertsBefore = await t.db('alerts').count('* as n').first();
    await t.db.raw('SELECT record_indicators(?::uuid[], ?::jsonb)', [
      [first.id, second.id, first.id],
      indicatorRulesJson(),
    ]);
    await t.db.raw('SELECT record_indicators(?::uuid[], ?::jsonb)', [[second.id], indicatorRulesJson()]);
    expect(await indicatorOf('admin', 'repeat_purchaser', first.id)).toEqual(before);
    expect(await t.db('alerts').count('* as n').first()).toEqual(alertsBefore);
    expect(Number((await t.db('indicator_traces').where({ trace_id: first.id }).count('* as n').first())!.n)).toBe(4);
  });
});

describe('time-to-crime, dealers and serial sequences', () => {
  it('a gun recovered within a year of its sale is an indicator on its own; 400 days is not', async () => {
    const quick = await trace('investigator', {
      purchaser: person(),
      licence: unique('L-'),
      saleDate: daysBefore(100),
    });
    const slow = await trace('investigator', { purchaser: person(), licence: unique('L-'), saleDate: daysBefore(400) });
    expect(await indicatorOf('investigator', 'short_time_to_crime', quick.id)).toMatchObject({
      key: quick.reference,
      traceCount: 1,
      severity: 'high',
      details: { timeToCrimeDays: 100, saleDate: daysBefore(100) },
    });
    expect(await indicatorOf('admin', 'short_time_to_crime', slow.id)).toBeUndefined();
  });

  it('a dealer becomes a cluster at its third gun recovered within 3 years; older sales link but do not count', async () => {
    const licence = unique('5-74-');
    const a = await trace('investigator', { purchaser: person(), licence, saleDate: daysBefore(500) });
    const b = await trace('neighbourInvestigator', { purchaser: person(), licence, saleDate: daysBefore(800) });
    const old = await trace('investigator', { purchaser: person(), licence, saleDate: daysBefore(2000) });
    expect(await indicatorOf('admin', 'dealer_cluster', a.id)).toBeUndefined();
    const c = await trace('farInvestigator', { purchaser: person(), licence, saleDate: daysBefore(900) });
    const cluster = await indicatorOf('advisor', 'dealer_cluster', a.id);
    expect(cluster).toMatchObject({
      key: licence,
      traceCount: 3,
      tracesOutsideScope: 1,
      details: { dealer: { licenseNumber: licence } },
    });
    expect(cluster!.traces.map((x) => x.id).sort()).toEqual([a.id, b.id].sort());
    expect(cluster!.traces.map((x) => x.id)).not.toContain(old.id);
    expect((await indicatorOf('farInvestigator', 'dealer_cluster', c.id))?.traces.map((x) => x.id)).toEqual([c.id]);
    // The old sale is still a gun of the same dealer.
    const links = await t.as('investigator').get(`/weapons/${old.weaponId}/links`);
    expect(links.body.related).toEqual(
      expect.arrayContaining([{ weaponId: a.weaponId, reference: a.reference, via: 'dealer' }]),
    );
  });

  it('guns of one make and model whose serials differ only in their last two characters form a sequence', async () => {
    const batch = unique('SQ');
    const one = await trace('investigator', undefined, { serial: `TESTOK${batch}07`, model: 'SD9VE' });
    const otherModel = await trace('investigator', undefined, { serial: `TESTOK${batch}08`, model: 'SD40VE' });
    expect(await indicatorOf('admin', 'serial_sequence', one.id)).toBeUndefined();
    const two = await trace('farInvestigator', undefined, { serial: `TESTOK${batch}31`, model: 'SD9VE' });
    const sequence = await indicatorOf('admin', 'serial_sequence', one.id);
    expect(sequence).toMatchObject({
      traceCount: 2,
      details: { manufacturer: 'Smith & Wesson', model: 'SD9VE', serialPrefix: `TESTOK${batch}` },
    });
    expect(sequence!.traces.map((x) => x.id).sort()).toEqual([one.id, two.id].sort());
    expect(
      (await indicators('admin', '&kind=serial_sequence')).some((i) => i.traces.some((x) => x.id === otherModel.id)),
    ).toBe(false);
    expect((await t.as('admin').get(`/weapons/${one.weaponId}/links`)).body.related).toEqual(
      expect.arrayContaining([{ weaponId: two.weaponId, reference: two.reference, via: 'serial_sequence' }]),
    );
  });

  it('many traces of one purchaser completing at once are each counted once', async () => {
    const buyer = person();
    const done = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        trace('investigator', { purchaser: buyer, licence: unique('L-'), saleDate: daysBefore(1500 + i) }),
      ),
    );
    const indicator = await indicatorOf('investigator', 'repeat_purchaser', done[0]!.id);
    expect(indicator).toMatchObject({ traceCount: 6, tracesOutsideScope: 0 });
    expect(indicator!.traces.map((x) => x.id).sort()).toEqual(done.map((d) => d.id).sort());
    // One alert per trace that set it off (the first completion alone sets nothing off: one trace is no repeat).
    const alerted = await indicatorAlerts('investigator', indicator!.id);
    expect(alerted.length).toBeGreaterThanOrEqual(1);
    expect(new Set(alerted.map((a) => a.subject.id)).size).toBe(alerted.length);
  });

  it('a trace that is not final, or cancelled, never counts', async () => {
    const kase = await createCase(t.client, t.users.investigator.token);
    const serial = unique('TESTOK');
    center.sales.set(serial, { purchaser: person(), licence: unique('L-'), saleDate: daysBefore(10) });
    const weapon = {
      manufacturer: 'Ruger',
      model: 'LCP',
      caliber: '.380',
      type: 'pistol',
      serialNumber: serial,
      countryOfManufacture: 'US',
    };
    const draft = await t.as('investigator').post('/traces', traceBody(kase.id, { weapon, draft: true }));
    await t.as('investigator').post(`/traces/${draft.body.id}/cancel`, { reason: 'entered by mistake' });
    await t.db.raw('SELECT record_indicators(?::uuid[], ?::jsonb)', [[draft.body.id], indicatorRulesJson()]);
    expect(await t.db('indicator_traces').where({ trace_id: draft.body.id })).toEqual([]);
  });
});

describe('who reads intelligence', () => {
  it('the live stream carries indicator alerts to investigators, never to stockpile managers', async () => {
    const investigator = await openStream(t.client.baseUrl, t.users.investigator.token);
    const manager = await openStream(t.client.baseUrl, t.users.stockpile.token);
    const quick = await trace('investigator', { purchaser: person(), licence: unique('L-'), saleDate: daysBefore(20) });
    const indicatorAlert = (m: StreamMessage) =>
      m.event === 'alert.created' && m.data.data.kind === 'trafficking_indicator';
    const isTrace = (m: StreamMessage) => m.data.data.traceId === quick.id && m.data.data.toStatus === 'completed';
    await waitFor(
      async () => investigator.messages.some(indicatorAlert),
      "the indicator alert on the investigator's stream",
    );
    // The completion is on the manager's stream (the agency's trace), and it comes after the alert's event was written.
    await waitFor(async () => manager.messages.some(isTrace), "the completion on the manager's stream");
    const later = await t
      .as('investigator')
      .post('/traces', traceBody((await createCase(t.client, t.users.investigator.token)).id, { draft: true }));
    await waitFor(
      async () => manager.messages.some((m) => m.data.data.traceId === later.body.id),
      "a later event on the manager's stream",
    );
    expect(manager.messages.filter(indicatorAlert)).toEqual([]);
    await investigator.close();
    await manager.close();
  });

  it('stockpile managers get 403; bad filters are 400; pages and filters hold together', async () => {
    expect((await t.as('stockpile').get('/intelligence/indicators')).status).toBe(403);
    expect((await t.as('investigator').get('/intelligence/indicators?kind=hunch')).status).toBe(400);
    expect((await t.as('investigator').get('/intelligence/indicators?from=1899-12-31')).status).toBe(400);
    expect((await t.as('investigator').get('/intelligence/indicators?cursor=nope')).status).toBe(400);
    await trace('investigator', { purchaser: person(), licence: unique('L-'), saleDate: daysBefore(30) });
    await trace('investigator', { purchaser: person(), licence: unique('L-'), saleDate: daysBefore(40) });
    const all = await indicators('investigator');
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: Listed[]; nextCursor: string | null } } = await t
        .as('investigator')
        .get(`/intelligence/indicators?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.body.items.map((i) => i.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.map((i) => i.id));
    expect(await indicators('investigator', '&to=2000-01-01')).toEqual([]);
    expect((await indicators('investigator', `&from=${new Date().toISOString().slice(0, 10)}`)).length).toBe(
      all.length,
    );
    expect(new Set(all.map((i) => i.kind)).size).toBeGreaterThan(1);
  });

  it('links: purchaser, dealer, case and serial ties in scope; no purchaser for a stockpile manager', async () => {
    const buyer = person();
    const kase = await createCase(t.client, t.users.investigator.token);
    const gun = await trace(
      'investigator',
      { purchaser: buyer, licence: unique('L-'), saleDate: daysBefore(900) },
      { caseId: kase.id },
    );
    const sameBuyer = await trace('investigator', {
      purchaser: buyer,
      licence: unique('L-'),
      saleDate: daysBefore(950),
    });
    const farBuyer = await trace('farInvestigator', {
      purchaser: buyer,
      licence: unique('L-'),
      saleDate: daysBefore(950),
    });
    const sameCase = await trace('investigator', undefined, { caseId: kase.id });

    const links = await t.as('investigator').get(`/weapons/${gun.weaponId}/links`);
    expect(links.status).toBe(200);
    expect(links.body).toMatchObject({
      weapon: { id: gun.weaponId },
      purchaser: { ...buyer },
      dealer: { licenseNumber: expect.any(String) },
    });
    expect(links.body.related).toEqual(
      expect.arrayContaining([
        { weaponId: sameBuyer.weaponId, reference: sameBuyer.reference, via: 'purchaser' },
        { weaponId: sameCase.weaponId, reference: sameCase.reference, via: 'case' },
      ]),
    );
    expect(links.body.related.some((l: { weaponId: string }) => l.weaponId === farBuyer.weaponId)).toBe(false);
    const admin = await t.as('admin').get(`/weapons/${gun.weaponId}/links`);
    expect(admin.body.related).toEqual(
      expect.arrayContaining([{ weaponId: farBuyer.weaponId, reference: farBuyer.reference, via: 'purchaser' }]),
    );

    const mgr = await t.as('stockpile').get(`/weapons/${gun.weaponId}/links`);
    expect(mgr.status).toBe(200);
    expect(mgr.body.purchaser).toBeNull();
    expect(mgr.body.related.some((l: { via: string }) => l.via === 'purchaser')).toBe(false);
    expect(JSON.stringify(mgr.body)).not.toContain(buyer.lastName);
    expect((await t.as('farInvestigator').get(`/weapons/${gun.weaponId}/links`)).status).toBe(404);
    expect((await t.as('investigator').get('/weapons/00000000-0000-4000-8000-000000000001/links')).status).toBe(404);
  });

  it("links: no tie through another agency's trace of the gun, so its purchaser and dealer cannot be inferred", async () => {
    const buyer = person();
    const licence = unique('L-');
    const serial = unique('TESTOK');
    const theirs = await trace('farInvestigator', { purchaser: buyer, licence, saleDate: daysBefore(900) }, { serial });
    // The home agency holds the same gun in a case of its own (a draft), so it may read the weapon.
    const kase = await createCase(t.client, t.users.investigator.token);
    const weapon = {
      manufacturer: 'Smith & Wesson',
      model: 'M&P9',
      caliber: '9mm',
      type: 'pistol',
      serialNumber: serial,
      countryOfManufacture: 'US',
    };
    const draft = await t.as('investigator').post('/traces', traceBody(kase.id, { draft: true, weapon }));
    expect(draft.body.weaponId).toBe(theirs.weaponId);
    const mine = await trace('investigator', { purchaser: buyer, licence, saleDate: daysBefore(950) });

    const links = await t.as('investigator').get(`/weapons/${theirs.weaponId}/links`);
    expect(links.status).toBe(200);
    expect(links.body.purchaser).toBeNull();
    expect(links.body.dealer).toBeNull();
    expect(links.body.related.some((l: { weaponId: string }) => l.weaponId === mine.weaponId)).toBe(false);
    const admin = await t.as('admin').get(`/weapons/${theirs.weaponId}/links`);
    expect(admin.body.related).toEqual(
      expect.arrayContaining([expect.objectContaining({ weaponId: mine.weaponId, via: 'purchaser' })]),
    );
  });
});
