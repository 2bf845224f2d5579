import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it, inject } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { spawnService } from './support/processes.ts';
import { unique, useWorld } from './support/harness.ts';

const t = useWorld();

const run = promisify(execFile);
const cli = (...args: string[]) =>
  run(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', ...args], {
    env: { ...process.env, DATABASE_URL: inject('databaseUrl'), LOG_LEVEL: 'silent' },
  });

describe('configuration', () => {
  it('uses the documented defaults', () => {
    expect(loadConfig({})).toMatchObject({
      PORT: 3000,
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/rastreo',
      REDIS_URL: 'redis://127.0.0.1:6379',
    });
  });
  it('refuses to start in production without a webhook secret key of its own (API and worker alike)', async () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      /WEBHOOK_SECRET_KEY is required with NODE_ENV=production/,
    );
    expect(loadConfig({ NODE_ENV: 'production', WEBHOOK_SECRET_KEY: 'ab'.repeat(32) }).WEBHOOK_SECRET_KEY).toBe(
      'ab'.repeat(32),
    );
    for (const script of ['src/main.ts', 'workers/trace-worker.ts']) {
      const started = spawnService(script, {
        NODE_ENV: 'production',
        WEBHOOK_SECRET_KEY: '',
        PORT: '0',
        WORKER_METRICS_PORT: '0',
        LOG_LEVEL: 'info',
      });
      expect(await started.exited, script).not.toBe(0);
      expect(started.output()).toContain('WEBHOOK_SECRET_KEY is required');
    }
  });
  it('stops with a one-line message naming the bad setting', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/^invalid configuration: PORT="eighty"/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
  });
});

describe('cli', () => {
  it('bootstrap prints an admin token that works', async () => {
    const code = unique('BOOT-');
    const { stdout } = await cli(
      'bootstrap',
      '--agency-code',
      code,
      '--agency-name',
      'Policía',
      '--country',
      'SV',
      '--region',
      'central-america',
      '--admin-email',
      `${code.toLowerCase()}@example.org`,
    );
    const token = /rst_[A-Za-z0-9_-]+/.exec(stdout)![0];
    const me = await t.client.as(token).get('/me');
    expect(me.body).toMatchObject({ role: 'admin', agency: { code, region: 'central-america', country: 'SV' } });
  });

  it('bootstrap refuses bad input with a clear message and exit code', async () => {
    await expect(cli('bootstrap', '--agency-code', 'x')).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('missing: --agency-name'),
    });
    await expect(cli('bootstrap', '--agency-kode', 'x')).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining("Unknown option '--agency-kode'"),
    });
    await expect(cli()).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('usage: npm run cli -- <command>'),
    });
    await expect(cli('destroy-everything')).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('unknown command: destroy-everything'),
    });
  });

  // Eight Node processes, each loading TypeScript: on a busy 2-core machine that takes far longer than one test usually may.
  it('--help prints to stdout and exits 0 without creating or migrating a database, for every command', async () => {
    // A database that does not exist: asking for help must leave it that way.
    const name = `rastreo_test_help_${unique('')
      .toLowerCase()
      .replace(/[^a-z0-9]/g, '')}`;
    const url = inject('databaseUrl').replace(/\/[^/]+$/, `/${name}`);
    const env = { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'silent' };
    const help = (script: string, ...args: string[]) =>
      run(process.execPath, ['--import', 'tsx', script, ...args], { env });
    for (const args of [
      ['--help'],
      ['-h'],
      ['help'],
      ['bootstrap', '--help'],
      ['bootstrap', '-h', '--agency-code', 'X'],
      ['demo', '--help'],
    ]) {
      const { stdout, stderr } = await help('src/cli/index.ts', ...args);
      expect(stdout, args.join(' ')).toMatch(/usage: npm run cli -- /);
      expect(stderr).toBe('');
    }
    expect((await help('src/cli/index.ts', 'bootstrap', '--help')).stdout).toContain('--admin-email');
    expect((await help('src/db/migrate-cli.ts', '--help')).stdout).toContain('usage: npm run migrate');
    const { rows } = await t.db.raw('SELECT 1 FROM pg_database WHERE datname = ?', [name]);
    expect(rows).toEqual([]);
  }, 180_000);

  it('demo seeds 3 agencies in 2 regions, one user per role and a dozen cases and traces; tokens walk a trace to queued', async () => {
    const { stdout } = await cli('demo');
    const tokens = Object.fromEntries([...stdout.matchAll(/^(\w+)\s+\S+@\S+\s+(rst_\S+)$/gm)].map((m) => [m[1], m[2]]));
    expect(Object.keys(tokens).sort()).toEqual(['admin', 'advisor', 'investigator', 'stockpile_manager']);
    const admin = t.client.as(tokens.admin);
    const agencies = (await admin.get('/agencies?limit=200')).body.items.filter((a: { code: string }) =>
      ['PNC-SV', 'FGR-SV', 'PNC-HN'].includes(a.code),
    );
    expect(new Set(agencies.map((a: { region: string }) => a.region)).size).toBe(2);
    const inv = t.client.as(tokens.investigator);
    const traces = (await inv.get('/traces?limit=200')).body.items;
    expect(traces.length).toBeGreaterThanOrEqual(12);
    expect(new Set(traces.map((x: { status: string }) => x.status))).toEqual(
      new Set(['draft', 'queued', 'pending_review']),
    );

    // A new user sees the diversion alerts at once: a gun the custodian destroyed, and one reported stolen, recovered
    // again; and a pistol not found when the central store was counted.
    const alerts = (await inv.get('/alerts')).body.items.map((a: { kind: string }) => a.kind);
    expect(alerts.sort()).toEqual(['destroyed_weapon_recovered', 'stock_discrepancy', 'stolen_match']);
    expect((await t.client.as(tokens.stockpile_manager).get('/alerts/count')).body).toEqual({
      open: 3,
      openCritical: 2,
    });
    // One closed stocktake, counted and signed off by two people, with its discrepancy.
    const counts = (await t.client.as(tokens.stockpile_manager).get('/stockpile/stocktakes')).body.items;
    expect(counts).toMatchObject([{ status: 'closed', expected: 6, counted: 5, missingCount: 1 }]);
    expect(counts[0].openedBy).not.toBe(counts[0].closedBy);

    const draft = traces.find(
      (x: { status: string; qualityFlags: string[] }) => x.status === 'draft' && x.qualityFlags.length === 0,
    );
    const submitted = await inv.post(`/traces/${draft.id}/submit`);
    expect(submitted.body.status).toBe('queued');

    const again = await cli('demo');
    expect(again.stdout).toContain('already present');
    // The API process hears of the rotation by NOTIFY (its token cache drops the old token within milliseconds).
    await expect.poll(async () => (await inv.get('/me')).status).toBe(401);
  });
});
