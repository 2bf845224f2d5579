import { sseReader } from '../src/shared/sse.ts';
// npm run bench [-- --quick]: Rastreo side by side with the bare limits of its own stack. See README, "Benchmarks".
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import type pg from 'pg';
import { createApp } from '../src/app.ts';
import { createDb, dropDatabase, ensureDatabase, type Db } from '../src/db/knex.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { createUserWithToken } from '../src/identity/service.ts';
import { createLogger } from '../src/logger.ts';
import type { LoadPlan, LoadResult } from './load.ts';
import { seedBase, seedTraces, type ScaleSize } from './seed.ts';

const quick = process.argv.includes('--quick');
const SERVER = process.env.BENCH_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432';
const REDIS_DB = Number(process.env.BENCH_REDIS_DB ?? 13);
const REDIS_URL = `${process.env.BENCH_REDIS_SERVER ?? 'redis://127.0.0.1:6379'}/${REDIS_DB}`;
const SIZE: ScaleSize = quick
  ? { traces: 100_000, weapons: 20_000, agencies: 50, regions: 5, casesPerAgency: 200 }
  : { traces: 1_000_000, weapons: 200_000, agencies: 50, regions: 5, casesPerAgency: 2_000 };
const SUBMIT_SECONDS = quick ? 5 : 20;
const PIPELINE_TRACES = quick ? 2_000 : 20_000;
/** The paced scenario's rate: the issue's 300 traces/s, on enough connections that the client never caps it. */
const PACED_RATE = 300;
const PACED_CONNECTIONS = 30;
const PACED_SECONDS = quick ? 15 : 60;
/** The upload scenario: this many 10 MB photographs, 20 at a time. */
const UPLOADS = quick ? 20 : 60;
/** The country report's year (the seed's recoveries run up to today) and how many times it is measured. */
const COUNTRY_YEAR = new Date().getUTCFullYear();
const COUNTRY_READS = quick ? 100 : 40;
/** Requests per read, one connection at a time: a p99 from at least 1,000 samples (the 10th slowest), not the 2nd of 200. */
const READS = 1000;
const WARM_UP = 50;

const log = (line: string) => process.stderr.write(`${line}\n`);
const databaseUrl = `${SERVER}/rastreo_bench_${randomBytes(3).toString('hex')}`;
const children: ChildProcess[] = [];

interface Row {
  scenario: string;
  metric: string;
  rastreo: number;
  reference?: number;
  ratio?: number;
  target: string;
  met?: boolean;
}
const rows: Row[] = [];
const record = (row: Row) => {
  rows.push(row);
  log(
    `  ${row.scenario} · ${row.metric}: ${row.rastreo}${row.reference !== undefined ? ` (reference ${row.reference}, ratio ${row.ratio})` : ''}`,
  );
};
const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

/**
 * Rastreo's processes run with the V8 flags of `npm start` / `npm run worker` (package.json); with BENCH_CPU_PROFILE=<dir>
 * each also writes a V8 CPU profile there when it stops (`npm run bench:profile -- <dir>` sums them up).
 */
const SERVICE_FLAGS = [
  '--max-old-space-size=160',
  '--max-semi-space-size=4',
  '--expose-gc',
  ...(process.env.BENCH_CPU_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`] : []),
];

/** Rastreo runs from its build (dist/, as `npm start` runs it); the reference servers from their TypeScript. */
function start(script: string, env: Record<string, string>): ChildProcess {
  const built = script.startsWith('dist/');
  const args = built ? [...SERVICE_FLAGS, script] : ['--import', 'tsx', script];
  const child = spawn(process.execPath, args, {
    // `npm start` sets MALLOC_ARENA_MAX=2 (image decoding fragments glibc's per-thread arenas).
    env: { ...process.env, ...(built ? { MALLOC_ARENA_MAX: '2' } : {}), ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  return child;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(15_000).then(() => child.kill('SIGKILL'))]);
}

async function waitUntilUp(url: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (
      await fetch(url).then(
        (r) => r.status < 500,
        () => false,
      )
    )
      return;
    await sleep(100);
  }
  throw new Error(`${url} did not come up`);
}

function load(plan: LoadPlan): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/load.ts', JSON.stringify(plan)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout!.on('data', (chunk) => (out += chunk));
    child.once('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split('\n').at(-1)!))
        : reject(new Error(`load generator exited ${code}`)),
    );
  });
}

/** Peak resident set size of a process so far, in MB (Linux VmHWM). */
const peakRssMb = (pid: number) =>
  round(Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024, 0);

const freePort = async () => {
  const { createServer } = await import('node:net');
  return new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
};

/**
 * Listens to the live event stream like a web page would, and measures, for each trace that reaches a final status, how
 * long after the transition (the event's `occurredAt`, stamped in the transition's own statement) it arrived.
 */
async function watchStream(url: string, token: string) {
  const controller = new AbortController();
  const latencies: number[] = [];
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
  const feed = sseReader(({ data }) => {
    if (!data) return;
    const event = JSON.parse(data) as { occurredAt: string; data: { toStatus?: string } };
    if (event.data.toStatus === 'completed' || event.data.toStatus === 'not_traceable')
      latencies.push(Date.now() - Date.parse(event.occurredAt));
  });
  const reading = (async () => {
    try {
      for await (const chunk of response.body!.pipeThrough(new TextDecoderStream()) as unknown as AsyncIterable<string>)
        feed(chunk);
    } catch {
      // closed
    }
  })();
  return {
    latencies,
    async close() {
      controller.abort();
      await reading;
    },
  };
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]! : 0;
};

async function userOf(db: Db, agencyId: string, role: 'investigator' | 'advisor' | 'stockpile_manager') {
  const email = `${role}-${randomBytes(4).toString('hex')}@bench.example`;
  return createUserWithToken(db, { name: `Bench ${role}`, email, role, agencyId }, async () => {});
}

const traceBody = (caseId: string) =>
  JSON.stringify({
    caseId,
    weapon: {
      manufacturer: 'Glock',
      model: '19',
      caliber: '9mm',
      type: 'pistol',
      serialNumber: '__UNIQUE__',
      importer: 'Glock Inc.',
      countryOfManufacture: 'AT',
    },
    recovery: { date: '2026-10-01', country: 'SV', department: 'San Salvador', circumstance: 'seizure' },
    possessor: { firstName: 'Juan', lastName: 'Pérez', dateOfBirth: '1990-05-04', nationality: 'SV' },
    notes: 'Benchmark trace',
  });

/** Completions per second and submit→final latency of the traces of one case (Rastreo) or of the reference table. */
async function pipelineStats(db: Db, sql: string, bindings: unknown[]) {
  const {
    rows: [stats],
  } = await db.raw(sql, bindings as never);
  return {
    perSecond: round(stats.n / stats.span, 0),
    p50: round(stats.p50 * 1000, 0),
    p99: round(stats.p99 * 1000, 0),
  };
}

const rastreoPipelineStats = (db: Db, caseId: string) =>
  pipelineStats(
    db,
    `
    SELECT count(*) AS n, extract(epoch FROM max(status_changed_at) - min(submitted_at)) AS span,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM status_changed_at - submitted_at)) AS p50,
           percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM status_changed_at - submitted_at)) AS p99
      FROM traces WHERE case_id = ? AND ${settled}`,
    [caseId],
  );

/** Reference (b): its server and worker, driven by `plan(port)`, from an empty table; submit→final as for Rastreo. */
async function referencePipelineRun(db: Db, url: string, plan: (port: number) => LoadPlan) {
  await db.raw('TRUNCATE bench_reference');
  const port = await freePort();
  const server = start('bench/reference/pipeline.ts', {
    ROLE: 'server',
    PORT: String(port),
    DATABASE_URL: url,
    REDIS_URL,
  });
  const worker = start('bench/reference/pipeline.ts', {
    ROLE: 'worker',
    DATABASE_URL: url,
    REDIS_URL,
    CONCURRENCY: '16',
  });
  await waitUntilUp(`http://127.0.0.1:${port}/nothing`);
  await load(plan(port));
  await settle(db, "SELECT count(*) AS n FROM bench_reference WHERE status <> 'done'");
  const stats = await pipelineStats(
    db,
    `
    SELECT count(*) AS n, extract(epoch FROM max(completed_at) - min(created_at)) AS span,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM completed_at - created_at)) AS p50,
           percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM completed_at - created_at)) AS p99
      FROM bench_reference WHERE status = 'done'`,
    [],
  );
  await Promise.all([stop(server), stop(worker)]);
  return stats;
}

