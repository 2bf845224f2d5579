import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCase, startApp, traceBody, unique, useWorld, type TestApp } from './support/harness.ts';
import { Redis } from 'ioredis';
import { createDb } from '../src/db/knex.ts';
import { replicaRouting } from '../src/db/read-routing.ts';
import { createLogger } from '../src/logger.ts';
import { freePort, PrivatePostgres, waitFor } from './support/processes.ts';

/**
 * A primary and a streaming replica of the file's own (pg_basebackup -R, pg_ctl-like start on another port). Its
 * afterAll is registered before useWorld's, so it runs after the world is closed.
 */
let primary: PrivatePostgres;
let replica: PrivatePostgres;
beforeAll(async () => {
  primary = await PrivatePostgres.start({ replicable: true });
  replica = await PrivatePostgres.replicaOf(primary);
}, 120_000);
afterAll(async () => {
  await replica?.destroy();
  await primary?.destroy();
});

const t = useWorld({
  privateDatabase: { server: () => primary.url },
  replica: { server: () => replica.url, maxLagMs: 60_000 },
});

/** Runs one statement on the replica itself (replay control). */
async function onReplica(sql: string) {
  const client = new pg.Client({ connectionString: `${replica.url}/postgres` });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

const report = async (app: Pick<TestApp, 'client'>, token: string) => {
  const reply = await app.client.as(token).get('/reports/traces');
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  return reply.body as { total: number; asOf: string };
};

describe('a read replica for reports, summaries, intelligence and search', () => {
  it('reads reports from the replica, says how fresh they are, and gives a caller back their own change from the primary', async () => {
    const investigator = t.users.investigator.token;
    const advisor = t.users.advisor.token;
    const kase = await createCase(t.client, investigator);
    // createCase was the investigator's write: their reads stay on the primary until the marker lapses, so wait on the
    // advisor, who wrote nothing, for the replica to be in use and caught up.
    await waitFor(async () => {
      const before = t.readLog.length;
      await report(t, advisor);
      return t.readLog[before] === 'replica';
    }, 'the advisor reading from the replica');
    const advisorBefore = await report(t, advisor);

    await onReplica('SELECT pg_wal_replay_pause()');
    try {
      const created = await t
        .as('investigator')
        .post('/traces', traceBody(kase.id, { weapon: { ...traceBody(kase.id).weapon, serialNumber: unique('RR') } }));
      expect(created.status).toBe(201);
      const before = t.readLog.length;
      const own = await report(t, investigator);
      expect(t.readLog[before]).toBe('primary');
      expect(Date.parse(own.asOf)).toBeGreaterThanOrEqual(Date.parse(created.body.createdAt));

      // The advisor's region holds the new trace too, but the replica has not replayed it: its report says so.
      await waitFor(async () => {
        const seen = await report(t, advisor);
        return t.readLog.at(-1) === 'replica' && Date.parse(seen.asOf) < Date.parse(created.body.createdAt);
      }, 'a replica report older than the new trace');
      expect((await report(t, advisor)).total).toBe(advisorBefore.total);
    } finally {
      await onReplica('SELECT pg_wal_replay_resume()');
    }
    await waitFor(async () => (await report(t, advisor)).total === advisorBefore.total + 1, 'the replica catching up');
    expect(t.readLog.at(-1)).toBe('replica');
  }, 60_000);

  it('a trace search reads the replica and records its read of personal data on the primary; pages without q read the primary', async () => {
    const kase = await createCase(t.client, t.users.investigator.token);
    const serial = unique('RS');
    const created = await t
      .as('investigator')
      .post('/traces', traceBody(kase.id, { weapon: { ...traceBody(kase.id).weapon, serialNumber: serial } }));
    expect(created.status).toBe(201);
    const advisor = t.as('advisor');
    // The advisor wrote nothing: once the replica has the trace, the search is read there.
    await waitFor(async () => {
      const before = t.readLog.length;
      const found = await advisor.get(`/traces?q=${serial}`);
      return (
        t.readLog[before] === 'replica' && found.body.items.some((item: { id: string }) => item.id === created.body.id)
      );
    }, 'the search answered by the replica');
    const entries = await t.db('audit_log').where({ action: 'trace.personal_data_read', actor_id: t.users.advisor.id });
    expect(entries.some((entry) => entry.details.traceIds.includes(created.body.id))).toBe(true);
    const before = t.readLog.length;
    expect((await advisor.get(`/traces?caseId=${kase.id}`)).status).toBe(200);
    expect(t.readLog.length).toBe(before);
  }, 60_000);

  it('a replica further behind than the bound is not read: its readers go to the primary until it catches up', async () => {
    const strict = await startApp({
      databaseUrl: t.databaseUrl,
      replica: { server: () => replica.url, maxLagMs: 300 },
    });
    try {
      const advisor = t.users.advisor.token;
      await waitFor(async () => {
        await report(strict, advisor);
        return strict.readLog.at(-1) === 'replica';
      }, 'the replica in use');
      await onReplica('SELECT pg_wal_replay_pause()');
      try {
        // Any commit on the primary now waits unreplayed on the replica, and the lag grows past 300 ms.
        await t.db.raw('CREATE TABLE IF NOT EXISTS lag_probe (x int)');
        await t.db.raw('INSERT INTO lag_probe VALUES (1)');
        await waitFor(async () => {
          await report(strict, advisor);
          return strict.readLog.at(-1) === 'primary';
        }, 'reads back on the primary while the replica lags');
      } finally {
        await onReplica('SELECT pg_wal_replay_resume()');
      }
      await waitFor(async () => {
        await report(strict, advisor);
        return strict.readLog.at(-1) === 'replica';
      }, 'the replica in use again once it caught up');
    } finally {
      await strict.close();
    }
  }, 60_000);

  it('the replica down: reports, summaries and searches still answer, from the primary; back up: read again', async () => {
    const advisor = t.as('advisor');
    await waitFor(async () => {
      await report(t, t.users.advisor.token);
      return t.readLog.at(-1) === 'replica';
    }, 'the replica in use');
    await replica.stop();
    try {
      for (const path of [
        '/reports/traces',
        '/queue/summary',
        '/intelligence/indicators',
        '/weapons?serial=XYZ',
        '/traces?q=XYZ',
      ]) {
        const before = t.readLog.length;
        const reply = await advisor.get(path);
        expect(reply.status, `${path} ${JSON.stringify(reply.body)}`).toBe(200);
        expect(t.readLog.slice(before), path).toEqual(['primary']);
      }
    } finally {
      await replica.start();
    }
    await waitFor(async () => {
      await report(t, t.users.advisor.token);
      return t.readLog.at(-1) === 'replica';
    }, 'the replica in use again');
  }, 60_000);

  it('without Redis no "just wrote" marker can be read: a signed-in caller reads the primary, and a write still succeeds', async () => {
    // A Redis that is not there (nothing listens on the port), as when it is down.
    const gone = new Redis({
      port: await freePort(),
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
    });
    gone.on('error', () => undefined);
    const database = t.databaseUrl.split('/').at(-1);
    const replicaDb = createDb(`${replica.url}/${database}`, { poolMax: 1 });
    const routing = replicaRouting(t.db, replicaDb, gone, createLogger('silent'), {
      maxLagMs: 60_000,
      probeMs: 200,
      prefix: '{rastreo-test-gone}:',
    });
    try {
      // The replica itself is healthy: a read that needs no marker (anonymous) goes there.
      await waitFor(async () => (await routing.reader(undefined)).from === 'replica', 'the replica healthy');
      await expect(routing.wrote(t.users.advisor.id)).resolves.toBeUndefined();
      const target = await routing.reader(t.users.advisor.id);
      expect(target.from).toBe('primary');
      expect(target.db).toBe(t.db);
    } finally {
      routing.close();
      gone.disconnect();
      await replicaDb.destroy();
    }
  }, 60_000);
});
