import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { stringify } from 'csv-stringify';
import type { Knex } from 'knex';
import { writeAudit } from './audit-log.ts';

/** The record tables partitioned by month, and how many months ahead their partitions are created. */
export const MONTHLY_TABLES = ['audit_log', 'trace_events'] as const;
export const MONTHS_AHEAD = 3;
/** Audit records are kept this long: an archived month younger than this stays in the database (schema `archive`). */
export const RETENTION_YEARS = 10;

/** Creates the coming months' partitions (at every start, and daily by the worker); returns how many were new. */
export async function ensureMonthPartitions(db: Knex): Promise<number> {
  let created = 0;
  for (const table of MONTHLY_TABLES) {
    const { rows } = await db.raw('SELECT ensure_month_partitions(?::regclass, ?) AS n', [table, MONTHS_AHEAD]);
    created += Number(rows[0].n);
  }
  return created;
}

export interface ArchivedMonth {
  table: string;
  month: string;
  rows: number;
  file: string;
  sha256: string;
  /** `dropped`: past the retention period; `kept`: detached into schema `archive`, still in the database. */
  fate: 'dropped' | 'kept';
}

/** `YYYY-MM` → the first day of that month, or undefined when it is not one. */
export const monthStart = (month: string): string | undefined =>
  /^\d{4}-(0[1-9]|1[0-2])$/.test(month) ? `${month}-01` : undefined;

/**
 * Archives every month partition that ends on or before `before` (a month start, never later than the current month):
 * its rows, ordered by id, go to `<dir>/<partition>.csv.gz` with a `.sha256` beside it (checked by reading the file
 * back); then the partition is detached from the live table, and dropped only if the whole month lies beyond the
 * retention period — else it is kept in schema `archive`. Months are handled oldest first, one transaction each, so an
 * interrupted run leaves every month either archived or untouched; a month archived before is skipped.
 */
export async function archiveMonths(
  db: Knex,
  before: string,
  dir: string,
  progress: (line: string) => void = () => undefined,
): Promise<ArchivedMonth[]> {
  await mkdir(dir, { recursive: true });
  await db.raw('CREATE SCHEMA IF NOT EXISTS archive');
  const done: ArchivedMonth[] = [];
  for (const table of MONTHLY_TABLES) {
    const { rows: partitions } = await db.raw(
      `SELECT c.relname AS name, to_char(to_date(right(c.relname, 7), 'YYYY_MM'), 'YYYY-MM') AS month
         FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = ?::regclass AND c.relname ~ '_\\d{4}_\\d{2}$'
          AND to_date(right(c.relname, 7), 'YYYY_MM') + interval '1 month' <= ?::date
        ORDER BY 2`,
      [table, before],
    );
    for (const partition of partitions as { name: string; month: string }[]) {
      const month = partition.month;
      const archived = await archiveOne(db, table, partition.name, month, dir);
      done.push(archived);
      progress(
        `${partition.name}: ${archived.rows} rows → ${archived.file} (sha256 ${archived.sha256.slice(0, 12)}…), ${archived.fate}`,
      );
    }
  }
  return done;
}

async function archiveOne(db: Knex, table: string, partition: string, month: string, dir: string) {
  const file = join(dir, `${partition}.csv.gz`);
  return db.transaction(async (trx) => {
    await trx.raw('SET LOCAL statement_timeout = 0');
    // No write can reach the month while it is copied and detached.
    await trx.raw(`LOCK TABLE ${partition} IN SHARE MODE`);
    let count = 0;
    // In id order, a batch at a time: a month of audit entries need not fit in memory.
    async function* batches() {
      let after = -1;
      for (;;) {
        const { rows } = await trx.raw(`SELECT * FROM ${partition} WHERE id > ? ORDER BY id LIMIT 5000`, [after]);
        if (!rows.length) return;
        count += rows.length;
        after = rows[rows.length - 1].id;
        yield* rows as Record<string, unknown>[];
      }
    }
    const csv = stringify({
      header: true,
      cast: { date: (value) => value.toISOString(), object: (value) => JSON.stringify(value) },
    });
    await pipeline(Readable.from(batches()), csv, createGzip(), createWriteStream(file));
    const sha256 = createHash('sha256')
      .update(await readFile(file))
      .digest('hex');
    await writeFile(`${file}.sha256`, `${sha256}  ${partition}.csv.gz\n`);
    await trx.raw(`ALTER TABLE ${table} DETACH PARTITION ${partition}`);
    const { rows: age } = await trx.raw(
      `SELECT (?::date + interval '1 month') <= date_trunc('month', now()) - make_interval(years => ?) AS expired`,
      [`${month}-01`, RETENTION_YEARS],
    );
    const fate: ArchivedMonth['fate'] = age[0].expired ? 'dropped' : 'kept';
    await trx.raw(fate === 'dropped' ? `DROP TABLE ${partition}` : `ALTER TABLE ${partition} SET SCHEMA archive`);
    await writeAudit(
      trx,
      { component: 'cli' },
      {
        action: 'records.archived',
        entity: table,
        entityId: month,
        details: { rows: count, file: `${partition}.csv.gz`, sha256, fate },
      },
    );
    return { table, month, rows: count, file, sha256, fate };
  });
}
