import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chown, cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { createDb, dropDatabase, ensureDatabase, type Db } from '../../src/db/knex.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';

const SERVER = process.env.TEST_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432';

export async function waitFor<T>(
  check: () => Promise<T | undefined | false>,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** Until the worker has recorded the indicators of every completed trace (its outbox is empty). */
export const indicatorsRecorded = (db: Db) =>
  waitFor(
    async () => Number((await db('indicator_outbox').count({ n: '*' }))[0]!.n) === 0,
    'the indicators to be recorded',
  );

/** A database of its own, for tests whose worker must not see other tests' traces. */
export async function privateDatabase(server = SERVER): Promise<{ url: string; drop(): Promise<void> }> {
  const url = `${server}/rastreo_test_pipeline_${randomBytes(4).toString('hex')}`;
  await ensureDatabase(url);
  const db = createDb(url, 1);
  await migrateToLatest(db);
  await db.destroy();
  return { url, drop: () => dropDatabase(url) };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A redis-server of the test's own on a spare port, so fault tests never stop the shared one. */
export class PrivateRedis {
  private process?: ChildProcess;
  constructor(readonly port: number) {}

  static async start(): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort());
    await redis.start();
    return redis;
  }

  get url() {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts the server, unless it is running already. */
  async start(): Promise<void> {
    if (this.process && this.process.exitCode === null && this.process.signalCode === null) return;
    this.process = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    await waitFor(async () => {
      const client = new Redis(this.port, '127.0.0.1', {
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      client.on('error', () => undefined);
      try {
        await client.connect();
        return (await client.ping()) === 'PONG';
      } catch {
        return false;
      } finally {
        client.disconnect();
      }
    }, `redis on ${this.port}`);
  }

  async stop(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
}

/**
 * A Redis Cluster of the test's own: three masters on spare ports (`redis-server --cluster-enabled yes`), joined with
 * `redis-cli --cluster create`, ready once every node reports `cluster_state:ok`.
 */
export class PrivateRedisCluster {
  private constructor(
    readonly ports: number[],
    private readonly children: ChildProcess[],
    private readonly dir: string,
  ) {}

  static async start(masters = 3): Promise<PrivateRedisCluster> {
    const dir = await mkdtemp(join(tmpdir(), 'rastreo-cluster-'));
    const ports: number[] = [];
    for (let i = 0; i < masters; i++) ports.push(await freePort());
    const children = ports.map((port) =>
      spawn(
        'redis-server',
        [
          '--port',
          String(port),
          '--bind',
          '127.0.0.1',
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          `nodes-${port}.conf`,
          '--dir',
          dir,
          '--save',
          '',
          '--appendonly',
          'no',
        ],
        { stdio: 'ignore' },
      ),
    );
    const cluster = new PrivateRedisCluster(ports, children, dir);
    const info = async (port: number, ...command: string[]) => {
      const client = new Redis(port, '127.0.0.1', {
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      client.on('error', () => undefined);
      try {
        await client.connect();
        return String(await client.call(command[0]!, ...command.slice(1)));
      } catch {
        return '';
      } finally {
        client.disconnect();
      }
    };
    for (const port of ports)
      await waitFor(async () => (await info(port, 'PING')) === 'PONG', `cluster node on ${port}`);
    execFileSync('redis-cli', ['--cluster', 'create', ...ports.map((port) => `127.0.0.1:${port}`), '--cluster-yes'], {
      stdio: 'ignore',
    });
    for (const port of ports)
      await waitFor(
        async () => (await info(port, 'CLUSTER', 'INFO')).includes('cluster_state:ok'),
        `cluster state ok on ${port}`,
      );
    return cluster;
  }

  /** For REDIS_CLUSTER_NODES. */
  get nodes() {
    return this.ports.map((port) => `127.0.0.1:${port}`).join(',');
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.children.map((child) => {
        if (child.exitCode !== null || child.signalCode !== null) return undefined;
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        return exited;
      }),
    );
    await rm(this.dir, { recursive: true, force: true });
  }
}

export interface WorkerProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  kill(signal: NodeJS.Signals): Promise<number | null>;
}

/** One of the service's own processes, from its TypeScript sources (or, given `node` flags, compiled), output kept. */
export function spawnService(
  script: string,
  env: Record<string, string>,
  nodeArgs: string[] = ['--import', 'tsx'],
): WorkerProcess {
  const child = spawn(process.execPath, [...nodeArgs, script], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => output,
    exited,
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

export function spawnWorker(env: Record<string, string>): WorkerProcess {
  return spawnService('workers/trace-worker.ts', {
    ADAPTER_LATENCY_MS: '0',
    TRACE_BACKOFF_MS: '20',
    OUTBOX_POLL_MS: '100',
    WORKER_LOCK_MS: '1000',
    WORKER_STALLED_INTERVAL_MS: '1000',
    RECONCILE_INTERVAL_MS: '500',
    RECONCILE_AFTER_MS: '3000',
    WORKER_SHUTDOWN_MS: '5000',
    WORKER_METRICS_PORT: '0',
    ...env,
  });
}

/**
 * The API alone (`PROCESS_ROLES=api`) on a spare port, once it answers /healthz. `compiled`: as `npm start` runs it —
 * the build's JavaScript (see `buildServer`) with the start script's memory flags.
 */
export async function spawnApi(
  env: Record<string, string>,
  compiled?: { root: string },
): Promise<WorkerProcess & { url: string }> {
  const port = await freePort();
  const api = spawnService(
    compiled ? join(compiled.root, 'src/main.js') : 'src/main.ts',
    { ...(compiled ? START_ENV : {}), PROCESS_ROLES: 'api', PORT: String(port), QUEUE_PREFIX: uniquePrefix(), ...env },
    compiled ? START_FLAGS : undefined,
  );
  const url = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await fetch(`${url}/healthz`).catch(() => undefined))?.ok, 'api up', 30_000);
  return { ...api, url };
}

/** How `npm start` (package.json) runs the server — its environment and node flags — so a compiled process matches. */
const START_WORDS = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { start: string } }).scripts.start
  .split('&&')
  .pop()!
  .trim()
  .split(/\s+/);
const START_FLAGS = START_WORDS.filter((word) => word.startsWith('--'));
const START_ENV = Object.fromEntries(
  START_WORDS.filter((word) => /^[A-Z_]+=/.test(word)).map((word) => word.split('=') as [string, string]),
);

/**
 * The server compiled as `npm run build` compiles it (TypeScript → JavaScript, the database code beside it), into a
 * directory of its own under node_modules/.cache (so its imports resolve); `remove` deletes it.
 */
export async function buildServer(): Promise<{ root: string; remove(): Promise<void> }> {
  const root = join('node_modules/.cache', `rastreo-server-${randomBytes(4).toString('hex')}`);
  await new Promise<void>((resolve, reject) => {
    const tsc = spawn(
      process.execPath,
      ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json', '--outDir', root],
      {
        stdio: 'inherit',
      },
    );
    tsc.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`tsc exited with ${code}`))));
  });
  for (const folder of await readdir('src')) {
    const sql = join('src', folder, 'sql');
    if (!existsSync(sql)) continue;
    await cp(sql, join(root, 'src', folder, 'sql'), { recursive: true });
  }
  return { root: resolve(root), remove: () => rm(root, { recursive: true, force: true }) };
}

