import type { Queue } from 'bullmq';
import express, { type Express, type Request, type Router } from 'express';
import type { Db } from '../db/knex.ts';
import { actorOf, authenticate } from '../identity/authenticate.ts';
import { bearerToken } from '../http/credentials.ts';
import { ipKey, type RateLimiter } from '../http/rate-limit.ts';
import { forbidden, unauthenticated } from '../shared/problem.ts';
import type { Actor } from '../shared/actor.ts';
import { insertToken } from '../identity/repository.ts';
import { BOARD_TOKEN_PREFIX, newToken } from '../identity/tokens.ts';
import { audit } from '../db/audit-log.ts';

export const QUEUE_BOARD_PATH = '/admin/queues';
const COOKIE = 'rastreo_board';
const BOARD_MINUTES = 15;

const cookieToken = (req: Request) => {
  const value = new RegExp(`(?:^|;\\s*)${COOKIE}=([^;]+)`).exec(req.get('cookie') ?? '')?.[1];
  return value?.startsWith(BOARD_TOKEN_PREFIX) ? decodeURIComponent(value) : undefined;
};

const cookieAttributes = (req: Request, maxAge: number) =>
  `Path=/admin; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${req.secure ? '; Secure' : ''}`;

/**
 * bull-board for admins. A browser gets there with a cookie the server sets (`POST /admin/queues/session` with the
 * admin's bearer token): HttpOnly, SameSite=Strict, path /admin, Secure over HTTPS, holding a token of its own kind
 * that expires after 15 minutes and that nothing else accepts. API clients may send their bearer token instead.
 */
export function queueBoardRoutes(app: Express, db: Db, queue: Queue, limiter?: RateLimiter): void {
  let board: Promise<Router> | undefined;
  // bull-board and its UI are loaded on an admin's first visit, not at start.
  const load = async (): Promise<Router> => {
    const [{ createBullBoard }, { BullMQAdapter }, { ExpressAdapter }] = await Promise.all([
      import('@bull-board/api'),
      import('@bull-board/api/bullMQAdapter'),
      import('@bull-board/express'),
    ]);
    const serverAdapter = new ExpressAdapter();
    serverAdapter.setBasePath(QUEUE_BOARD_PATH);
    createBullBoard({ queues: [new BullMQAdapter(queue, { readOnlyMode: false })], serverAdapter });
    return serverAdapter.getRouter() as Router;
  };
  const admin = (actor: Actor) => {
    if (actor.role !== 'admin') throw forbidden('Only admins may see the job queues.');
  };

  const sessions = express.Router();
  sessions.post('/', async (req, res) => {
    const ctx = await authenticate(db, req);
    admin(ctx.actor);
    const { token, hash } = newToken(BOARD_TOKEN_PREFIX);
    await insertToken(db, ctx.actor.id, hash, 'board', new Date(Date.now() + BOARD_MINUTES * 60_000));
    await audit(db, ctx, { action: 'queue_board.opened', entity: 'user', entityId: ctx.actor.id });
    res
      .set('Cache-Control', 'no-store')
      .set('Set-Cookie', `${COOKIE}=${token}; ${cookieAttributes(req, BOARD_MINUTES * 60)}`)
      .status(204)
      .end();
  });
  sessions.delete('/', (req, res) => {
    res
      .set('Set-Cookie', `${COOKIE}=; ${cookieAttributes(req, 0)}`)
      .status(204)
      .end();
  });
  app.use(`${QUEUE_BOARD_PATH}/session`, sessions);

  app.use(
    QUEUE_BOARD_PATH,
    async (req, res, next) => {
      const token = req.get('authorization') ? bearerToken(req) : cookieToken(req);
      const actor = token ? await actorOf(db, token) : undefined;
      if (!actor) {
        // Anonymous: counted against the per-IP anonymous limit (429 past it) and refused without an audit row, so
        // hammering the board neither floods the audit log nor costs more than a counter.
        if (limiter) limiter.admit(res, await limiter.hit(ipKey(req.ip)), limiter.settings.anonymousMax);
        throw unauthenticated('Open the job queues from the administration page again: the board’s sign-in expired.');
      }
      admin(actor);
      res.set('Cache-Control', 'no-store');
      next();
    },
    async (req, res, next) => {
      (await (board ??= load()))(req, res, next);
    },
  );
}
