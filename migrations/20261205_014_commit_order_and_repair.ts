import type { Knex } from 'knex';

/**
 * Events remember their transaction and the oldest transaction still open when they were written, so a stream that
 * reconnects after event L also gets an event with a smaller id that committed after L (see events/repository.ts).
 * Webhook deliveries get a run number: each time a delivery is handed to the queue again (unparked, or repaired after
 * its job was lost), its job id changes with it, so the reconciler can tell a live job from a lost one.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER TABLE events
      ADD COLUMN tx xid8 NOT NULL DEFAULT pg_current_xact_id(),
      ADD COLUMN tx_xmin xid8 NOT NULL DEFAULT pg_snapshot_xmin(pg_current_snapshot());
    ALTER TABLE webhook_deliveries ADD COLUMN run integer NOT NULL DEFAULT 0 CHECK (run >= 0);
    -- Deliveries to one webhook go in event order: the earlier pending one of a webhook is found by this index.
    CREATE INDEX webhook_deliveries_pending_order ON webhook_deliveries (webhook_id, event_id) WHERE status = 'pending';
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DROP INDEX webhook_deliveries_pending_order;
    ALTER TABLE webhook_deliveries DROP COLUMN run;
    ALTER TABLE events DROP COLUMN tx, DROP COLUMN tx_xmin;
  `);
}
