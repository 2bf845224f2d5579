import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { createCase, traceBody, useWorld } from './support/harness.ts';

const t = useWorld({ privateDatabase: true });
const run = promisify(execFile);
const cli = (...args: string[]) =>
  run(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', ...args], {
    env: { ...process.env, DATABASE_URL: t.databaseUrl, LOG_LEVEL: 'silent' },
  });
const dir = await mkdtemp(join(tmpdir(), 'rastreo-archive-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

const monthOf = (date: Date) => date.toISOString().slice(0, 7).replace('-', '_');
const children = async () =>
  (
    await t.db.raw(
      `SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'audit_log'::regclass ORDER BY 1`,
    )
  ).rows.map((r: { relname: string }) => r.relname) as string[];

describe('the audit log and trace events, partitioned by month', () => {
  it('has this month and the next three ready (and a default partition), and a write lands in its month', async () => {
    const now = new Date();
    const ahead = [0, 1, 2, 3].map(
      (n) => `audit_log_${monthOf(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + n, 1)))}`,
    );
    expect(await children()).toEqual(expect.arrayContaining([...ahead, 'audit_log_default']));
    const kase = await createCase(t.client, t.users.investigator.token);
    const reply = await t
      .as('investigator')
      .request('PATCH', `/cases/${kase.id}`, { title: 'Partitioned' }, { 'X-Request-Id': `part-${kase.id}` });
    expect(reply.status).toBe(200);
    const { rows } = await t.db.raw(`SELECT tableoid::regclass::text AS part FROM audit_log WHERE request_id = ?`, [
      `part-${kase.id}`,
    ]);
    expect(rows).toEqual([{ part: ahead[0] }]);
    // Trace events too: a new trace's events land in this month's partition.
    const trace = await t.as('investigator').post('/traces', traceBody(kase.id));
    expect(trace.status).toBe(201);
    const events = await t.db.raw(
      `SELECT DISTINCT tableoid::regclass::text AS part FROM trace_events WHERE trace_id = ?`,
      [trace.body.id],
    );
    expect(events.rows).toEqual([{ part: ahead[0]!.replace('audit_log', 'trace_events') }]);
    // Still append-only, on every partition.
    await expect(
      t.db.raw(`UPDATE audit_log SET action = 'x' WHERE request_id = ?`, [`part-${kase.id}`]),
    ).rejects.toThrow(/append-only/);
  });

  it('archives old months to checksummed files, drops those past the 10-year retention and keeps the younger ones', async () => {
    for (const month of ['2014-03', '2021-05']) {
      const name = `audit_log_${month.replace('-', '_')}`;
      await t.db.raw(
        `CREATE TABLE ${name} PARTITION OF audit_log FOR VALUES FROM ('${month}-01') TO ('${month}-01'::date + interval '1 month')`,
      );
      await t.db.raw(
        `INSERT INTO audit_log (at, component, action, entity, entity_id, details)
         SELECT '${month}-10'::timestamptz + g * interval '1 minute', 'api', 'trace.read', 'trace', 'TR-' || g,
                jsonb_build_object('n', g, 'note', 'comma, "quote"')
           FROM generate_series(1, 1200) g`,
      );
    }

    const { stdout } = await cli('archive', '--before', '2022-01', '--to', dir);
    expect(stdout).toContain('2 month(s) archived');
    for (const [name, fate] of [
      ['audit_log_2014_03', 'dropped'],
      ['audit_log_2021_05', 'kept'],
    ] as const) {
      const file = join(dir, `${name}.csv.gz`);
      const bytes = await readFile(file);
      const [sum, fileName] = (await readFile(`${file}.sha256`, 'utf8')).trim().split(/\s+/);
      expect(fileName).toBe(`${name}.csv.gz`);
      expect(sum).toBe(createHash('sha256').update(bytes).digest('hex'));
      const rows = parse(gunzipSync(bytes), { columns: true }) as Record<string, string>[];
      expect(rows).toHaveLength(1200);
      expect(rows.map((r) => Number(r.id))).toEqual(rows.map((r) => Number(r.id)).sort((a, b) => a - b));
      expect(JSON.parse(rows[0]!.details!)).toEqual({ n: 1, note: 'comma, "quote"' });
      expect(stdout).toContain(`${name}: 1200 rows`);
      expect(stdout).toContain(fate);
    }
    expect(await children()).not.toEqual(expect.arrayContaining(['audit_log_2014_03']));
    expect(await children()).not.toEqual(expect.arrayContaining(['audit_log_2021_05']));
    const live = await t.db.raw(`SELECT count(*)::int AS n FROM audit_log WHERE at < '2022-01-01'`);
    expect(live.rows[0].n).toBe(0);
    expect((await t.db.raw(`SELECT count(*)::int AS n FROM archive.audit_log_2021_05`)).rows[0].n).toBe(1200);
    expect(
      (await t.db.raw(`SELECT to_regclass('audit_log_2014_03') AS t, to_regclass('archive.audit_log_2014_03') AS a`))
        .rows[0],
    ).toEqual({ t: null, a: null });
    const audit = await t.db.raw(
      `SELECT entity_id, details->>'fate' AS fate FROM audit_log WHERE action = 'records.archived' ORDER BY entity_id`,
    );
    expect(audit.rows).toEqual([
      { entity_id: '2014-03', fate: 'dropped' },
      { entity_id: '2021-05', fate: 'kept' },
    ]);
    // Again: nothing left to do, and the files stay as they were.
    expect((await cli('archive', '--before', '2022-01', '--to', dir)).stdout).toContain('nothing to archive');
    expect(existsSync(join(dir, 'audit_log_2014_03.csv.gz'))).toBe(true);
  }, 60_000);

  it('refuses a month that is not one, or the live month’s future, with exit code 2 and the usage', async () => {
    const next = new Date();
    next.setUTCMonth(next.getUTCMonth() + 1, 1);
    for (const before of ['2021-13', 'last-year', next.toISOString().slice(0, 7)]) {
      const failed = await cli('archive', '--before', before, '--to', dir).catch((error) => error);
      expect(failed.code, before).toBe(2);
      expect(failed.stderr, before).toMatch(/--before must/);
    }
  }, 30_000);
});