async function main() {
  log(
    `Rastreo benchmarks (${quick ? 'quick' : 'full'}) — database ${databaseUrl.split('/').at(-1)}, Redis db ${REDIS_DB}`,
  );
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], {
    stdio: 'inherit',
  });
  execFileSync(process.execPath, ['scripts/copy-database-code.mjs'], { stdio: 'inherit' });
  await ensureDatabase(databaseUrl);
  const db = createDb(databaseUrl, 4);
  await migrateToLatest(db);
  const redis = new Redis(REDIS_URL);
  await redis.flushdb();

  const [agency] = await db('agencies')
    .insert({ code: 'BENCH', name: 'Bench agency', country: 'SV', region: 'bench' })
    .returning('id');
  const investigator = await userOf(db, agency.id, 'investigator');
  const [kase] = await db('cases')
    .insert({
      agency_id: agency.id,
      case_number: 'BENCH-1',
      title: 'Bench',
      offense: 'other',
      created_by: investigator.user.id,
    })
    .returning('id');
  const auth = { authorization: `Bearer ${investigator.token}`, 'content-type': 'application/json' };
  const attachmentDir = mkdtempSync(join(tmpdir(), 'rastreo-bench-attachments-'));

  // 1. submit, against reference (a)
  log('1. submit');
  const apiPort = await freePort();
  const api = start('dist/src/main.js', {
    PROCESS_ROLES: 'api',
    PORT: String(apiPort),
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    QUEUE_PREFIX: '{rastreo-bench}',
    LOG_LEVEL: 'warn',
    RATE_LIMIT_MAX: '100000000',
    RATE_LIMIT_ANONYMOUS_MAX: '100000000',
    DB_POOL_MAX: '20',
    ATTACHMENT_DIR: attachmentDir,
  });
  const base = `http://127.0.0.1:${apiPort}`;
  await waitUntilUp(`${base}/healthz`);
  const refPort = await freePort();
  const refA = start('bench/reference/insert-server.ts', { PORT: String(refPort), DATABASE_URL: databaseUrl });
  await waitUntilUp(`http://127.0.0.1:${refPort}/nothing`);
  const submitPlan = (url: string): LoadPlan => ({
    url,
    method: 'POST',
    headers: auth,
    connections: 50,
    durationSeconds: SUBMIT_SECONDS,
    bodyTemplate: traceBody(kase.id),
  });
  const reference = await load(submitPlan(`http://127.0.0.1:${refPort}/traces`));
  const submit = await load(submitPlan(`${base}/api/v1/traces`));
  await stop(refA);
  if (submit.non2xx || submit.errors) log(`  warning: ${submit.non2xx} non-2xx, ${submit.errors} errors`);
  record({
    scenario: '1 submit',
    metric: 'req/s at 50 connections',
    rastreo: submit.requestsPerSecond,
    reference: reference.requestsPerSecond,
    ratio: round(submit.requestsPerSecond / reference.requestsPerSecond, 2),
    target: '≥ 0.75× (a)',
    met: submit.requestsPerSecond >= 0.75 * reference.requestsPerSecond,
  });
  record({
    scenario: '1 submit',
    metric: 'p50 latency (ms)',
    rastreo: submit.p50Ms,
    reference: reference.p50Ms,
    target: '',
  });
  record({
    scenario: '1 submit',
    metric: 'p99 latency (ms)',
    rastreo: submit.p99Ms,
    reference: reference.p99Ms,
    ratio: round(submit.p99Ms / reference.p99Ms, 2),
    target: '≤ 1.5× (a)',
    met: submit.p99Ms <= 1.5 * reference.p99Ms,
  });
  // The submit scenario leaves queued traces; the pipeline scenario starts from an empty queue.
  await db.raw(
    "DELETE FROM trace_outbox; UPDATE traces SET status = 'cancelled', completed_at = now() WHERE status = 'queued'",
  );

  // 2. pipeline, against reference (b)
  log(`2. pipeline (${PIPELINE_TRACES} traces)`);
  const worker = start('dist/workers/trace-worker.js', {
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    QUEUE_PREFIX: '{rastreo-bench}',
    LOG_LEVEL: 'warn',
    ADAPTER_LATENCY_MS: '0',
    WORKER_CONCURRENCY: '16',
    OUTBOX_POLL_MS: '200',
    WORKER_METRICS_PORT: '0',
    DB_POOL_MAX: '20',
  });
  await sleep(2_000);
  const [pipelineCase] = await db('cases')
    .insert({
      agency_id: agency.id,
      case_number: 'BENCH-2',
      title: 'Pipeline',
      offense: 'other',
      created_by: investigator.user.id,
    })
    .returning('id');
  const pipelineLoad = await load({
    url: `${base}/api/v1/traces`,
    method: 'POST',
    headers: auth,
    connections: 50,
    amount: PIPELINE_TRACES,
    bodyTemplate: traceBody(pipelineCase.id),
  });
  await settle(db, `SELECT count(*) AS n FROM traces WHERE case_id = '${pipelineCase.id}' AND NOT ${settled}`);
  const rastreoPipeline = await rastreoPipelineStats(db, pipelineCase.id);
  const memory = { api: peakRssMb(api.pid!), worker: peakRssMb(worker.pid!) };
  await stop(worker);

  const referencePipeline = await referencePipelineRun(db, databaseUrl, (port) => ({
    url: `http://127.0.0.1:${port}/traces`,
    method: 'POST',
    headers: auth,
    connections: 50,
    amount: PIPELINE_TRACES,
    bodyTemplate: traceBody(pipelineCase.id),
  }));
  if (pipelineLoad.non2xx) log(`  warning: ${pipelineLoad.non2xx} submissions were not 2xx`);
  record({
    scenario: '2 pipeline',
    metric: 'completions/s',
    rastreo: rastreoPipeline.perSecond,
    reference: referencePipeline.perSecond,
    ratio: round(rastreoPipeline.perSecond / referencePipeline.perSecond, 2),
    target: '≥ 0.75× (b)',
    met: rastreoPipeline.perSecond >= 0.75 * referencePipeline.perSecond,
  });
  record({
    scenario: '2 pipeline',
    metric: 'submit→final p50 (ms)',
    rastreo: rastreoPipeline.p50,
    reference: referencePipeline.p50,
    target: '',
  });
  record({
    scenario: '2 pipeline',
    metric: 'submit→final p99 (ms)',
    rastreo: rastreoPipeline.p99,
    reference: referencePipeline.p99,
    target: '',
  });

  // 2b. paced: latency, not throughput — PACED_RATE traces/s with an adapter that answers at once, beside (b) paced alike
  log(`2b. paced ${PACED_RATE}/s for ${PACED_SECONDS} s`);
  const pacedWorker = start('dist/workers/trace-worker.js', {
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    QUEUE_PREFIX: '{rastreo-bench}',
    LOG_LEVEL: 'warn',
    ADAPTER_LATENCY_MS: '0',
    WORKER_CONCURRENCY: '16',
    OUTBOX_POLL_MS: '200',
    WORKER_METRICS_PORT: '0',
    DB_POOL_MAX: '20',
  });
  await waitForWorker(db);
  const [pacedCase] = await db('cases')
    .insert({
      agency_id: agency.id,
      case_number: 'BENCH-PACED',
      title: 'Paced',
      offense: 'other',
      created_by: investigator.user.id,
    })
    .returning('id');
  const stream = await watchStream(`${base}/api/v1/events/stream`, investigator.token);
  await load({
    url: `${base}/api/v1/traces`,
    method: 'POST',
    headers: auth,
    connections: PACED_CONNECTIONS,
    durationSeconds: PACED_SECONDS,
    overallRate: PACED_RATE,
    bodyTemplate: traceBody(pacedCase.id),
  });
  await settle(db, `SELECT count(*) AS n FROM traces WHERE case_id = '${pacedCase.id}' AND NOT ${settled}`);
  await stream.close();
  const pacedRastreo = await rastreoPipelineStats(db, pacedCase.id);
  memory.worker = Math.max(memory.worker, peakRssMb(pacedWorker.pid!));
  await stop(pacedWorker);
  const pacedReference = await referencePipelineRun(db, databaseUrl, (port) => ({
    url: `http://127.0.0.1:${port}/traces`,
    method: 'POST',
    headers: auth,
    connections: PACED_CONNECTIONS,
    durationSeconds: PACED_SECONDS,
    overallRate: PACED_RATE,
    bodyTemplate: traceBody(pacedCase.id),
  }));
  record({
    scenario: '2b paced',
    metric: `submit→final p50 (ms), ${PACED_RATE}/s`,
    rastreo: pacedRastreo.p50,
    reference: pacedReference.p50,
    target: '',
  });
  const streamP99 = percentile(stream.latencies, 0.99);
  record({
    scenario: '2b paced',
    metric: `final event on an open stream, after the transition: p50 (ms), ${stream.latencies.length} traces`,
    rastreo: percentile(stream.latencies, 0.5),
    target: '',
  });
  record({
    scenario: '2b paced',
    metric: 'final event on an open stream, after the transition: p99 (ms)',
    rastreo: streamP99,
    target: '≤ 1,000 ms',
    met: streamP99 <= 1_000,
  });
  record({
    scenario: '2b paced',
    metric: `submit→final p99 (ms), ${PACED_RATE}/s`,
    rastreo: pacedRastreo.p99,
    reference: pacedReference.p99,
    ratio: round(pacedRastreo.p99 / Math.max(1, pacedReference.p99), 2),
    target: '≤ 5× (b) paced',
    met: pacedRastreo.p99 <= 5 * Math.max(1, pacedReference.p99),
  });

  // 3. scale
  log(`3. scale: seeding ${SIZE.traces.toLocaleString('en')} traces`);
  // A tenth first, to measure every read there too: the growth row compares each read's p99 at full size with it.
  const tenth = Math.floor(SIZE.traces / 10);
  const seedStarted = Date.now();
  await seedBase(db, SIZE, log);
  await seedTraces(db, SIZE, 0, tenth, log);
  let seedMs = Date.now() - seedStarted;
  /** The reads of the scale scenario, with paths sampled from the data as it is now. */
  const scaleReads = async () => {
    const benchAgency = await db('agencies').where({ code: 'BA-001' }).first('id', 'region');
    const scaleInvestigator = await userOf(db, benchAgency.id, 'investigator');
    const scaleAdvisor = await userOf(db, benchAgency.id, 'advisor');
    const sample = await db('traces')
      .where({ agency_id: benchAgency.id })
      .orderByRaw('random()')
      .limit(READS)
      .select('id', 'weapon_id', 'weapon');
    const completed = await db('traces')
      .where({ agency_id: benchAgency.id, status: 'completed' })
      .orderByRaw('random()')
      .limit(READS)
      .pluck('id');
    const linked = await db('traces')
      .where({ agency_id: benchAgency.id, status: 'completed' })
      .whereRaw("result->>'outcome' = 'purchaser_identified'")
      .orderByRaw('random()')
      .limit(READS)
      .pluck('weapon_id');
    const kinds = [
      '',
      '?kind=repeat_purchaser',
      '?kind=dealer_cluster',
      '?kind=serial_sequence',
      '?kind=short_time_to_crime',
      '?from=2026-01-01',
    ];
    const cursor = (id: string) => Buffer.from(JSON.stringify([id])).toString('base64url');
    const reads: {
      name: string;
      who: string;
      paths: string[];
      target: 'c3' | 'c5' | 'summary' | 'report' | 'country';
      /** Requests measured, when not READS: a year of a country's recoveries is most of the seed, seconds a request. */
      amount?: number;
    }[] = [
      {
        name: 'GET /queue',
        who: scaleAdvisor.token,
        paths: [
          '/api/v1/queue',
          '/api/v1/queue?urgent=true',
          '/api/v1/queue?status=failed,needs_info',
          `/api/v1/queue?agencyId=${benchAgency.id}`,
        ],
        target: 'c3',
      },
      { name: 'GET /queue/summary', who: scaleAdvisor.token, paths: ['/api/v1/queue/summary'], target: 'summary' },
      {
        name: 'GET /traces (first page)',
        who: scaleInvestigator.token,
        paths: ['/api/v1/traces', '/api/v1/traces?status=completed', '/api/v1/traces?urgent=true'],
        target: 'c3',
      },
      {
        name: 'GET /traces?q=<serial>',
        who: scaleInvestigator.token,
        paths: sample.map((t) => `/api/v1/traces?q=${t.weapon.serialNumber}`),
        target: 'c3',
      },
      {
        name: 'GET /traces?status=…&cursor=… (deep pages)',
        who: scaleInvestigator.token,
        paths: completed.map((id) => `/api/v1/traces?status=completed&cursor=${cursor(id)}`),
        target: 'c3',
      },
      {
        name: 'GET /weapons/:id',
        who: scaleInvestigator.token,
        paths: sample.map((t) => `/api/v1/weapons/${t.weapon_id}`),
        target: 'c3',
      },
      {
        name: 'GET /weapons/:id/links',
        who: scaleInvestigator.token,
        paths: linked.map((id) => `/api/v1/weapons/${id}/links`),
        target: 'c3',
      },
      {
        name: 'GET /intelligence/indicators (advisor)',
        who: scaleAdvisor.token,
        paths: kinds.map((k) => `/api/v1/intelligence/indicators${k}`),
        target: 'c5',
      },
      {
        name: 'GET /intelligence/indicators (investigator)',
        who: scaleInvestigator.token,
        paths: kinds.map((k) => `/api/v1/intelligence/indicators${k}`),
        target: 'c5',
      },
      {
        name: 'GET /reports/traces?groupBy=month',
        who: scaleAdvisor.token,
        paths: ['/api/v1/reports/traces?groupBy=month'],
        target: 'report',
      },
      {
        name: `GET /reports/country?country=SV&year=${COUNTRY_YEAR}`,
        who: scaleAdvisor.token,
        paths: [`/api/v1/reports/country?country=SV&year=${COUNTRY_YEAR}`],
        target: 'country',
        amount: COUNTRY_READS,
      },
    ];
    return { reads, sample, benchAgency };
  };
  /** One read, measured warm: a first pass compiles its code paths and fills its caches, like the reference's. */
  const measureRead = async (read: { who: string; paths: string[]; amount?: number }) => {
    const plan: LoadPlan = {
      url: `${base}${read.paths[0]}`,
      method: 'GET',
      headers: { authorization: `Bearer ${read.who}` },
      connections: 1,
      amount: read.amount ?? READS,
      paths: read.paths,
    };
    await load({ ...plan, amount: Math.min(WARM_UP, read.amount ?? READS) });
    return load(plan);
  };
  log(`3. scale: the reads at ${tenth.toLocaleString('en')} traces`);
  const early = new Map<string, LoadResult>();
  for (const read of (await scaleReads()).reads) early.set(read.name, await measureRead(read));
  const resumed = Date.now();
  await seedTraces(db, SIZE, tenth, SIZE.traces, log);
  seedMs += Date.now() - resumed;
  record({
    scenario: '3 scale',
    metric: `seed ${SIZE.traces.toLocaleString('en')} traces (s)`,
    rastreo: round(seedMs / 1000),
    target: 'a few minutes',
  });
  const { reads, sample, benchAgency } = await scaleReads();
  // (c) the read reference, driven exactly like the reads; (d) the SQL floor of the summary and the report
  const readRefPort = await freePort();
  const readRef = start('bench/reference/read-server.ts', {
    PORT: String(readRefPort),
    DATABASE_URL: databaseUrl,
    DB_POOL_MAX: '20',
  });
  await waitUntilUp(`http://127.0.0.1:${readRefPort}/traces/${sample[0]!.id}`);
  const readPlan: LoadPlan = {
    url: `http://127.0.0.1:${readRefPort}/traces/${sample[0]!.id}`,
    method: 'GET',
    headers: {},
    connections: 1,
    amount: READS,
    paths: sample.map((t) => `/traces/${t.id}`),
  };
  await load({ ...readPlan, amount: WARM_UP });
  const readReference = await load(readPlan);
  await stop(readRef);
  record({
    scenario: '3 scale',
    metric: '(c) read reference: PK SELECT through Express p99 (ms)',
    rastreo: readReference.p99Ms,
    target: '',
  });
  const floor = await sqlFloor(db, benchAgency.region);
  record({ scenario: '3 scale', metric: '(d) SQL floor: summary p99 (ms)', rastreo: floor.summary, target: '' });
  record({ scenario: '3 scale', metric: '(d) SQL floor: monthly report p99 (ms)', rastreo: floor.report, target: '' });
  record({
    scenario: '3 scale',
    metric: `(d) SQL floor: country report, ${COUNTRY_READS} runs, p99 (ms)`,
    rastreo: floor.country,
    target: '',
  });
  const c = Math.max(1, readReference.p99Ms);
  for (const read of reads) {
    const result = await measureRead(read);
    const small = early.get(read.name);
    if (small)
      record({
        scenario: '3 scale',
        metric: `${read.name} p99: ${SIZE.traces.toLocaleString('en')} vs ${tenth.toLocaleString('en')} traces`,
        rastreo: result.p99Ms,
        reference: small.p99Ms,
        ratio: round(result.p99Ms / Math.max(1, small.p99Ms), 2),
        target: '≤ 1.3×',
        met: result.p99Ms <= 1.3 * Math.max(1, small.p99Ms),
      });
    if (result.non2xx) log(`  warning: ${read.name}: ${result.non2xx} non-2xx`);
    record({
      scenario: '3 scale',
      metric: `${read.name} p50 (ms), ${read.amount ?? READS} requests, 1 connection`,
      rastreo: result.p50Ms,
      target: '',
    });
    record({ scenario: '3 scale', metric: `${read.name} max (ms)`, rastreo: result.maxMs, target: '' });
    if (read.target === 'c3' || read.target === 'c5') {
      const times = read.target === 'c3' ? 3 : 5;
      record({
        scenario: '3 scale',
        metric: `${read.name} p99 (ms)`,
        rastreo: result.p99Ms,
        reference: readReference.p99Ms,
        ratio: round(result.p99Ms / c, 2),
        target: `≤ ${times}× (c)`,
        met: result.p99Ms <= times * c,
      });
    } else {
      const d = Math.max(
        1,
        read.target === 'summary' ? floor.summary : read.target === 'country' ? floor.country : floor.report,
      );
      record({
        scenario: '3 scale',
        metric: `${read.name} p99 (ms)`,
        rastreo: result.p99Ms,
        reference: d,
        ratio: round(result.p99Ms / d, 2),
        target: '≤ 1.5× (d)',
        met: result.p99Ms <= 1.5 * d,
      });
      if (read.target === 'summary')
        record({
          scenario: '3 scale',
          metric: `${read.name} p99 vs (c)`,
          rastreo: result.p99Ms,
          reference: readReference.p99Ms,
          ratio: round(result.p99Ms / c, 2),
          target: '≤ 5× (c)',
          met: result.p99Ms <= 5 * c,
        });
    }
  }
  await explainReads(
    db,
    reads.map((read) => ({ name: read.name, path: read.paths[0]!, token: read.who })),
  );

  // 4. bulk
  log('4. bulk');
  const [bulkCase] = await db('cases')
    .insert({
      agency_id: agency.id,
      case_number: 'BENCH-3',
      title: 'Bulk',
      offense: 'other',
      created_by: investigator.user.id,
    })
    .returning('id');
  const bulkStarted = Date.now();
  for (let batch = 0; batch < 20; batch++) {
    const body = `[${Array.from({ length: 500 }, (_, i) => traceBody(bulkCase.id).replace('__UNIQUE__', `BULK${batch}X${i}`)).join(',')}]`;
    const res = await fetch(`${base}/api/v1/traces/bulk`, { method: 'POST', headers: auth, body });
    const result = (await res.json()) as { created: number };
    if (result.created !== 500) log(`  warning: bulk batch ${batch} created ${result.created}`);
  }
  const bulkSeconds = (Date.now() - bulkStarted) / 1000;
  const insertFloor = await insertFloorRowsPerSecond(db, agency.id, bulkCase.id, investigator.user.id);
  const bulkRate = round(10_000 / bulkSeconds, 0);
  record({
    scenario: '4 bulk',
    metric: 'rows/s, 10,000 rows in 20 × 500',
    rastreo: bulkRate,
    reference: insertFloor,
    ratio: round(bulkRate / insertFloor, 2),
    target: '≥ 0.3× (e)',
    met: bulkRate >= 0.3 * insertFloor,
  });

  // 5. destruction
  log('5. destruction');
  const manager = await userOf(db, agency.id, 'stockpile_manager');
  const verifier = await userOf(db, agency.id, 'stockpile_manager');
  const itemIds: string[] = (
    await db.raw(
      `
    WITH w AS (INSERT INTO weapons (manufacturer, manufacturer_normalized, model, caliber, type, serial_number, serial_normalized, country_of_manufacture)
               SELECT 'Norinco', 'NORINCO', 'Type 54', '7.62x25', 'pistol', 'DSN' || g, 'DSN' || g, 'CN' FROM generate_series(1, 5000) g RETURNING id)
    INSERT INTO stockpile_items (agency_id, weapon_id, source, intake_date, storage_location, created_by)
    SELECT ?, id, 'surplus', '2026-01-10', 'Arsenal', ? FROM w RETURNING id`,
      [agency.id, manager.user.id],
    )
  ).rows.map((r: { id: string }) => r.id);
  const as = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });
  const destructionStarted = Date.now();
  const planned = (await (
    await fetch(`${base}/api/v1/destructions`, {
      method: 'POST',
      headers: as(manager.token),
      body: JSON.stringify({ plannedFor: '2026-12-10', method: 'smelting', location: 'Acería', itemIds }),
    })
  ).json()) as { id: string };
  await fetch(`${base}/api/v1/destructions/${planned.id}/complete`, {
    method: 'POST',
    headers: as(manager.token),
    body: JSON.stringify({
      performedAt: new Date().toISOString(),
      witnesses: [
        { name: 'A', organization: 'B' },
        { name: 'C', organization: 'D' },
      ],
    }),
  });
  // The photographs a verification needs (DESTRUCTION_PHOTOS_REQUIRED), taken outside the timed steps.
  const untimedStarted = Date.now();
  for (const kind of ['before_destruction', 'after_destruction'])
    await uploadPhoto(base, manager.token, `/destructions/${planned.id}/attachments`, await benchPhoto(800, 600), kind);
  const untimed = Date.now() - untimedStarted;
  const verified = await fetch(`${base}/api/v1/destructions/${planned.id}/verify`, {
    method: 'POST',
    headers: as(verifier.token),
    body: '{}',
  });
  const destructionSeconds = round((Date.now() - destructionStarted - untimed) / 1000, 2);
  if (verified.status !== 200) log(`  warning: verification answered ${verified.status}`);
  const certificateStarted = Date.now();
  const certificate = await fetch(`${base}/api/v1/destructions/${planned.id}/certificate`, {
    headers: as(manager.token),
  });
  const pdfBytes = (await certificate.arrayBuffer()).byteLength;
  const certificateSeconds = round((Date.now() - certificateStarted) / 1000, 2);
  record({
    scenario: '5 destruction',
    metric: 'plan + complete + verify 5,000 items (s)',
    rastreo: destructionSeconds,
    target: '≤ 5 s',
    met: destructionSeconds <= 5,
  });
  record({
    scenario: '5 destruction',
    metric: `certificate PDF, ${Math.round(pdfBytes / 1024)} KiB (s)`,
    rastreo: certificateSeconds,
    target: '≤ 3 s',
    met: certificateSeconds <= 3,
  });

  // 7. upload: 10 MB photographs, 20 at a time, to one trace
  log('7. upload');
  // traceBody is already JSON, with a placeholder serial the load generator fills in: fill it in here.
  const created = await fetch(`${base}/api/v1/traces`, {
    method: 'POST',
    headers: auth,
    body: traceBody(kase.id).replace('__UNIQUE__', `UPL${Date.now()}`),
  });
  if (created.status !== 201) throw new Error(`the upload scenario's trace was refused: ${created.status}`);
  const uploadTrace = (await created.json()) as { id: string };
  const photos = await Promise.all([0, 1, 2].map((n) => benchPhoto(3900 + n, 2900, 95)));
  const peakBeforeUploads = peakRssMb(api.pid!);
  // The peak of this scenario alone: Linux resets a process's VmHWM to its current RSS on "5" to clear_refs.
  let uploadPeakOwn = true;
  try {
    writeFileSync(`/proc/${api.pid}/clear_refs`, '5');
  } catch {
    uploadPeakOwn = false;
  }
  const uploadStarted = Date.now();
  let uploadedBytes = 0;
  const uploadRefusals = new Map<number, number>();
  for (let batch = 0; batch < UPLOADS / 20; batch++) {
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, n) => {
        const bytes = photos[n % photos.length]!;
        uploadedBytes += bytes.length;
        return uploadPhoto(base, investigator.token, `/traces/${uploadTrace.id}/attachments`, bytes, 'overall');
      }),
    );
    for (const status of answers.filter((answer) => answer !== 201))
      uploadRefusals.set(status, (uploadRefusals.get(status) ?? 0) + 1);
  }
  const uploadSeconds = (Date.now() - uploadStarted) / 1000;
  if (uploadRefusals.size)
    log(`  warning: uploads not kept, by status: ${JSON.stringify(Object.fromEntries(uploadRefusals))}`);
  record({
    scenario: '7 upload',
    metric: `${UPLOADS} photos of ${round(photos[0]!.length / 1e6, 1)} MB, 20 at a time: uploads/s`,
    rastreo: round(UPLOADS / uploadSeconds, 1),
    target: '',
  });
  record({
    scenario: '7 upload',
    metric: 'throughput received, stored and thumbnailed (MB/s)',
    rastreo: round(uploadedBytes / 1e6 / uploadSeconds, 1),
    target: '',
  });
  const uploadPeak = peakRssMb(api.pid!);
  record({
    scenario: '7 upload',
    metric: uploadPeakOwn ? 'API peak RSS during 7 (MB)' : 'API peak RSS through 1–7 (MB)',
    rastreo: uploadPeak,
    target: '≤ 200 MB',
    met: uploadPeak <= 200,
  });
  record({
    scenario: '7 upload',
    metric: 'API peak RSS through 1–6, before it (MB)',
    rastreo: peakBeforeUploads,
    target: '',
  });

  // 8. stocktake: a 5,000-item store counted by two devices at once, then closed by a second person
  log('8. stocktake');
  await stocktakeScenario(db, base, agency.id);

  // 6. memory
  record({
    scenario: '6 memory',
    metric: 'API peak RSS during 1–2 (MB)',
    rastreo: memory.api,
    target: '≤ 200 MB',
    met: memory.api <= 200,
  });
  record({
    scenario: '6 memory',
    metric: 'worker peak RSS during 2–2b (MB)',
    rastreo: memory.worker,
    target: '≤ 200 MB',
    met: memory.worker <= 200,
  });

  await stop(api);
  rmSync(attachmentDir, { recursive: true, force: true });
  await redis.flushdb();
  redis.disconnect();
  await db.destroy();
}

