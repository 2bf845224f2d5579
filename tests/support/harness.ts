import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalStore } from '../../src/platform/local-store.ts';
import type { ObjectStore } from '../../src/platform/object-store.ts';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, inject } from 'vitest';
import { createApp } from '../../src/app.ts';
import type { Clock } from '../../src/shared/clock.ts';
import { createDb, type Db } from '../../src/db/knex.ts';
import type { Role } from '../../src/shared/actor.ts';
import { createUserWithToken } from '../../src/identity/service.ts';
import { createLogger } from '../../src/logger.ts';
import { replicaRouting, type ReadTarget } from '../../src/db/read-routing.ts';
import { createRedis } from '../../src/platform/redis.ts';
import { createTraceQueue } from '../../src/traces/pipeline/queue.ts';
import type { Redis } from 'ioredis';
import { privateDatabase, spawnWorker, type WorkerProcess } from './processes.ts';
import { Contract } from './contract.ts';

/** Every answer a test receives is checked against the document; useWorld() fails the file when one disagreed. */
export const contractMismatches: string[] = [];
let contract: Promise<Contract> | undefined;

export async function checkContract(baseUrl: string, method: string, url: string, reply: Reply) {
  if (method === 'HEAD' || method === 'OPTIONS') return;
  contract ??= fetch(`${baseUrl}/openapi.json`).then(async (res) => new Contract(await res.json()));
  const mismatch = (await contract).check(
    method,
    url,
    reply.status,
    reply.headers.get('content-type'),
    reply.body,
    reply.headers,
  );
  if (mismatch) contractMismatches.push(mismatch);
}

export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export class Client {
  constructor(
    readonly baseUrl: string,
    readonly token?: string,
  ) {}

  as(token: string | undefined) {
    return new Client(this.baseUrl, token);
  }

  async request<T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Reply<T>> {
    const init: RequestInit = { method, headers: { ...headers } };
    const h = init.headers as Record<string, string>;
    if (this.token) h.authorization = `Bearer ${this.token}`;
    if (body !== undefined) {
      if (typeof body === 'string') {
        init.body = body;
        h['content-type'] ??= 'application/json';
      } else {
        init.body = JSON.stringify(body);
        h['content-type'] = 'application/json';
      }
    }
    const root = ['/api/', '/openapi.json', '/healthz', '/readyz', '/metrics', '/docs', '/admin/', '/problems/'].some(
      (p) => path.startsWith(p),
    );
    const res = await fetch(this.baseUrl + (root ? path : `/api/v1${path}`), init);
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // keep the raw text (PDF, CSV, HTML)
    }
    const reply = { status: res.status, body: parsed as T, headers: res.headers };
    await checkContract(this.baseUrl, method, res.url, reply);
    return reply;
  }

  get = <T = any>(path: string, headers?: Record<string, string>) => this.request<T>('GET', path, undefined, headers);
  post = <T = any>(path: string, body?: unknown, headers?: Record<string, string>) =>
    this.request<T>('POST', path, body, headers);
  patch = <T = any>(path: string, body?: unknown, headers?: Record<string, string>) =>
    this.request<T>('PATCH', path, body, headers);
  delete = <T = any>(path: string, headers?: Record<string, string>) =>
    this.request<T>('DELETE', path, undefined, headers);
}

export interface TestApp {
  db: Db;
  client: Client;
  redis: Redis;
  prefix: string;
  /** Ends the live streams and refuses new ones, as a shutdown does. */
  closeStreams(): void;
  /** Where each replica-eligible read went, in order (with `replica` set). */
  readLog: ReadTarget['from'][];
  close(): Promise<void>;
}

export interface TestAppOptions {
  clock?: Clock;
  databaseUrl?: string;
  redisUrl?: string;
  rateLimit?: { windowMs: number; max: number; anonymousMax: number };
  logStream?: NodeJS.WritableStream;
  requestTimeoutMs?: number;
  /** Serve the built web UI at `/`. */
  webUi?: boolean;
  /** Webhook URLs may be loopback/private (the tests' receivers are local); false to test the refusal. */
  webhookAllowPrivateNetworks?: boolean;
  /** How long a query waits for a connection before the request gets 503 (default 10 s). */
  dbAcquireTimeoutMs?: number;
  /** A streaming replica (server URL without a database) that replica-eligible reads may use, and its lag bound. */
  replica?: { server: () => string; maxLagMs: number };
  /** Where attachments go (default: a local directory of this app's own, removed at close) and the largest taken. */
  attachments?: { store?: ObjectStore; maxBytes?: number; tempDir?: string };
  /** Verification needs before/after photographs (default false here: most tests are not about photographs). */
  destructionPhotosRequired?: boolean;
}

const databaseName = (url: string) => new URL(url).pathname.slice(1);

