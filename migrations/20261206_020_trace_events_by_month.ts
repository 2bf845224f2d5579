import type { Knex } from 'knex';

/**
 * Trace events, like the audit log, become a table partitioned by month (`at`), archived with it. Their unique "one
 * stage completion per trace, run and stage" index cannot stand on a partitioned table without the partition key: the
 * rule stays where it is enforced first, `trace_stages`' primary key — a stage's event is written only when its
 * `trace_stages` row was new (src/traces/writes/progress.ts) — and the index becomes a plain one for lookups.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER TABLE trace_events RENAME TO trace_events_unpartitioned;
    ALTER INDEX trace_events_pkey RENAME TO trace_events_unpartitioned_pkey;
    ALTER INDEX trace_events_trace RENAME TO trace_events_unpartitioned_trace;
    DROP INDEX trace_events_one_per_stage;
    ALTER TABLE trace_events_unpartitioned RENAME CONSTRAINT trace_events_actor_id_fkey TO trace_events_unpartitioned_actor_id_fkey;
    ALTER TABLE trace_events_unpartitioned RENAME CONSTRAINT trace_events_trace_id_fkey TO trace_events_unpartitioned_trace_id_fkey;
    DROP TRIGGER IF EXISTS trace_events_indicators ON trace_events_unpartitioned;
    DROP TRIGGER IF EXISTS trace_events_publish ON trace_events_unpartitioned;

    CREATE SEQUENCE trace_events_seq AS bigint;
    SELECT setval('trace_events_seq', coalesce((SELECT max(id) FROM trace_events_unpartitioned), 0) + 1, false);
    CREATE TABLE trace_events (
      id bigint NOT NULL DEFAULT nextval('trace_events_seq'),
      trace_id uuid NOT NULL REFERENCES traces(id),
      at timestamptz NOT NULL DEFAULT clock_timestamp(),
      type text NOT NULL CHECK (type IN ('created', 'updated', 'submitted', 'approved', 'returned', 'started',
        'stage_completed', 'completed', 'not_traceable', 'needs_info', 'failed', 'retried', 'cancelled', 'assigned',
        'escalated')),
      from_status text CHECK (from_status IN ('draft', 'pending_review', 'queued', 'in_progress', 'needs_info',
        'completed', 'not_traceable', 'failed', 'cancelled')),
      to_status text NOT NULL CHECK (to_status IN ('draft', 'pending_review', 'queued', 'in_progress', 'needs_info',
        'completed', 'not_traceable', 'failed', 'cancelled')),
      stage text CHECK (stage IN ('manufacturer', 'importer', 'dealer', 'purchaser')),
      actor_id uuid REFERENCES users(id),
      message text,
      run integer,
      message_code text CHECK (message_code ~ '^[a-z][a-z_]{0,63}$'),
      message_params jsonb CHECK (message_params IS NULL OR jsonb_typeof(message_params) = 'object'),
      PRIMARY KEY (id, at)
    ) PARTITION BY RANGE (at);
    ALTER SEQUENCE trace_events_seq OWNED BY trace_events.id;
    CREATE INDEX trace_events_trace ON trace_events (trace_id, id);
    CREATE INDEX trace_events_stage ON trace_events (trace_id, run, stage) WHERE type = 'stage_completed';
    CREATE TABLE trace_events_default PARTITION OF trace_events DEFAULT;

    DO $$
    DECLARE m date;
    BEGIN
      FOR m IN SELECT generate_series(
                 date_trunc('month', least(coalesce((SELECT min(at) FROM trace_events_unpartitioned), now()), now())),
                 date_trunc('month', now()) + interval '3 months', interval '1 month')::date
      LOOP
        EXECUTE format('CREATE TABLE %I PARTITION OF trace_events FOR VALUES FROM (%L) TO (%L)',
                       'trace_events_' || to_char(m, 'YYYY_MM'), m, (m + interval '1 month')::date);
      END LOOP;
    END $$;

    INSERT INTO trace_events (id, trace_id, at, type, from_status, to_status, stage, actor_id, message, run, message_code,
                              message_params)
    SELECT id, trace_id, at, type, from_status, to_status, stage, actor_id, message, run, message_code, message_params
      FROM trace_events_unpartitioned;
    DROP TABLE trace_events_unpartitioned;
    DELETE FROM database_code;
  `);
}

export async function down(): Promise<void> {
  // Going back would mean copying every month into one table again; restore from a backup taken before instead.
}
