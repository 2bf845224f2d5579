import type { Knex } from 'knex';

/**
 * `trace.stage_completed`: each stage the tracing center answers is an event, so the trace page follows a trace's
 * stages on the live stream instead of polling (issue 30). Webhooks may ask for it too (it is not among a new
 * webhook's defaults in the web UI: it comes several times per trace).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER TABLE events DROP CONSTRAINT events_type_check,
      ADD CONSTRAINT events_type_check CHECK (type IN ('trace.status_changed', 'trace.stage_completed', 'alert.created',
        'destruction.completed', 'destruction.verified', 'ping'));
    ALTER TABLE webhooks DROP CONSTRAINT webhooks_events_check,
      ADD CONSTRAINT webhooks_events_check CHECK (cardinality(events) >= 1 AND events <@ ARRAY['trace.status_changed',
        'trace.stage_completed', 'alert.created', 'destruction.completed', 'destruction.verified']);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DELETE FROM events WHERE type = 'trace.stage_completed';
    UPDATE webhooks SET events = array_remove(events, 'trace.stage_completed');
    ALTER TABLE events DROP CONSTRAINT events_type_check,
      ADD CONSTRAINT events_type_check CHECK (type IN ('trace.status_changed', 'alert.created', 'destruction.completed',
        'destruction.verified', 'ping'));
    ALTER TABLE webhooks DROP CONSTRAINT webhooks_events_check,
      ADD CONSTRAINT webhooks_events_check CHECK (cardinality(events) >= 1 AND events <@ ARRAY['trace.status_changed',
        'alert.created', 'destruction.completed', 'destruction.verified']);
  `);
}
