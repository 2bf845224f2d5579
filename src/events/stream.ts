import type { Response } from 'express';
import type { Logger } from 'pino';
import type { Db } from '../db/knex.ts';
import type { Notifications } from '../db/notifications.ts';
import { concernsScope } from '../db/scoped.ts';
import { actorsOfTokens } from '../identity/repository.ts';
import { IDENTITY_CHANNEL } from '../identity/token-cache.ts';
import { throttledWarn } from '../logger.ts';
import { readScope, seesDestructions, seesIntelligence, type Actor } from '../shared/actor.ts';
import { Problem } from '../shared/problem.ts';
import {
  eventExists,
  eventsAfter,
  eventsBetween,
  eventsCommittedAfter,
  latestEventId,
  toEvent,
  type EventRow,
} from './repository.ts';

export const EVENTS_CHANNEL = 'rastreo_events';
const HEARTBEAT_MS = 15_000;
const REPLAY_LIMIT = 5_000;
const REMEMBERED = 20_000;
/** How often open streams re-check their callers even when nothing is said (expiry has no NOTIFY): within the 5 s the contract allows. */
const RECHECK_MS = 2_000;
/** What a client waits before it reconnects (the first message's `retry:`). */
export const RECONNECT_MS = 3_000;
export const MAX_STREAMS_PER_USER = 10;

interface Listener {
  res: Response;
  /** The caller's token (its hash, base64): re-checked before every delivery. */
  tokenKey: string;
  /** Who the caller is now; the stream ends when that changes in a way that changes what it may read. */
  actor: Actor;
  /**
   * Events the replay wrote: a live read may still bring one of them (it committed while the replay ran, and its
   * NOTIFY was read after): it is not written twice.
   */
  replayed?: Set<string>;
  /** Live events that arrived while the replay was being written. */
  pending?: EventRow[];
}

/** Whether the caller may read this event now: its scope, and the kinds of record its role reads. */
const sees = (actor: Actor, row: EventRow) =>
  concernsScope(readScope(actor), row.agency_ids, row.regions) &&
  (seesIntelligence(actor) ||
    row.type !== 'alert.created' ||
    (row.data as { kind?: string }).kind !== 'trafficking_indicator') &&
  (seesDestructions(actor) || !row.type.startsWith('destruction.'));

/** A change of who the caller is that changes what it may read: the stream ends (the client reconnects, and is asked again). */
const rightsChanged = (was: Actor, now: Actor | undefined) =>
  !now || now.role !== was.role || now.agency.id !== was.agency.id || now.agency.region !== was.agency.region;

const frame = (row: EventRow) => `id: ${row.id}\nevent: ${row.type}\ndata: ${JSON.stringify(toEvent(row))}\n\n`;

/**
 * The live event streams of one API process. Every process LISTENs: a NOTIFY (sent when the change commits) names the new
 * event ids, the process reads them once and writes each to the streams whose caller may read it — with the caller's
 * rights as they are at that moment: before every delivery the callers' tokens are looked up again (one query for all
 * streams), and every 2 s and on every identity change in any case, so a deactivated user, a rotated or revoked token, an
 * ended or expired session, or a new role or agency ends the stream within seconds.
 */
export class EventStreams {
  private readonly listeners = new Set<Listener>();
  private readonly sent = new Set<string>();
  /** Id ranges named by NOTIFYs that the next read, queued already, will fetch. */
  private named: [string, string][] = [];
  private lastId = '0';
  private heartbeat?: NodeJS.Timeout;
  private recheckTimer?: NodeJS.Timeout;
  private reading: Promise<void> = Promise.resolve();
  private closing = false;
  private readonly warn: ReturnType<typeof throttledWarn>;

  constructor(
    private readonly db: Db,
    logger: Logger,
    private readonly onCount?: (open: number) => void,
  ) {
    this.warn = throttledWarn(logger);
  }

  listen(notifications: Notifications): void {
    notifications.on(EVENTS_CHANNEL, (payload) => {
      const [lo, hi] = payload.split(',');
      if (!lo || !hi || !this.listeners.size) return;
      // The NOTIFYs that come while a read is waiting its turn join it: one query (and one re-check) for all of them,
      // however many statements commit per second — one read per NOTIFY fell seconds behind at 300 traces/s.
      this.named.push([lo, hi]);
      if (this.named.length > 1) return;
      this.read(() => {
        const ranges = this.named;
        this.named = [];
        return eventsBetween(this.db, ranges);
      });
    });
    notifications.on(IDENTITY_CHANNEL, () =>
      this.queue(async () => {
        await this.recheck();
      }),
    );
    // Notifications sent while the listener was reconnecting were missed: read what came after the last one seen.
    notifications.onLost(() => this.read(() => eventsAfter(this.db, this.lastId, REPLAY_LIMIT)));
    void latestEventId(this.db).then(
      (id) => {
        if (this.lastId === '0') this.lastId = id;
      },
      () => undefined,
    );
  }

  get open(): number {
    return this.listeners.size;
  }

