import type { Express } from 'express';
import type { RedisConnection } from '../platform/redis.ts';
import { ping, type Db } from '../db/knex.ts';
import { pendingMigrations } from '../db/migrate.ts';
import { throttledWarn } from '../logger.ts';
import type { Logger } from 'pino';

const within = <T>(ms: number, work: Promise<T>) =>
  Promise.race([
    work,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref()),
  ]);

/**
 * /healthz: the process answers. /readyz: PostgreSQL, Redis and the schema are usable; 503 names what is not, as
 * `ok`/`unavailable` only — anyone may ask, so why (hosts, ports, errors) goes to the log, not to the caller.
 */
export function healthRoutes(
  app: Express,
  db: Db,
  redis: RedisConnection | undefined,
  logger: Logger,
  shuttingDown: () => boolean = () => false,
): void {
  let migrationsCurrent = false;
  const warn = throttledWarn(logger);
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (req, res) => {
    const checks: Record<string, 'ok' | 'unavailable'> = shuttingDown() ? { process: 'unavailable' } : {};
    const run = async (name: string, check: () => Promise<unknown>) => {
      try {
        await within(2_000, check());
        checks[name] = 'ok';
      } catch (error) {
        checks[name] = 'unavailable';
        warn({ check: name, reason: (error as Error).message.split('\n')[0] }, `not ready: ${name}`);
      }
    };
    await Promise.all([
      run('postgres', () => ping(db)),
      run('redis', async () => {
        if (!redis) throw new Error('not configured');
        await redis.ping();
      }),
      run('migrations', async () => {
        if (migrationsCurrent) return;
        const pending = await pendingMigrations(db);
        if (pending) throw new Error(`${pending} pending`);
        migrationsCurrent = true;
      }),
    ]);
    const failing = Object.keys(checks).filter((name) => checks[name] !== 'ok');
    if (!failing.length) {
      res.json({ status: 'ready', checks });
      return;
    }
    // Like every 503: when to ask again, and which request this answers.
    res
      .status(503)
      .set('Retry-After', '5')
      .type('application/problem+json')
      .send(
        JSON.stringify({
          type: '/problems/not-ready',
          title: 'Service Unavailable',
          status: 503,
          detail: `Not ready: ${failing.join(', ')}.`,
          instance: req.path,
          requestId: String(req.id ?? ''),
          checks,
        }),
      );
  });
}
