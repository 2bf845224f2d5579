import type { Logger } from 'pino';
import { throttledWarn } from '../logger.ts';
import type { RedisConnection } from '../platform/redis.ts';
import type { Db } from './knex.ts';

/** Where a read goes and how fresh what it reads is. */
export interface ReadTarget {
  db: Db;
  /** The data is complete up to this instant: now for the primary, the last replayed commit for a lagging replica. */
  asOf: Date;
  from: 'primary' | 'replica';
}

/**
 * Routes the reads that may be a little stale (reports, summaries, intelligence, search) to a streaming replica when
 * one is configured, healthy and close enough behind; everything else, and every read of someone who just changed
 * something, goes to the primary.
 */
export interface ReadRouting {
  /** The target of a replica-eligible read by `actorId` (anonymous: undefined). */
  reader(actorId: string | undefined): Promise<ReadTarget>;
  /** `actorId` changed something: their reads stay on the primary until a replica within the lag bound has it too. */
  wrote(actorId: string): Promise<void>;
  /** A read on the replica found it unreachable: no more reads go there until a probe finds it healthy again. */
  unavailable(): void;
  /** A replica-eligible read was answered from there (counted). */
  served(from: ReadTarget['from']): void;
  close(): void;
}

/** Without a replica: every read is the primary's, as of now. */
export const primaryOnly = (db: Db): ReadRouting => ({
  reader: async () => ({ db, asOf: new Date(), from: 'primary' }),
  wrote: async () => undefined,
  unavailable: () => undefined,
  served: () => undefined,
  close: () => undefined,
});

export interface ReplicaSettings {
  /** A replica further behind than this is not read (its readers go to the primary until it catches up). */
  maxLagMs: number;
  /** How often the replica's health and lag are measured. */
  probeMs: number;
  /** Redis key prefix of the "just wrote" markers. */
  prefix: string;
  onRead?: (from: ReadTarget['from']) => void;
}

interface Probe {
  healthy: boolean;
  asOf: Date;
}

/**
 * The replica's state: streaming from the primary, and how far its replay is behind. With nothing left to replay it is
 * as fresh as now (an idle primary writes no commits, so the last replayed commit's age would overstate the lag).
 */
const PROBE_SQL = `
  SELECT standby, streaming, as_of,
         CASE WHEN as_of <> '-infinity' THEN extract(epoch FROM now() - as_of) * 1000 END AS lag_ms
    FROM (SELECT pg_is_in_recovery() AS standby,
                 coalesce((SELECT status = 'streaming' FROM pg_stat_wal_receiver), false) AS streaming,
                 CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN now()
                      ELSE coalesce(pg_last_xact_replay_timestamp(), '-infinity') END AS as_of) p`;

export function replicaRouting(
  primary: Db,
  replica: Db,
  redis: RedisConnection | undefined,
  logger: Logger,
  settings: ReplicaSettings,
): ReadRouting {
  const warn = throttledWarn(logger, 30_000);
  let probe: Probe = { healthy: false, asOf: new Date(0) };
  let stopped = false;
  const measure = async () => {
    try {
      const { rows } = await replica.raw(PROBE_SQL);
      const row = rows[0] as { standby: boolean; streaming: boolean; as_of: Date; lag_ms: number | string | null };
      // The lag by the replica's own clock (the API host's may differ); nothing replayed yet → never fresh.
      const lagMs = row.lag_ms === null ? Infinity : Number(row.lag_ms);
      const asOf = Number.isFinite(lagMs) ? new Date(row.as_of) : new Date(0);
      const healthy = row.standby && row.streaming && lagMs <= settings.maxLagMs;
      if (!healthy)
        warn(
          { standby: row.standby, streaming: row.streaming, lagMs },
          'read replica not used: behind or not streaming',
        );
      probe = { healthy, asOf };
    } catch (error) {
      warn({ err: error }, 'read replica not reachable: reads go to the primary');
      probe = { healthy: false, asOf: new Date(0) };
    }
  };
  // One probe at a time: against an unreachable replica each one waits for its connection timeout.
  let inFlight = true;
  const first = measure().finally(() => (inFlight = false));
  const timer = setInterval(() => {
    if (inFlight) return;
    inFlight = true;
    void measure().finally(() => (inFlight = false));
  }, settings.probeMs);
  timer.unref();
  const markerOf = (actorId: string) => `${settings.prefix}wrote:${actorId}`;
  // The marker outlives the longest lag a replica may be read with, plus one probe: by then the replica has the write.
  const markerMs = settings.maxLagMs + settings.probeMs;

  const primaryTarget = (): ReadTarget => ({ db: primary, asOf: new Date(), from: 'primary' });
  return {
    async reader(actorId) {
      await first;
      let target = primaryTarget();
      if (probe.healthy && !stopped) {
        // Without Redis the marker cannot be read: the primary is the safe answer.
        const marked = actorId && redis ? await redis.exists(markerOf(actorId)).catch(() => 1) : redis ? 0 : 1;
        if (!marked) target = { db: replica, asOf: probe.asOf, from: 'replica' };
      }
      return target;
    },
    async wrote(actorId) {
      await redis?.set(markerOf(actorId), '1', 'PX', markerMs).catch(() => undefined);
    },
    served(from) {
      settings.onRead?.(from);
    },
    unavailable() {
      probe = { healthy: false, asOf: new Date(0) };
    },
    close() {
      stopped = true;
      clearInterval(timer);
    },
  };
}
