import type pg from 'pg';
import type { Logger } from 'pino';
import { throttledWarn } from '../logger.ts';
import type { Db } from './knex.ts';

type Handler = (payload: string) => void;

/**
 * One connection per process that LISTENs to PostgreSQL channels and hands each NOTIFY to its handlers. A NOTIFY is
 * delivered when the transaction that sent it commits, so a handler never hears of a change that rolled back. When the
 * connection is lost (a database restart) it listens again on the next `check` and tells every handler `lost`, since
 * notifications sent meanwhile were missed.
 */
export class Notifications {
  private client?: pg.Client;
  private connecting?: Promise<void>;
  private stopped = false;
  private timer?: NodeJS.Timeout;
  private readonly handlers = new Map<string, Handler[]>();
  private readonly lostHandlers: (() => void)[] = [];
  private readonly warn: ReturnType<typeof throttledWarn>;

  constructor(
    private readonly db: Db,
    logger: Logger,
    private readonly retryMs = 1_000,
  ) {
    this.warn = throttledWarn(logger);
  }

  on(channel: string, handler: Handler): this {
    this.handlers.set(channel, [...(this.handlers.get(channel) ?? []), handler]);
    if (this.client) void this.client.query(`LISTEN ${channel}`).catch(() => undefined);
    return this;
  }

  /** Called after a reconnect: anything may have happened while nobody listened. */
  onLost(handler: () => void): this {
    this.lostHandlers.push(handler);
    return this;
  }

  async start(): Promise<void> {
    this.timer = setInterval(() => void this.check(), this.retryMs);
    this.timer.unref();
    await this.check();
  }

  get listening(): boolean {
    return this.client !== undefined;
  }

  private async check(): Promise<void> {
    if (this.client || this.stopped) return;
    this.connecting ??= this.connect().finally(() => {
      this.connecting = undefined;
    });
    await this.connecting;
  }

  private async connect(): Promise<void> {
    let client: pg.Client | undefined;
    try {
      client = (await this.db.client.acquireRawConnection()) as pg.Client;
      const lost = (error?: Error) => {
        if (this.client !== client) return;
        this.client = undefined;
        this.warn({ err: error }, 'notification listener lost; listening again shortly');
        void this.db.client.destroyRawConnection(client).catch(() => undefined);
        for (const handler of this.lostHandlers) handler();
      };
      client.on('notification', (message) => {
        for (const handler of this.handlers.get(message.channel) ?? []) handler(message.payload ?? '');
      });
      client.on('error', lost);
      client.on('end', () => lost());
      for (const channel of this.handlers.keys()) await client.query(`LISTEN ${channel}`);
      const reconnected = this.everConnected;
      this.client = client;
      this.everConnected = true;
      if (reconnected) for (const handler of this.lostHandlers) handler();
    } catch (error) {
      if (client) await this.db.client.destroyRawConnection(client).catch(() => undefined);
      this.warn({ err: error }, 'notification listener unavailable; listening again shortly');
    }
  }

  private everConnected = false;

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.connecting;
    const client = this.client;
    this.client = undefined;
    if (client) {
      client.removeAllListeners();
      client.on('error', () => undefined);
      await this.db.client.destroyRawConnection(client).catch(() => undefined);
    }
  }
}