/**
 * A store of 5,000 items counted by two clients at once — each scans 2,625 labels, 250 of them the other's too (two
 * people working towards each other along the shelves) — one count at a time per client, as a phone does; then the
 * second person closes it. Every item must be counted once; the close is timed.
 */
async function stocktakeScenario(db: Db, base: string, agencyId: string) {
  const opener = await userOf(db, agencyId, 'stockpile_manager');
  const closer = await userOf(db, agencyId, 'stockpile_manager');
  const store = `Arsenal ${Date.now()}`;
  const references: string[] = (
    await db.raw(
      `
    WITH w AS (INSERT INTO weapons (manufacturer, manufacturer_normalized, model, caliber, type, serial_number, serial_normalized, country_of_manufacture)
               SELECT 'Norinco', 'NORINCO', 'Type 54', '7.62x25', 'pistol', 'STK' || g || ?, 'STK' || g || ?, 'CN' FROM generate_series(1, 5000) g RETURNING id)
    INSERT INTO stockpile_items (agency_id, weapon_id, source, intake_date, storage_location, created_by)
    SELECT ?, id, 'surplus', '2026-01-10', ?, ? FROM w RETURNING reference`,
      [store, store, agencyId, store, opener.user.id],
    )
  ).rows.map((r: { reference: string }) => r.reference);
  const headers = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });
  const openStarted = Date.now();
  const opened = (await (
    await fetch(`${base}/api/v1/stockpile/stocktakes`, {
      method: 'POST',
      headers: headers(opener.token),
      body: JSON.stringify({ storageLocation: store }),
    })
  ).json()) as { id: string; expected: number };
  const openSeconds = round((Date.now() - openStarted) / 1000, 2);
  const half = references.length / 2;
  const devices = [references.slice(0, half + 125), references.slice(half - 125).reverse()];
  const latencies: number[] = [];
  const results: Record<string, number> = {};
  const countStarted = Date.now();
  await Promise.all(
    devices.map(async (list, device) => {
      const token = device === 0 ? opener.token : closer.token;
      for (const itemReference of list) {
        const started = performance.now();
        const answer = await fetch(`${base}/api/v1/stockpile/stocktakes/${opened.id}/counts`, {
          method: 'POST',
          headers: headers(token),
          body: JSON.stringify({ itemReference }),
        });
        const { result } = (await answer.json()) as { result: string };
        latencies.push(performance.now() - started);
        results[result] = (results[result] ?? 0) + 1;
      }
    }),
  );
  const countSeconds = (Date.now() - countStarted) / 1000;
  const closeStarted = Date.now();
  const closed = (await (
    await fetch(`${base}/api/v1/stockpile/stocktakes/${opened.id}/close`, {
      method: 'POST',
      headers: headers(closer.token),
      body: JSON.stringify({ note: 'Bench' }),
    })
  ).json()) as { counted: number; missingCount: number };
  const closeSeconds = round((Date.now() - closeStarted) / 1000, 2);
  const once =
    closed.counted === references.length && closed.missingCount === 0 && results.counted === references.length;
  if (!once)
    log(`  warning: counted ${closed.counted}, missing ${closed.missingCount}, results ${JSON.stringify(results)}`);
  latencies.sort((a, b) => a - b);
  record({
    scenario: '8 stocktake',
    metric: `open a count of ${opened.expected} items (s)`,
    rastreo: openSeconds,
    target: '',
  });
  record({
    scenario: '8 stocktake',
    metric: `two devices: counts/s (${latencies.length} scans, ${results.already_counted ?? 0} repeats)`,
    rastreo: round(latencies.length / countSeconds, 1),
    target: '',
  });
  record({
    scenario: '8 stocktake',
    metric: 'one scan answered, p99 (ms)',
    rastreo: round(latencies[Math.floor(latencies.length * 0.99)]!, 1),
    target: '',
  });
  record({
    scenario: '8 stocktake',
    metric: 'items counted, each once',
    rastreo: closed.counted,
    target: `${references.length}, none twice`,
    met: once,
  });
  record({
    scenario: '8 stocktake',
    metric: 'close, 5,000 lines (s)',
    rastreo: closeSeconds,
    target: '< 2 s',
    met: closeSeconds < 2,
  });
}

