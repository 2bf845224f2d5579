import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER TABLE traces ADD COLUMN queue_run int NOT NULL DEFAULT 0 CHECK (queue_run >= 0);
    ALTER TABLE traces ADD CONSTRAINT traces_result_only_when_final
      CHECK ((result IS NOT NULL) = (status IN ('completed', 'not_traceable')));

    -- Written in the same transaction as the transition; relayed to BullMQ with FOR UPDATE SKIP LOCKED.
    CREATE TABLE trace_outbox (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      trace_id uuid NOT NULL REFERENCES traces(id),
      kind text NOT NULL CHECK (kind IN ('enqueue', 'reprioritize')),
      run int NOT NULL,
      urgent boolean NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX trace_outbox_trace ON trace_outbox (trace_id);

    -- One row per finished stage of one run: the primary key is what keeps a re-run job from recording a stage twice.
    CREATE TABLE trace_stages (
      trace_id uuid NOT NULL REFERENCES traces(id),
      run int NOT NULL,
      stage text NOT NULL CHECK (stage IN ('manufacturer', 'importer', 'dealer', 'purchaser')),
      facts jsonb NOT NULL DEFAULT '{}',
      finished_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (trace_id, run, stage)
    );

    ALTER TABLE trace_events ADD COLUMN run int;
    CREATE UNIQUE INDEX trace_events_one_per_stage ON trace_events (trace_id, run, stage) WHERE type = 'stage_completed';
    CREATE INDEX traces_open_pipeline ON traces (status_changed_at) WHERE status IN ('queued', 'in_progress');
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DROP INDEX traces_open_pipeline;
    DROP INDEX trace_events_one_per_stage;
    ALTER TABLE trace_events DROP COLUMN run;
    DROP TABLE trace_stages, trace_outbox;
    ALTER TABLE traces DROP CONSTRAINT traces_result_only_when_final, DROP COLUMN queue_run;
  `);
}
