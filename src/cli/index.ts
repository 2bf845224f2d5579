import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.ts';
import { createDb, ensureDatabase } from '../db/knex.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { Problem } from '../http/problem.ts';
import { bootstrap } from './bootstrap.ts';
import { seedDemo } from './demo.ts';

const USAGE = `usage:
  npm run cli -- bootstrap --agency-code X --agency-name Y --country SV --region central-america --admin-email a@b [--admin-name N]
  npm run cli -- demo`;

async function run(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== 'bootstrap' && command !== 'demo') {
    console.error(USAGE);
    return 2;
  }
  const config = loadConfig();
  await ensureDatabase(config.DATABASE_URL);
  const db = createDb(config.DATABASE_URL, 2);
  try {
    await migrateToLatest(db);
    if (command === 'bootstrap') {
      const { values } = parseArgs({
        args: rest,
        options: {
          'agency-code': { type: 'string' }, 'agency-name': { type: 'string' }, country: { type: 'string' },
          region: { type: 'string' }, 'admin-email': { type: 'string' }, 'admin-name': { type: 'string' },
        },
      });
      const missing = ['agency-code', 'agency-name', 'country', 'region', 'admin-email'].filter((k) => !values[k as keyof typeof values]);
      if (missing.length) {
        console.error(`missing: ${missing.map((m) => `--${m}`).join(', ')}\n${USAGE}`);
        return 2;
      }
      const { token } = await bootstrap(db, {
        agencyCode: values['agency-code']!, agencyName: values['agency-name']!, country: values.country!,
        region: values.region!, adminEmail: values['admin-email']!, adminName: values['admin-name'] ?? 'Administrator',
      });
      console.log(`admin token (shown once): ${token}`);
    } else {
      const { seeded, users, password } = await seedDemo(db);
      console.log(seeded ? 'demo data created (3 agencies, 4 users, 12 cases, 12 traces)' : 'demo data already present; issued fresh tokens');
      console.log(`web sign-in password for every demo user: ${password}\n`);
      for (const user of users) console.log(`${user.role.padEnd(18)} ${user.email.padEnd(26)} ${user.token}`);
    }
    return 0;
  } finally {
    await db.destroy();
  }
}

try {
  process.exitCode = await run(process.argv.slice(2));
} catch (error) {
  if (error instanceof ConfigError) console.error(error.message);
  else if (error instanceof Problem) {
    const { detail, errors } = error.toJSON() as { detail: string; errors?: { path: string; message: string }[] };
    console.error(`error: ${detail}${errors ? ` ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}` : ''}`);
  } else console.error(`error: ${(error as Error).message}`);
  process.exitCode = 1;
}