export async function startApp(options: TestAppOptions = {}): Promise<TestApp> {
  const logger = options.logStream
    ? createLogger('info', options.logStream)
    : createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
  const db = createDb(options.databaseUrl ?? inject('databaseUrl'), {
    poolMax: 5,
    acquireTimeoutMs: options.dbAcquireTimeoutMs,
    logger,
  });
  const prefix = `{rastreo-test-${randomBytes(4).toString('hex')}}`;
  const redis = createRedis(
    { REDIS_URL: options.redisUrl ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', REDIS_CLUSTER_NODES: '' },
    'producer',
  ) as Redis;
  redis.on('error', () => undefined);
  await new Promise<void>((resolve) => (redis.status === 'ready' ? resolve() : redis.once('ready', () => resolve())));
  const queue = createTraceQueue(redis, prefix);
  queue.on('error', () => undefined);
  const readLog: ReadTarget['from'][] = [];
  const readDb =
    options.replica &&
    createDb(`${options.replica.server()}/${databaseName(options.databaseUrl ?? inject('databaseUrl'))}`, {
      poolMax: 3,
      acquireTimeoutMs: 1_000,
      logger,
    });
  const reads =
    readDb &&
    replicaRouting(db, readDb, redis, logger, {
      maxLagMs: options.replica!.maxLagMs,
      probeMs: 200,
      prefix: `{rastreo-test-reads-${randomBytes(4).toString('hex')}}:`,
      onRead: (from) => readLog.push(from),
    });
  const attachmentDir = await mkdtemp(join(tmpdir(), 'rastreo-test-attachments-'));
  const { app, stop, closeStreams } = createApp({
    db,
    reads,
    logger,
    clock: options.clock,
    redis,
    queue,
    requestTimeoutMs: options.requestTimeoutMs,
    tokenCacheMs: 5_000,
    liveEvents: true,
    webhookAllowPrivateNetworks: options.webhookAllowPrivateNetworks ?? true,
    webRoot: options.webUi ? inject('webRoot') : undefined,
    rateLimit: options.rateLimit && { ...options.rateLimit, prefix: `${prefix}:rate-limit:` },
    attachments: {
      store: options.attachments?.store ?? new LocalStore(attachmentDir),
      maxBytes: options.attachments?.maxBytes ?? 20 * 1024 * 1024,
      tempDir: options.attachments?.tempDir,
    },
    destructionPhotosRequired: options.destructionPhotosRequired ?? false,
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    db,
    redis,
    prefix,
    client: new Client(`http://127.0.0.1:${port}`),
    closeStreams,
    readLog,
    async close() {
      reads?.close();
      await readDb?.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await stop();
      await queue.close().catch(() => undefined);
      const keys = await redis.keys(`${prefix}*`).catch(() => [] as string[]);
      if (keys.length) await redis.del(...keys).catch(() => undefined);
      redis.disconnect();
      await db.destroy();
      await rm(attachmentDir, { recursive: true, force: true });
    },
  };
}

export const unique = (prefix = '') => `${prefix}${randomBytes(4).toString('hex').toUpperCase()}`;

export async function createAgency(
  db: Db,
  options: { region?: string; reviewRequired?: boolean; country?: string } = {},
) {
  const code = unique('AG-');
  const [row] = await db('agencies')
    .insert({
      code,
      name: `Agency ${code}`,
      country: options.country ?? 'SV',
      region: options.region ?? unique('r-').toLowerCase(),
      review_required: options.reviewRequired ?? false,
    })
    .returning('*');
  return row as { id: string; code: string; region: string };
}

export async function createUser(db: Db, agencyId: string, role: Role, password?: string) {
  const email = `${unique('u').toLowerCase()}@example.org`;
  const { user, token } = await createUserWithToken(
    db,
    { name: `${role} ${email}`, email, role, agencyId, password },
    async () => {},
  );
  return { ...user, token };
}

/** An agency with one user of each role, and a second agency in the same region and one in another region. */
export async function createWorld(db: Db, options: { reviewRequired?: boolean } = {}) {
  const region = unique('r-').toLowerCase();
  const home = await createAgency(db, { region, reviewRequired: options.reviewRequired });
  const neighbour = await createAgency(db, { region });
  const faraway = await createAgency(db, { region: unique('r-').toLowerCase() });
  const users = {
    investigator: await createUser(db, home.id, 'investigator'),
    advisor: await createUser(db, home.id, 'advisor'),
    stockpile: await createUser(db, home.id, 'stockpile_manager'),
    admin: await createUser(db, home.id, 'admin'),
    neighbourInvestigator: await createUser(db, neighbour.id, 'investigator'),
    farInvestigator: await createUser(db, faraway.id, 'investigator'),
    farAdvisor: await createUser(db, faraway.id, 'advisor'),
  };
  return { region, home, neighbour, faraway, users };
}

export const today = () => new Date().toISOString().slice(0, 10);

export function traceBody(caseId: string, overrides: Record<string, unknown> = {}) {
  return {
    caseId,
    weapon: {
      manufacturer: 'Glock',
      model: '17',
      caliber: '9mm',
      type: 'pistol',
      serialNumber: unique('SN'),
      serialObliterated: false,
      importer: 'Glock Inc.',
      countryOfManufacture: 'AT',
    },
    recovery: { date: '2026-10-01', country: 'SV', department: 'San Salvador', circumstance: 'seizure' },
    possessor: { firstName: 'Juan', lastName: 'Pérez', dateOfBirth: '1990-05-04', nationality: 'SV' },
    ...overrides,
  };
}

/** A foreign pistol as a stockpile intake describes it (a new serial each time). */
/** Two witnesses of a destruction, as the contract asks (≥ 2). */
export const WITNESSES = [
  { name: 'Lic. Ana Rivas', organization: 'Fiscalía General' },
  { name: 'John Miller', organization: 'US Embassy (INL)' },
];

export const stockWeapon = (serialNumber = unique('SP')) => ({
  manufacturer: 'Taurus',
  model: 'PT92',
  caliber: '9mm',
  type: 'pistol',
  serialNumber,
  countryOfManufacture: 'BR',
  importer: 'Taurus Intl',
});

/** Takes a weapon into custody as the stockpile manager whose token is given; throws unless 201. */
export async function intakeItem(client: Client, token: string, extra: Record<string, unknown> = {}) {
  const res = await client.as(token).post('/stockpile/items', {
    weapon: stockWeapon(),
    source: 'seized',
    intakeDate: '2026-10-15',
    storageLocation: 'Bodega central, estante 4',
    ...extra,
  });
  if (res.status !== 201) throw new Error(`item not taken in: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; weaponId: string; reference: string; weapon: { serialNumber: string } };
}

export async function createCase(client: Client, token: string) {
  const res = await client
    .as(token)
    .post('/cases', { caseNumber: unique('C-'), title: 'Homicidio en Soyapango', offense: 'homicide' });
  if (res.status !== 201) throw new Error(`case not created: ${JSON.stringify(res.body)}`);
  return res.body as { id: string; agencyId: string };
}

export type World = Awaited<ReturnType<typeof createWorld>>;
export type WorldUser = keyof World['users'];

export interface UseWorldOptions extends TestAppOptions {
  reviewRequired?: boolean;
  /** A database of the file's own, for tests whose worker must not see other files' traces; on another server if given. */
  privateDatabase?: boolean | { server: () => string };
  /** Starts a trace worker process on the file's database and queue prefix; the values override its environment. */
  worker?: Record<string, string>;
}

/** The running app, its database and a world of agencies and users, filled in before the file's first test. */
export interface WorldApp extends TestApp, World {
  databaseUrl: string;
  /** The worker started by `worker` or `startWorker`, if any. */
  worker?: WorkerProcess;
  /** Stops the current worker (SIGTERM) and starts another with these environment overrides. */
  restartWorker(env?: Record<string, string>): Promise<WorkerProcess>;
  /** Stops the current worker (SIGTERM); its exit code. */
  stopWorker(): Promise<number | null | undefined>;
  as(who: WorldUser): Client;
}

/**
 * The set-up every test file shares: the real app over HTTP on a real database (the run's, or one of the file's own),
 * a world of agencies and users, optionally a real worker process; all of it closed and dropped after the file.
 */
export function useWorld(options: UseWorldOptions = {}): WorldApp {
  const env = {} as WorldApp;
  let drop: (() => Promise<void>) | undefined;
  const workerEnv = (overrides: Record<string, string> = {}) => ({
    DATABASE_URL: env.databaseUrl,
    REDIS_URL: options.redisUrl ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: env.prefix,
    ...options.worker,
    ...overrides,
  });
  beforeAll(async () => {
    let databaseUrl = options.databaseUrl ?? inject('databaseUrl');
    if (options.privateDatabase) {
      const database = await privateDatabase(
        typeof options.privateDatabase === 'object' ? options.privateDatabase.server() : undefined,
      );
      databaseUrl = database.url;
      drop = database.drop;
    }
    const app = await startApp({ ...options, databaseUrl });
    Object.assign(env, app, await createWorld(app.db, { reviewRequired: options.reviewRequired }), {
      databaseUrl,
      as: (who: WorldUser) => app.client.as(env.users[who].token),
      stopWorker: async () => env.worker?.kill('SIGTERM'),
      async restartWorker(overrides?: Record<string, string>) {
        await env.worker?.kill('SIGTERM');
        env.worker = spawnWorker(workerEnv(overrides));
        return env.worker;
      },
    });
    if (options.worker) env.worker = spawnWorker(workerEnv());
  }, 120_000);
  afterAll(async () => {
    await env.worker?.kill('SIGTERM');
    await env.close?.();
    await drop?.();
    expect([...new Set(contractMismatches)], 'answers that disagree with /openapi.json').toEqual([]);
  });
  return env;
}