  /**
   * Serves one stream: refused with 503 while the process shuts down, 429 past the per-user cap, 400 for a `Last-Event-ID`
   * that names no stored event; else headers at once, then what was committed after `lastEventId` (if given), then live
   * events.
   */
  async serve(res: Response, actor: Actor, tokenKey: string, lastEventId: string | undefined): Promise<void> {
    if (this.closing)
      throw new Problem(
        503,
        'unavailable',
        'This server is shutting down; reconnect (to any server) with your Last-Event-ID.',
        {},
        { 'Retry-After': String(RECONNECT_MS / 1000) },
      );
    if ([...this.listeners].filter((l) => l.actor.id === actor.id).length >= MAX_STREAMS_PER_USER) {
      throw new Problem(
        429,
        'rate-limited',
        `At most ${MAX_STREAMS_PER_USER} live streams may be open per user; close one first.`,
        {},
        { 'Retry-After': String(RECONNECT_MS / 1000) },
      );
    }
    if (lastEventId && !(await eventExists(this.db, lastEventId))) {
      throw new Problem(
        400,
        'validation',
        'Last-Event-ID names no stored event (events are kept for a limited time): reconnect without it.',
        { errors: [{ path: '/header/Last-Event-ID', message: 'is not the id of a stored event' }] },
      );
    }
    res.status(200).set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Accel-Buffering': 'no',
    });
    res.flushHeaders();
    res.write(`retry: ${RECONNECT_MS}\n: connected\n\n`);
    const listener: Listener = { res, tokenKey, actor, ...(lastEventId ? { pending: [] } : {}) };
    this.add(listener);
    res.once('close', () => this.remove(listener));
    if (!lastEventId) return;
    listener.replayed = new Set();
    for (const row of await eventsCommittedAfter(this.db, lastEventId, REPLAY_LIMIT)) {
      if (sees(listener.actor, row)) res.write(frame(row));
      listener.replayed.add(row.id);
    }
    for (const row of listener.pending ?? [])
      if (!listener.replayed.has(row.id) && sees(listener.actor, row)) res.write(frame(row));
    delete listener.pending;
    // A late NOTIFY comes within moments; the ids are not kept for the stream's whole life.
    setTimeout(() => {
      delete listener.replayed;
    }, 60_000).unref();
  }

  /** Ends every stream and refuses new ones (shutdown): clients reconnect elsewhere with their Last-Event-ID. */
  close(): void {
    this.closing = true;
    for (const listener of this.listeners) listener.res.end();
    this.listeners.clear();
    this.stopTimers();
  }

  private add(listener: Listener): void {
    this.listeners.add(listener);
    this.onCount?.(this.listeners.size);
    if (this.heartbeat) return;
    this.heartbeat = setInterval(() => {
      for (const l of this.listeners) l.res.write(': keep-alive\n\n');
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
    this.recheckTimer = setInterval(
      () =>
        this.queue(async () => {
          await this.recheck();
        }),
      RECHECK_MS,
    );
    this.recheckTimer.unref();
  }

  private remove(listener: Listener): void {
    if (!this.listeners.delete(listener)) return;
    this.onCount?.(this.listeners.size);
    if (!this.listeners.size) this.stopTimers();
  }

  private stopTimers(): void {
    clearInterval(this.heartbeat);
    clearInterval(this.recheckTimer);
    this.heartbeat = this.recheckTimer = undefined;
  }

  /** Looks every caller up again; ends the streams whose caller no longer authenticates or reads something else now. */
  private async recheck(): Promise<void> {
    if (!this.listeners.size) return;
    const keys = [...new Set([...this.listeners].map((l) => l.tokenKey))];
    const now = await actorsOfTokens(
      this.db,
      keys.map((key) => Buffer.from(key, 'base64')),
    );
    for (const listener of [...this.listeners]) {
      const actor = now.get(listener.tokenKey);
      if (rightsChanged(listener.actor, actor)) {
        listener.res.end();
        this.remove(listener);
      } else {
        listener.actor = actor!;
      }
    }
  }

  private read(fetch: () => Promise<EventRow[]>): void {
    // Nobody is listening on this process: nothing to read (a stream that opens later replays by Last-Event-ID).
    if (!this.listeners.size) return;
    this.queue(async () => {
      const [rows] = await Promise.all([fetch(), this.recheck()]);
      // Each stream gets what it may see of the rows in one write (one chunk), each event framed once.
      const out = new Map<Listener, string[]>();
      for (const row of rows) {
        if (this.sent.has(row.id)) continue;
        this.remember(row.id);
        let framed: string | undefined;
        for (const listener of this.listeners) {
          if (listener.pending) listener.pending.push(row);
          else if (listener.replayed?.delete(row.id)) continue;
          else if (sees(listener.actor, row)) {
            framed ??= frame(row);
            const frames = out.get(listener);
            if (frames) frames.push(framed);
            else out.set(listener, [framed]);
          }
        }
      }
      for (const [listener, frames] of out) listener.res.write(frames.join(''));
    });
  }

  /** Reads and re-checks run one at a time, in order, so a delivery never passes a re-check that came before it. */
  private queue(work: () => Promise<void>): void {
    this.reading = this.reading
      .then(work)
      .catch((error: unknown) =>
        this.warn({ err: error }, 'live streams could not read new events or re-check their callers'),
      );
  }

  private remember(id: string): void {
    this.sent.add(id);
    if (BigInt(id) > BigInt(this.lastId)) this.lastId = id;
    if (this.sent.size > REMEMBERED) for (const old of [...this.sent].slice(0, REMEMBERED / 2)) this.sent.delete(old);
  }
}
