import type { Response } from 'express';
import type { Logger } from 'pino';
import type { Db } from '../db/knex.ts';
import type { Notifications } from '../db/notifications.ts';
import { concernsScope } from '../db/scoped.ts';
import type { Scope } from '../shared/actor.ts';
import { eventsAfter, eventsBetween, latestEventId, toEvent, type EventRow } from './repository.ts';

export const EVENTS_CHANNEL = 'rastreo_events';
const HEARTBEAT_MS = 15_000;
const REPLAY_LIMIT = 5_000;
const REMEMBERED = 20_000;

interface Listener {
  res: Response;
  scope: Scope;
  /** Whether trafficking-indicator alerts are for this reader (see seesIntelligence). */
  intelligence: boolean;
  /**
   * Events the replay wrote: a live read may still bring one of them (it committed while the replay ran, and its
   * NOTIFY was read after): it is not written twice.
   */
  replayed?: Set<string>;
  /** Live events that arrived while the replay was being written. */
  pending?: EventRow[];
}

const sees = (listener: Pick<Listener, 'scope' | 'intelligence'>, row: EventRow) =>
  concernsScope(listener.scope, row.agency_ids, row.regions)
  && (listener.intelligence || row.type !== 'alert.created' || (row.data as { kind?: string }).kind !== 'trafficking_indicator');

const frame = (row: EventRow) => `id: ${row.id}\nevent: ${row.type}\ndata: ${JSON.stringify(toEvent(row))}\n\n`;

/**
 * The live event streams of one API process. Every process LISTENs: a NOTIFY (sent when the change commits) names the new
 * event ids, the process reads them once and writes each to the streams whose caller may read it. Several API processes
 * behind a load balancer each serve their own streams from the same PostgreSQL.
 */
export class EventStreams {
  private readonly listeners = new Set<Listener>();
  private readonly sent = new Set<string>();
  private lastId = '0';
  private heartbeat?: NodeJS.Timeout;
  private reading: Promise<void> = Promise.resolve();

  constructor(private readonly db: Db, private readonly logger: Logger, private readonly onCount?: (open: number) => void) {}

  listen(notifications: Notifications): void {
    notifications.on(EVENTS_CHANNEL, (payload) => {
      const [lo, hi] = payload.split(',');
      if (lo && hi) this.read(() => eventsBetween(this.db, lo, hi));
    });
    // Notifications sent while the listener was reconnecting were missed: read what came after the last one seen.
    notifications.onLost(() => this.read(() => eventsAfter(this.db, this.lastId, REPLAY_LIMIT)));
    this.heartbeat = setInterval(() => {
      for (const listener of this.listeners) listener.res.write(': keep-alive\n\n');
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
    void latestEventId(this.db).then((id) => { if (this.lastId === '0') this.lastId = id; }, () => undefined);
  }

  get open(): number {
    return this.listeners.size;
  }

  /** Serves one stream: headers at once, then the events after `lastEventId` (if given), then live events. */
  async serve(res: Response, scope: Scope, intelligence: boolean, lastEventId: string | undefined): Promise<void> {
    res.status(200).set({ 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' });
    res.flushHeaders();
    res.write(': connected\n\n');
    const listener: Listener = { res, scope, intelligence, ...(lastEventId ? { pending: [] } : {}) };
    this.listeners.add(listener);
    this.onCount?.(this.listeners.size);
    res.once('close', () => {
      this.listeners.delete(listener);
      this.onCount?.(this.listeners.size);
    });
    if (!lastEventId) return;
    let replayed = lastEventId;
    listener.replayed = new Set();
    for (const row of await eventsAfter(this.db, lastEventId, REPLAY_LIMIT)) {
      if (sees(listener, row)) res.write(frame(row));
      listener.replayed.add(row.id);
      replayed = row.id;
    }
    for (const row of listener.pending ?? []) if (BigInt(row.id) > BigInt(replayed) && sees(listener, row)) res.write(frame(row));
    delete listener.pending;
    // A late NOTIFY comes within moments; the ids are not kept for the stream's whole life.
    setTimeout(() => { delete listener.replayed; }, 60_000).unref();
  }

  /** Ends every stream (shutdown): clients reconnect elsewhere with their Last-Event-ID. */
  close(): void {
    clearInterval(this.heartbeat);
    for (const listener of this.listeners) listener.res.end();
    this.listeners.clear();
  }

  private read(fetch: () => Promise<EventRow[]>): void {
    // Nobody is listening on this process: nothing to read (a stream that opens later replays by Last-Event-ID).
    if (!this.listeners.size) return;
    this.reading = this.reading.then(async () => {
      for (const row of await fetch()) {
        if (this.sent.has(row.id)) continue;
        this.remember(row.id);
        for (const listener of this.listeners) {
          if (listener.pending) listener.pending.push(row);
          else if (listener.replayed?.delete(row.id)) continue;
          else if (sees(listener, row)) listener.res.write(frame(row));
        }
      }
    }).catch((error: unknown) => this.logger.warn({ err: error }, 'could not read new events for the live streams'));
  }

  private remember(id: string): void {
    this.sent.add(id);
    if (BigInt(id) > BigInt(this.lastId)) this.lastId = id;
    if (this.sent.size > REMEMBERED) for (const old of [...this.sent].slice(0, REMEMBERED / 2)) this.sent.delete(old);
  }
}