/** A photograph that compresses as a real one does (noise): about 0.9 bytes per pixel at quality 95. */
async function benchPhoto(width: number, height: number, quality = 80): Promise<Buffer> {
  const raw = randomBytes(width * height * 3);
  return sharp(raw, { raw: { width, height, channels: 3 } })
    .jpeg({ quality })
    .toBuffer();
}

async function uploadPhoto(base: string, token: string, path: string, bytes: Buffer, kind: string): Promise<number> {
  const form = new FormData();
  form.append('kind', kind);
  form.append('file', new Blob([new Uint8Array(bytes)], { type: 'image/jpeg' }), 'photo.jpg');
  const res = await fetch(`${base}/api/v1${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  await res.arrayBuffer();
  return res.status;
}

const settled = "status IN ('completed', 'not_traceable', 'needs_info', 'failed')";

/** Waits (up to 5 minutes) until a count query answers 0. */
async function settle(db: Db, countSql: string) {
  for (let i = 0; i < 1200; i++) {
    const {
      rows: [row],
    } = await db.raw(countSql);
    if (Number(row?.n) === 0) return;
    await sleep(250);
  }
  log(`  warning: did not settle: ${countSql}`);
}

/** A worker process is up when its relay has taken a trace: wait for its metrics port is not enough, so just give it its start. */
async function waitForWorker(_db: Db) {
  await sleep(2_000);
}

/**
 * (d) The SQL floor: the queue summary and the monthly report of one region, each as one hand-written statement run
 * straight through pg (no HTTP, no Express) on the same data, 200 times; p99 in ms.
 */
async function sqlFloor(db: Db, region: string): Promise<{ summary: number; report: number; country: number }> {
  const client = (await db.client.acquireRawConnection()) as pg.Client;
  const open = "('pending_review', 'queued', 'in_progress', 'needs_info', 'failed')";
  const summary = `
    SELECT
      (SELECT json_agg(x) FROM (SELECT c.agency_id, c.status, sum(c.n) AS n, sum(c.urgent) AS urgent FROM trace_counts c
                                  JOIN agencies a ON a.id = c.agency_id WHERE a.region = $1 GROUP BY 1, 2) x) AS counts,
      (SELECT count(*) FROM traces WHERE region = $1 AND status IN ${open} AND urgent AND status_changed_at < now() - interval '24 hours')
      + (SELECT count(*) FROM traces WHERE region = $1 AND status IN ${open} AND NOT urgent AND status_changed_at < now() - interval '5 days') AS overdue,
      least((SELECT min(status_changed_at) FROM traces WHERE region = $1 AND status IN ${open} AND urgent),
            (SELECT min(status_changed_at) FROM traces WHERE region = $1 AND status IN ${open} AND NOT urgent)) AS oldest,
      (SELECT count(*) FROM traces WHERE region = $1 AND status IN ('completed', 'not_traceable') AND completed_at > now() - interval '24 hours') AS day,
      (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY date_part('epoch', completed_at - submitted_at)) FROM traces
        WHERE region = $1 AND status IN ('completed', 'not_traceable') AND completed_at > now() - interval '30 days') AS median`;
  const report = `
    SELECT to_char(recovery_date, 'YYYY-MM') AS key, coalesce(outcome, 'pending') AS outcome, count(*),
           count(*) FILTER (WHERE status = 'completed'), percentile_cont(0.5) WITHIN GROUP (ORDER BY time_to_crime_days),
           percentile_cont(0.25) WITHIN GROUP (ORDER BY time_to_crime_days), percentile_cont(0.75) WITHIN GROUP (ORDER BY time_to_crime_days),
           avg((time_to_crime_days < 1095)::int), count(time_to_crime_days)
      FROM traces WHERE region = $1 AND recovery_date BETWEEN current_date - 365 AND current_date AND status NOT IN ('draft', 'cancelled')
     GROUP BY GROUPING SETS ((1), (2), ())`;
  // The country report's tables written by hand as one statement: each gun once, grouped every way the report groups.
  const country = `
    WITH g AS (SELECT DISTINCT ON (t.weapon_id) t.status, t.outcome, t.time_to_crime_days AS ttc, t.weapon->>'type' AS type,
                      w.manufacturer_normalized AS m, upper(t.weapon->>'caliber') AS c, t.result->>'sourceCountry' AS sc,
                      coalesce(t.result->'dealer'->>'state', t.result->>'sourceState') AS st
                 FROM traces t JOIN weapons w ON w.id = t.weapon_id
                WHERE t.recovery_country = 'SV' AND t.recovery_date >= '${COUNTRY_YEAR}-01-01'
                  AND t.recovery_date < '${COUNTRY_YEAR + 1}-01-01' AND t.status NOT IN ('draft', 'cancelled') AND $1::text IS NOT NULL
                ORDER BY t.weapon_id, (t.status = 'completed') DESC, t.recovery_date, t.id)
    SELECT type, m, c, st, coalesce(outcome, 'pending'), count(*), count(*) FILTER (WHERE status = 'completed'),
           count(*) FILTER (WHERE status = 'completed' AND sc = 'US'), percentile_cont(0.5) WITHIN GROUP (ORDER BY ttc)
      FROM g GROUP BY GROUPING SETS ((type), (m), (c), (st), (5), ())`;
  const p99 = async (sql: string, amount = READS) => {
    for (let i = 0; i < Math.min(WARM_UP, amount); i++) await client.query(sql, [region]);
    const times: number[] = [];
    for (let i = 0; i < amount; i++) {
      const started = process.hrtime.bigint();
      await client.query(sql, [region]);
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    times.sort((a, b) => a - b);
    return round(times[Math.ceil(times.length * 0.99) - 1]!, 1);
  };
  try {
    return { summary: await p99(summary), report: await p99(report), country: await p99(country, COUNTRY_READS) };
  } finally {
    await db.client.destroyRawConnection(client);
  }
}

/** (e) The insert floor: the bulk scenario's 10,000 rows as one multi-row INSERT per table, straight through pg; rows/s. */
async function insertFloorRowsPerSecond(db: Db, agencyId: string, caseId: string, userId: string): Promise<number> {
  const client = (await db.client.acquireRawConnection()) as pg.Client;
  const n = 10_000;
  const tag = randomBytes(3).toString('hex').toUpperCase();
  try {
    const started = process.hrtime.bigint();
    await client.query(
      `CREATE TEMP TABLE floor_rows AS SELECT g, gen_random_uuid() AS weapon_id, gen_random_uuid() AS trace_id FROM generate_series(1, ${n}) g`,
    );
    await client.query(`INSERT INTO weapons (id, manufacturer, manufacturer_normalized, model, caliber, type, serial_number, serial_normalized, importer, country_of_manufacture)
      SELECT weapon_id, 'Glock', 'GLOCK', '19', '9mm', 'pistol', 'FLOOR${tag}' || g, 'FLOOR${tag}' || g, 'Glock Inc.', 'AT' FROM floor_rows`);
    await client.query(`INSERT INTO case_weapons (case_id, weapon_id) SELECT $1, weapon_id FROM floor_rows`, [caseId]);
    await client.query(
      `INSERT INTO traces (id, agency_id, region, case_id, weapon_id, weapon, status, quality_flags, recovery_date, recovery_country,
        recovery_department, recovery_circumstance, possessor, notes, created_by, submitted_at, submitted_by, queue_run)
      SELECT trace_id, $1, 'bench', $2, weapon_id, '{"manufacturer":"Glock","model":"19"}', 'queued', '{}', '2026-10-01', 'SV', 'San Salvador',
             'seizure', '{"firstName":"Juan","lastName":"Pérez"}', 'Benchmark trace', $3, now(), $3, 1 FROM floor_rows`,
      [agencyId, caseId, userId],
    );
    await client.query(
      `INSERT INTO trace_events (trace_id, type, to_status, actor_id, run) SELECT trace_id, 'submitted', 'queued', $1, 1 FROM floor_rows`,
      [userId],
    );
    await client.query(
      `INSERT INTO audit_log (component, actor_id, action, entity, entity_id) SELECT 'api', $1, 'trace.submit', 'trace', trace_id::text FROM floor_rows`,
      [userId],
    );
    await client.query(
      `INSERT INTO trace_outbox (trace_id, kind, run, urgent) SELECT trace_id, 'enqueue', 1, false FROM floor_rows`,
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    await client.query(
      `DELETE FROM trace_outbox WHERE trace_id IN (SELECT trace_id FROM floor_rows); DROP TABLE floor_rows`,
    );
    return round(n / seconds, 0);
  } finally {
    await db.client.destroyRawConnection(client);
  }
}

/** EXPLAIN (ANALYZE, BUFFERS) of every query one request of each read runs, captured from knex. */
async function explainReads(db: Db, reads: { name: string; path: string; token: string }[]) {
  const captured: { sql: string; bindings: unknown[] }[] = [];
  const capture = createDb(databaseUrl, 2);
  capture.on('query', (query: { sql: string; bindings: unknown[] }) => captured.push(query));
  const { app } = createApp({ db: capture, logger: createLogger('silent') });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const port = (server.address() as { port: number }).port;
  const sections: string[] = [`# EXPLAIN (ANALYZE, BUFFERS) of the scale reads — ${new Date().toISOString()}\n`];
  const client = (await db.client.acquireRawConnection()) as pg.Client;
  try {
    for (const read of reads) {
      captured.length = 0;
      await fetch(`http://127.0.0.1:${port}${read.path}`, { headers: { authorization: `Bearer ${read.token}` } });
      sections.push(`## ${read.name}\n\n\`${read.path.slice(0, 160)}\`\n`);
      for (const query of captured.filter((q) => /^\s*(select|with)/i.test(q.sql))) {
        const { rows: plan } = await client.query(`EXPLAIN (ANALYZE, BUFFERS) ${query.sql}`, query.bindings);
        sections.push(
          `\`\`\`sql\n${query.sql}\n\`\`\`\n\`\`\`\n${plan.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n')}\n\`\`\`\n`,
        );
      }
    }
  } finally {
    await db.client.destroyRawConnection(client);
    server.close();
    await capture.destroy();
  }
  writeFileSync(`bench/results/explain${quick ? '-quick' : ''}.md`, sections.join('\n'));
}