export const uniquePrefix = () => `{rastreo-test-${randomBytes(4).toString('hex')}}`;

/** Removes every Redis key under a test's prefix (queue, rate limits). */
export async function dropRedisPrefix(redisUrl: string, prefix: string) {
  const redis = new Redis(redisUrl);
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
}

const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

/**
 * A PostgreSQL server of the test's own (initdb into a temporary folder, on a spare port), so fault tests can stop and
 * restart it. PostgreSQL refuses to run as root: it runs as the `postgres` system user when the tests run as root.
 */
export class PrivatePostgres {
  private process?: ChildProcess;
  private constructor(
    readonly port: number,
    readonly dataDir: string,
    /** A primary that replicas copy needs full-page writes (pg_basebackup refuses a server without them). */
    private readonly replicable = false,
  ) {}

  static async start(options: { replicable?: boolean } = {}): Promise<PrivatePostgres> {
    const dataDir = await mkdtemp(join(tmpdir(), 'rastreo-pg-'));
    const server = new PrivatePostgres(await freePort(), dataDir, options.replicable);
    const { uid, gid } = server.owner;
    if (uid !== undefined) await chown(dataDir, uid, gid!);
    await run(
      `${PG_BIN}/initdb`,
      ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'],
      server.owner,
    );
    await server.start();
    return server;
  }

