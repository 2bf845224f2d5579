import type { Queue } from 'bullmq';
import type { Express, Router } from 'express';
import type { Db } from '../db/knex.ts';
import { authenticate } from '../http/authenticate.ts';
import { forbidden } from '../http/problem.ts';

export const QUEUE_BOARD_PATH = '/admin/queues';

/** bull-board for admins: a bearer token in the Authorization header, or the web session cookie `rastreo_token`. */
export function queueBoardRoutes(app: Express, db: Db, queue: Queue): void {
  let board: Promise<Router> | undefined;
  // bull-board and its UI are loaded on an admin's first visit, not at start.
  const load = async (): Promise<Router> => {
    const [{ createBullBoard }, { BullMQAdapter }, { ExpressAdapter }] = await Promise.all([
      import('@bull-board/api'), import('@bull-board/api/bullMQAdapter'), import('@bull-board/express'),
    ]);
    const serverAdapter = new ExpressAdapter();
    serverAdapter.setBasePath(QUEUE_BOARD_PATH);
    createBullBoard({ queues: [new BullMQAdapter(queue, { readOnlyMode: false })], serverAdapter });
    return serverAdapter.getRouter() as Router;
  };
  app.use(QUEUE_BOARD_PATH, async (req, _res, next) => {
    if (!req.get('authorization')) {
      const cookie = /(?:^|;\s*)rastreo_token=([^;]+)/.exec(req.get('cookie') ?? '')?.[1];
      if (cookie) req.headers.authorization = `Bearer ${decodeURIComponent(cookie)}`;
    }
    const ctx = await authenticate(db, req);
    if (ctx.actor.role !== 'admin') throw forbidden('Only admins may see the job queues.');
    next();
  }, async (req, res, next) => {
    (await (board ??= load()))(req, res, next);
  });
}