function report() {
  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: round(totalmem() / 2 ** 30, 0),
    node: process.version,
  };
  const date = new Date().toISOString();
  const table = [
    `Rastreo benchmark (${quick ? 'quick' : 'full'}) — ${date} — ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}`,
    '',
    '| scenario | metric | Rastreo | reference | ratio | target | met |',
    '|---|---|---:|---:|---:|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.scenario} | ${r.metric} | ${r.rastreo} | ${r.reference ?? ''} | ${r.ratio ?? ''} | ${r.target} | ${r.met === undefined ? '' : r.met ? 'yes' : '**no**'} |`,
    ),
  ].join('\n');
  process.stdout.write(`${table}\n`);
  mkdirSync('bench/results', { recursive: true });
  writeFileSync(
    `bench/results/${quick ? 'latest-quick' : 'latest'}.json`,
    `${JSON.stringify({ date, quick, machine, size: SIZE, rows }, null, 2)}\n`,
  );
  writeFileSync(`bench/results/${quick ? 'latest-quick' : 'latest'}.md`, `${table}\n`);
}

try {
  await main();
  report();
} catch (error) {
  log(`benchmark failed: ${(error as Error).stack ?? String(error)}`);
  process.exitCode = 1;
} finally {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await dropDatabase(databaseUrl).catch(() => undefined);
  process.exit();
}