  /**
   * A streaming replica of `primary` (which must be `replicable`): `pg_basebackup -R` into a temporary folder, started
   * on a port of its own as a hot standby.
   */
  static async replicaOf(primary: PrivatePostgres): Promise<PrivatePostgres> {
    const dataDir = await mkdtemp(join(tmpdir(), 'rastreo-pg-replica-'));
    const server = new PrivatePostgres(await freePort(), dataDir, true);
    const { uid, gid } = server.owner;
    if (uid !== undefined) await chown(dataDir, uid, gid!);
    await run(
      `${PG_BIN}/pg_basebackup`,
      [
        '-h',
        '127.0.0.1',
        '-p',
        String(primary.port),
        '-U',
        'postgres',
        '-D',
        dataDir,
        '-R',
        '-X',
        'stream',
        '--no-sync',
      ],
      server.owner,
    );
    await server.start();
    return server;
  }

  get url() {
    return `postgres://postgres@127.0.0.1:${this.port}`;
  }

  /** Runs as the `postgres` system user when the tests run as root (spawn's uid/gid, so signals reach postgres itself). */
  private get owner(): { uid?: number; gid?: number } {
    if (process.getuid?.() !== 0) return {};
    return {
      uid: Number(execFileSync('id', ['-u', 'postgres']).toString()),
      gid: Number(execFileSync('id', ['-g', 'postgres']).toString()),
    };
  }

  /** Starts the server, unless it is running already. */
  async start(): Promise<void> {
    if (this.process && this.process.exitCode === null && this.process.signalCode === null) return;
    this.process = spawn(
      `${PG_BIN}/postgres`,
      [
        '-D',
        this.dataDir,
        '-p',
        String(this.port),
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        `unix_socket_directories=${this.dataDir}`,
        '-c',
        'fsync=off',
        '-c',
        'synchronous_commit=off',
        '-c',
        `full_page_writes=${this.replicable ? 'on' : 'off'}`,
        '-c',
        'max_connections=100',
      ],
      { stdio: 'ignore', ...this.owner },
    );
    await waitFor(async () => {
      const client = new pg.Client({ connectionString: `${this.url}/postgres`, connectionTimeoutMillis: 1000 });
      client.on('error', () => undefined);
      try {
        await client.connect();
        await client.query('SELECT 1');
        return true;
      } catch {
        return false;
      } finally {
        await client.end().catch(() => undefined);
      }
    }, `postgres on ${this.port}`);
  }

  /** Fast shutdown (SIGINT): sessions are ended, as in a restart or failover. */
  async stop(signal: NodeJS.Signals = 'SIGINT'): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  }

  async destroy(): Promise<void> {
    await this.stop('SIGQUIT');
    await rm(this.dataDir, { recursive: true, force: true });
  }
}

function run(command: string, args: string[], options: { uid?: number; gid?: number }): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'], ...options });
    let errors = '';
    child.stderr!.on('data', (chunk) => (errors += chunk));
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} exited ${code}: ${errors}`))));
  });
}
