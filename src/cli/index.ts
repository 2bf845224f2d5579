import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError, loadConfig } from '../config.ts';
import { createDb, ensureDatabase, type Db } from '../db/knex.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { Problem } from '../shared/problem.ts';
import { bootstrap } from './bootstrap.ts';
import { seedDemo } from './demo.ts';
import { archiveMonths, monthStart } from '../db/partitions.ts';

const HELP = {
  main: `Rastreo command line.

usage: npm run cli -- <command> [options]

commands:
  bootstrap   create the first agency and its admin; prints the admin's API token once
  demo        seed demo agencies, users, cases and traces (idempotent); prints a token per role
  archive     export months of the audit log and trace events to compressed files with checksums, and detach them

Run "npm run cli -- <command> --help" for a command's options. Every command creates the database named by
DATABASE_URL if it is missing and applies pending migrations first.`,
  bootstrap: `usage: npm run cli -- bootstrap --agency-code CODE --agency-name NAME --country CC --region REGION --admin-email EMAIL [--admin-name NAME]

  --agency-code   the agency's code (e.g. PNC-SV); an existing agency with that code is reused
  --agency-name   the agency's name
  --country       ISO 3166-1 alpha-2 country code (e.g. SV)
  --region        the region the agency belongs to (e.g. central-america)
  --admin-email   the admin's email address
  --admin-name    the admin's name (default: Administrator)
  -h, --help      print this help and exit`,
  archive: `usage: npm run cli -- archive --before YYYY-MM [--to DIR]

Every month of the audit log and of trace events before that month (not the current one or later) is written to DIR/<table>_YYYY_MM.csv.gz
(rows in id order, with a header) with a .sha256 beside it, then detached from the live table. A month older than the
10-year retention period is then dropped; a younger one is kept in the database, in schema "archive". Each month is
one transaction: an interrupted run leaves every month archived or untouched, and can be run again.

  --before        the first month that stays (YYYY-MM)
  --to            where the files go (default: ./archive)
  -h, --help      print this help and exit`,
  demo: `usage: npm run cli -- demo

Seeds 3 agencies in 2 regions, one user per role, a dozen cases and traces; run again, it issues fresh tokens.

  -h, --help      print this help and exit`,
};

type Command =
  | { name: 'help'; text: string }
  | { name: 'bootstrap'; values: Record<string, string | undefined> }
  | { name: 'demo' }
  | { name: 'archive'; before: string; to: string };

class UsageError extends Error {}

/** Reads the command line without touching configuration or the database, so `--help` and bad usage cost nothing. */
function parse(argv: string[]): Command {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') return { name: 'help', text: HELP.main };
  if (command === undefined) throw new UsageError(HELP.main);
  if (command !== 'bootstrap' && command !== 'demo' && command !== 'archive')
    throw new UsageError(`unknown command: ${command}\n\n${HELP.main}`);
  const options: ParseArgsConfig['options'] = { help: { type: 'boolean', short: 'h' } };
  if (command === 'archive') {
    options.before = { type: 'string' };
    options.to = { type: 'string' };
  }
  if (command === 'bootstrap') {
    for (const name of ['agency-code', 'agency-name', 'country', 'region', 'admin-email', 'admin-name'])
      options[name] = { type: 'string' };
  }
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({ args: rest, options, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${HELP[command]}`);
  }
  if (values.help) return { name: 'help', text: HELP[command] };
  if (command === 'demo') return { name: 'demo' };
  if (command === 'archive') {
    const before = monthStart(String(values.before ?? ''));
    if (!before) throw new UsageError(`--before must be a month, YYYY-MM\n\n${HELP.archive}`);
    const thisMonth = new Date().toISOString().slice(0, 7);
    if (before > `${thisMonth}-01`)
      throw new UsageError(
        `--before must not be after the current month (${thisMonth}): the live month is never archived`,
      );
    return { name: 'archive', before, to: String(values.to ?? 'archive') };
  }
  const missing = ['agency-code', 'agency-name', 'country', 'region', 'admin-email'].filter((k) => !values[k]);
  if (missing.length) throw new UsageError(`missing: ${missing.map((m) => `--${m}`).join(', ')}\n\n${HELP.bootstrap}`);
  return { name: 'bootstrap', values: values as Record<string, string | undefined> };
}

async function execute(db: Db, command: Exclude<Command, { name: 'help' }>): Promise<void> {
  if (command.name === 'archive') {
    const months = await archiveMonths(db, command.before, command.to, (line) => console.log(line));
    console.log(months.length ? `${months.length} month(s) archived` : 'nothing to archive before that month');
    return;
  }
  if (command.name === 'bootstrap') {
    const { values } = command;
    const { token } = await bootstrap(db, {
      agencyCode: values['agency-code']!,
      agencyName: values['agency-name']!,
      country: values.country!,
      region: values.region!,
      adminEmail: values['admin-email']!,
      adminName: values['admin-name'] ?? 'Administrator',
    });
    console.log(`admin token (shown once): ${token}`);
    return;
  }
  const { seeded, users, password } = await seedDemo(db);
  console.log(
    seeded
      ? 'demo data created (3 agencies, 4 users, 12 cases, 12 traces)'
      : 'demo data already present; issued fresh tokens',
  );
  console.log(`web sign-in password for every demo user: ${password}\n`);
  for (const user of users) console.log(`${user.role.padEnd(18)} ${user.email.padEnd(26)} ${user.token}`);
}

async function run(argv: string[]): Promise<number> {
  const command = parse(argv);
  if (command.name === 'help') {
    console.log(command.text);
    return 0;
  }
  const config = loadConfig();
  await ensureDatabase(config.DATABASE_URL);
  const db = createDb(config.DATABASE_URL, 2);
  try {
    await migrateToLatest(db);
    await execute(db, command);
    return 0;
  } finally {
    await db.destroy();
  }
}

try {
  process.exitCode = await run(process.argv.slice(2));
} catch (error) {
  if (error instanceof UsageError) {
    console.error(error.message);
    process.exitCode = 2;
  } else {
    if (error instanceof ConfigError) console.error(error.message);
    else if (error instanceof Problem) {
      const { detail, errors } = error.toJSON() as { detail: string; errors?: { path: string; message: string }[] };
      console.error(`error: ${detail}${errors ? ` ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}` : ''}`);
    } else console.error(`error: ${(error as Error).message}`);
    process.exitCode = 1;
  }
}
