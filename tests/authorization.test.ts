import { beforeAll, describe, expect, it } from 'vitest';
import { createCase, traceBody, useWorld } from './support/harness.ts';

const t = useWorld();

type Place = 'own' | 'region' | 'other';
type Who = 'investigator' | 'advisor' | 'stockpile' | 'admin';
const records = {} as Record<Place, { caseId: string; traceId: string }>;

const ownerToken = (place: Place) =>
  ({ own: t.users.investigator, region: t.users.neighbourInvestigator, other: t.users.farInvestigator })[place].token;

async function recordIn(place: Place) {
  const kase = await createCase(t.client, ownerToken(place));
  const trace = await t.client.as(ownerToken(place)).post('/traces', traceBody(kase.id, { draft: true }));
  return { caseId: kase.id, traceId: trace.body.id as string };
}

beforeAll(async () => {
  for (const place of ['own', 'region', 'other'] as const) records[place] = await recordIn(place);
});

// Expected status per role and place: reads, case writes and trace writes.
const READ: Record<Who, Record<Place, number>> = {
  investigator: { own: 200, region: 404, other: 404 },
  advisor: { own: 200, region: 200, other: 404 },
  stockpile: { own: 200, region: 404, other: 404 },
  admin: { own: 200, region: 200, other: 200 },
};
const CASE_WRITE: Record<Who, Record<Place, number>> = {
  investigator: { own: 200, region: 404, other: 404 },
  advisor: { own: 403, region: 403, other: 403 },
  stockpile: { own: 403, region: 403, other: 403 },
  admin: { own: 403, region: 403, other: 403 },
};
const TRACE_CANCEL: Record<Who, Record<Place, number>> = {
  investigator: { own: 200, region: 404, other: 404 },
  advisor: { own: 200, region: 200, other: 404 },
  stockpile: { own: 403, region: 403, other: 403 },
  admin: { own: 403, region: 403, other: 403 },
};

describe('authorization matrix', () => {
  for (const who of Object.keys(READ) as Who[]) {
    for (const place of ['own', 'region', 'other'] as const) {
      it(`${who} × ${place}: read trace/case/events ${READ[who][place]}, write case ${CASE_WRITE[who][place]}, cancel trace ${TRACE_CANCEL[who][place]}`, async () => {
        const client = t.client.as(t.users[who].token);
        const { caseId, traceId } = records[place];
        for (const path of [`/traces/${traceId}`, `/cases/${caseId}`, `/traces/${traceId}/events`]) {
          const res = await client.get(path);
          expect(res.status, path).toBe(READ[who][place]);
          if (res.status === 404) expect(res.body.detail).not.toContain(traceId);
        }
        const listed = (await client.get(`/traces?caseId=${caseId}`)).body.items.map((x: { id: string }) => x.id);
        expect(listed.includes(traceId)).toBe(READ[who][place] === 200);

        expect((await client.patch(`/cases/${caseId}`, { title: `Renamed by ${who}` })).status).toBe(
          CASE_WRITE[who][place],
        );
        const fresh = await recordIn(place);
        expect((await client.post(`/traces/${fresh.traceId}/cancel`, { reason: 'matrix' })).status).toBe(
          TRACE_CANCEL[who][place],
        );
        const editable = await recordIn(place);
        expect((await client.patch(`/traces/${editable.traceId}`, { notes: 'x' })).status).toBe(
          who === 'investigator' ? CASE_WRITE[who][place] : 403,
        );
      });
    }
  }

  it('only investigators create cases and traces', async () => {
    for (const who of ['advisor', 'stockpile', 'admin'] as const) {
      const client = t.client.as(t.users[who].token);
      expect((await client.post('/cases', { caseNumber: 'X-1', title: 'x', offense: 'other' })).status).toBe(403);
      expect((await client.post('/traces', traceBody(records.own.caseId))).status).toBe(403);
    }
  });

  it('removes possessor and purchaser data for stockpile managers, and audits reads of it by others', async () => {
    const { traceId } = records.own;
    await t
      .db('traces')
      .where({ id: traceId })
      .update({
        status: 'completed',
        result: JSON.stringify({
          outcome: 'purchaser_identified',
          sourceCountry: 'US',
          sourceState: 'TX',
          saleDate: '2024-01-02',
          timeToCrimeDays: 638,
          dealer: { name: 'Lone Star Guns', licenseNumber: '5-74-013-01-4A-12345', city: 'Houston', state: 'TX' },
          purchaser: { firstName: 'John', lastName: 'Doe', dateOfBirth: '1980-01-01', city: 'Houston', state: 'TX' },
        }),
      });
    const redacted = await t.client.as(t.users.stockpile.token).get(`/traces/${traceId}`);
    expect(redacted.body.possessor).toBeNull();
    expect(redacted.body.result).not.toHaveProperty('purchaser');
    expect(redacted.body.result.dealer.licenseNumber).toBe('5-74-013-01-4A-12345');
    const listed = await t.client.as(t.users.stockpile.token).get(`/traces?caseId=${records.own.caseId}`);
    expect(listed.body.items[0].possessor).toBeNull();
    expect(JSON.stringify(listed.body)).not.toContain('Pérez');

    const full = await t.client.as(t.users.advisor.token).get(`/traces/${traceId}`);
    expect(full.body.possessor.lastName).toBe('Pérez');
    expect(full.body.result.purchaser.lastName).toBe('Doe');
    const audit = await t
      .db('audit_log')
      .where({ action: 'trace.personal_data_read', entity_id: traceId, actor_id: t.users.advisor.id });
    expect(audit.length).toBeGreaterThanOrEqual(1);
    expect(audit[0]).toMatchObject({ role: 'advisor', agency_id: t.home.id, component: 'api', outcome: 'success' });
    expect(audit[0].request_id).toBeTruthy();
  });

  it('answers 404 for ids that do not exist and for malformed ids alike', async () => {
    const client = t.client.as(t.users.admin.token);
    expect((await client.get('/traces/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await client.get('/traces/not-a-uuid')).status).toBe(404);
  });
});
