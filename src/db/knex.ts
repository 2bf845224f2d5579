import { createHash } from 'node:crypto';
import knex, { type Knex } from 'knex';
import type { Logger } from 'pino';
import pg from 'pg';
import { throttledWarn } from '../logger.ts';

// DATE columns stay 'YYYY-MM-DD' strings; bigint counts come back as numbers.
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value) => Number(value));

export type Db = Knex;
export type Tx = Knex.Transaction;
export type Queryable = Knex | Knex.Transaction;

export interface DbOptions {
  poolMax?: number;
  /** Where knex's own warnings go (as JSON lines, throttled): without it they are printed to the console. */
  logger?: Logger;
  /** How long a query waits for a connection: when PostgreSQL is down, requests fail after this instead of hanging. */
  acquireTimeoutMs?: number;
  statementTimeoutMs?: number;
}

export function createDb(databaseUrl: string, poolMaxOrOptions: number | DbOptions = {}): Db {
  const options = typeof poolMaxOrOptions === 'number' ? { poolMax: poolMaxOrOptions } : poolMaxOrOptions;
  return knex({
    client: 'pg',
    connection: {
      connectionString: databaseUrl,
      application_name: 'rastreo',
      connectionTimeoutMillis: options.acquireTimeoutMs ?? 5_000,
      ...(options.statementTimeoutMs ? { statement_timeout: options.statementTimeoutMs } : {}),
    },
    pool: { min: 0, max: options.poolMax ?? 10 },
    acquireConnectionTimeout: options.acquireTimeoutMs ?? 10_000,
    ...(options.logger ? { log: knexLog(options.logger) } : {}),
  });
}

function knexLog(logger: Logger): Knex.Logger {
  const warn = throttledWarn(logger);
  // knex puts the failed statement's SQL in front of the error ("Connection Error: Error: select … - read ECONNRESET"): keep the error.
  const line = (message: unknown) =>
    String(message instanceof Error ? message.message : message)
      .split('\n')[0]!
      .replace(/^(.*?Error: ).* - /, '$1');
  return {
    warn: (message) => warn({ component: 'knex' }, line(message)),
    error: (message) => warn({ component: 'knex' }, line(message)),
    deprecate: (method, alternative) =>
      logger.warn({ component: 'knex' }, `${method} is deprecated; use ${alternative}`),
    debug: (message) => logger.debug({ component: 'knex', message }, 'knex debug'),
  };
}

/** SQLSTATE classes and codes that mean the server, not the statement: 08 connection exception, 57P operator intervention, 53300 too many connections. */
const UNAVAILABLE_CODE =
  /^(08\w{3}|57P0[1-3]|53300|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EPIPE|EHOSTUNREACH|ECONNABORTED|EAI_AGAIN)$/;
const UNAVAILABLE_MESSAGE = new RegExp(
  [
    'Connection terminated',
    'timeout exceeded when trying to connect',
    'not queryable',
    'Client was closed',
    'Connection ended unexpectedly',
    'terminating connection',
    'the database system is (starting up|shutting down|in recovery mode)',
    'connect ECONNREFUSED',
    'read ECONNRESET',
  ].join('|'),
  'i',
);

/** Errors that mean "the database is not reachable now" rather than "this query is wrong". */
export function isDatabaseUnavailable(error: unknown): boolean {
  const e = error as { code?: string; name?: string; message?: string } | undefined;
  if (!e) return false;
  return (
    UNAVAILABLE_CODE.test(e.code ?? '') || e.name === 'KnexTimeoutError' || UNAVAILABLE_MESSAGE.test(e.message ?? '')
  );
}

interface Compiled {
  name: string;
  text: string;
  names: string[];
}
const compiled = new Map<string, Compiled>();

/** `:name` bindings → `$n` (a `::type` cast is left alone), once per statement text. */
function compile(sql: string): Compiled {
  let found = compiled.get(sql);
  if (found) return found;
  const names: string[] = [];
  const text = sql.replace(/::\w+|:(\w+)/g, (match, name: string | undefined) => {
    if (!name) return match;
    let index = names.indexOf(name);
    if (index < 0) index = names.push(name) - 1;
    return `$${index + 1}`;
  });
  found = { name: `rastreo_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`, text, names };
  compiled.set(sql, found);
  return found;
}

/**
 * Runs one of the service's large statements (named bindings, `:name`) as a named prepared statement: PostgreSQL parses
 * and plans it once per connection instead of on every call (planning alone cost more than executing the trace
 * creation), and the named bindings are compiled once per statement text. In a transaction it runs as a plain
 * statement on the transaction's connection.
 */
export async function runStatement<R = Record<string, unknown>>(
  db: Queryable,
  sql: string,
  bindings: Record<string, unknown>,
): Promise<{ rows: R[] }> {
  if ((db as Knex.Transaction).isTransaction)
    return db.raw(sql, bindings as never) as unknown as Promise<{ rows: R[] }>;
  const statement = compile(sql);
  const values = statement.names.map((name) => {
    if (!(name in bindings)) throw new Error(`statement binding :${name} has no value`);
    return bindings[name] === undefined ? null : bindings[name];
  });
  const connection = (await db.client.acquireConnection()) as pg.PoolClient;
  try {
    announce(db, statement.text, values);
    return await connection.query<R & pg.QueryResultRow>({ name: statement.name, text: statement.text, values });
  } finally {
    await db.client.releaseConnection(connection);
  }
}

/** Statements sent past knex still reach its `query` listeners (the query log, the benchmark's EXPLAIN capture). */
const announce = (db: Queryable, sql: string, bindings: unknown[]) => {
  if (db.listenerCount('query')) db.emit('query', { sql, bindings, method: 'prepared' });
};

/**
 * Runs a query built with knex as a named prepared statement (see `runStatement`): the hot reads are planned once per
 * connection and statement shape, not on every request.
 */
export async function runQuery<R = Record<string, unknown>>(
  db: Queryable,
  query: Knex.QueryBuilder | Knex.Raw,
): Promise<R[]> {
  if ((db as Knex.Transaction).isTransaction) return (await query) as R[];
  const native = query.toSQL().toNative();
  const name = `rastreo_q_${createHash('sha1').update(native.sql).digest('hex').slice(0, 24)}`;
  const connection = (await db.client.acquireConnection()) as pg.PoolClient;
  try {
    announce(db, native.sql, native.bindings as unknown[]);
    return (
      await connection.query<R & pg.QueryResultRow>({ name, text: native.sql, values: native.bindings as unknown[] })
    ).rows;
  } finally {
    await db.client.releaseConnection(connection);
  }
}

/** The unique constraint a statement broke (SQLSTATE 23505), or undefined: the one way duplicates are told apart. */
export function uniqueViolation(error: unknown): string | undefined {
  const e = error as { code?: string; constraint?: string } | undefined;
  return e?.code === '23505' ? e.constraint : undefined;
}

/** A round trip that proves the database answers (readiness). */
export const ping = (db: Queryable) => db.raw('SELECT 1');

/** Runs `work` on a connection to the server's `postgres` database, with the target database's name. */
async function onServer(databaseUrl: string, work: (client: pg.Client, name: string) => Promise<void>): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await work(client, name);
  } finally {
    await client.end();
  }
}

export const ensureDatabase = (databaseUrl: string) =>
  onServer(databaseUrl, async (client, name) => {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount) return;
    await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`).catch((error: { code?: string }) => {
      if (error.code !== '42P04') throw error;
    });
  });

export const dropDatabase = (databaseUrl: string) =>
  onServer(databaseUrl, async (client, name) => {
    await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
  });
