import { once } from 'node:events';
import { createApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { createDb, ensureDatabase } from './db/knex.ts';
import { migrateToLatest } from './db/migrate.ts';
import { createLogger } from './logger.ts';

let config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}

const logger = createLogger(config.LOG_LEVEL);
await ensureDatabase(config.DATABASE_URL);
const db = createDb(config.DATABASE_URL, config.DB_POOL_MAX);
const applied = await migrateToLatest(db);
if (applied.length) logger.info({ applied }, 'migrations applied');

const { app } = createApp({ db, logger });
const server = app.listen(config.PORT);
await once(server, 'listening');
logger.info({ port: config.PORT }, 'rastreo api listening');

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    logger.info({ signal }, 'shutting down');
    server.close(() => {
      void db.destroy().then(() => process.exit(0));
    });
  });
}
