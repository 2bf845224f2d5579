import type { Logger } from 'pino';
import type { Db } from '../db/knex.ts';
import type { Notifications } from '../db/notifications.ts';
import { throttledWarn } from '../logger.ts';
import { singleFlight } from '../shared/single-flight.ts';
import { recordQueuedIndicators } from './repository.ts';

export const INDICATOR_OUTBOX_CHANNEL = 'rastreo_indicator_outbox';
const BATCH = 500;

/**
 * The worker's side of the indicators: completions are queued in `indicator_outbox` by the statement that completes
 * them; this records them in batches, woken by NOTIFY (and a poll, for a notification missed while reconnecting). One
 * pass at a time per process; several workers share the outbox (SKIP LOCKED).
 */
export class IndicatorRelay {
  private timer?: NodeJS.Timeout;
  private readonly pass: ReturnType<typeof singleFlight>;

  constructor(
    db: Db,
    logger: Logger,
    private readonly pollMs: number,
  ) {
    // During an outage every poll fails the same way: say it once in a while, not every time.
    const warn = throttledWarn(logger);
    this.pass = singleFlight(
      async () => {
        let taken: number;
        do taken = await recordQueuedIndicators(db, BATCH);
        while (taken === BATCH);
      },
      (error) => warn({ err: error }, 'indicators wait: completions stay queued'),
    );
  }

  start(notifications: Notifications): void {
    notifications.on(INDICATOR_OUTBOX_CHANNEL, () => this.pass.run()).onLost(() => this.pass.run());
    this.timer = setInterval(() => this.pass.run(), this.pollMs);
    this.pass.run();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.pass.settled();
  }
}
