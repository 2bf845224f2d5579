import knex, { type Knex } from 'knex';
import pg from 'pg';

// DATE columns stay 'YYYY-MM-DD' strings; bigint counts come back as numbers.
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value) => Number(value));

export type Db = Knex;
export type Tx = Knex.Transaction;
export type Queryable = Knex | Knex.Transaction;

export interface DbOptions {
  poolMax?: number;
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
  });
}

/** Errors that mean "the database is not reachable now" rather than "this query is wrong". */
export function isDatabaseUnavailable(error: unknown): boolean {
  const e = error as { code?: string; name?: string; message?: string };
  return ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', '57P01', '57P02', '57P03', '53300'].includes(e.code ?? '')
    || e.name === 'KnexTimeoutError'
    || /Connection terminated|timeout exceeded when trying to connect/i.test(e.message ?? '');
}

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
