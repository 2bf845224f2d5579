import type { Knex } from 'knex';

const OPEN = "'pending_review', 'queued', 'in_progress', 'needs_info', 'failed'";

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    -- The region of the trace's agency, kept on the trace (the agency's region changes with one UPDATE of its traces):
    -- an advisor's queue is then one range of one index, however many other regions' traces sort before it.
    ALTER TABLE traces ADD COLUMN region text;
    UPDATE traces t SET region = a.region FROM agencies a WHERE a.id = t.agency_id;
    ALTER TABLE traces ALTER COLUMN region SET NOT NULL;
    DROP INDEX traces_review_queue;
    CREATE INDEX traces_review_queue_region ON traces (region, urgent DESC, status_changed_at, id) WHERE status IN (${OPEN});
    CREATE INDEX traces_default_queue_region ON traces (region, urgent DESC, status_changed_at, id) WHERE status IN ('pending_review', 'failed');
    CREATE INDEX traces_completed_region ON traces (region, completed_at) INCLUDE (submitted_at)
      WHERE status IN ('completed', 'not_traceable');
    -- Counts now come from trace_counts and completions from the region index: these only cost every insert.
    DROP INDEX traces_agency_status, traces_completed_at, traces_recovery_date;
    CREATE INDEX traces_report_region ON traces (region, recovery_date)
      INCLUDE (status, outcome, time_to_crime_days, recovery_department) WHERE status NOT IN ('draft', 'cancelled');

    -- Traces per agency and status, kept by the statements that change them (statement-level triggers, one upsert per
    -- statement however many rows), in 8 shards so that concurrent submissions of one agency do not queue on one row.
    CREATE TABLE trace_counts (
      agency_id uuid NOT NULL REFERENCES agencies(id),
      status text NOT NULL,
      shard smallint NOT NULL CHECK (shard BETWEEN 0 AND 7),
      n bigint NOT NULL DEFAULT 0,
      urgent bigint NOT NULL DEFAULT 0,
      PRIMARY KEY (agency_id, status, shard)
    );
    INSERT INTO trace_counts (agency_id, status, shard, n, urgent)
      SELECT agency_id, status, 0, count(*), count(*) FILTER (WHERE urgent) FROM traces GROUP BY agency_id, status;

    CREATE FUNCTION count_inserted_traces() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO trace_counts AS c (agency_id, status, shard, n, urgent)
        SELECT agency_id, status, floor(random() * 8)::smallint, count(*), count(*) FILTER (WHERE urgent) FROM new_rows GROUP BY 1, 2
        ON CONFLICT (agency_id, status, shard) DO UPDATE SET n = c.n + EXCLUDED.n, urgent = c.urgent + EXCLUDED.urgent;
      RETURN NULL;
    END $$;
    CREATE FUNCTION count_updated_traces() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO trace_counts AS c (agency_id, status, shard, n, urgent)
        SELECT agency_id, status, floor(random() * 8)::smallint, sum(n), sum(u) FROM (
            SELECT agency_id, status, 1 AS n, urgent::int AS u FROM new_rows
            UNION ALL SELECT agency_id, status, -1, -urgent::int FROM old_rows) d
         GROUP BY 1, 2 HAVING sum(n) <> 0 OR sum(u) <> 0
        ON CONFLICT (agency_id, status, shard) DO UPDATE SET n = c.n + EXCLUDED.n, urgent = c.urgent + EXCLUDED.urgent;
      RETURN NULL;
    END $$;
    CREATE FUNCTION count_deleted_traces() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO trace_counts AS c (agency_id, status, shard, n, urgent)
        SELECT agency_id, status, floor(random() * 8)::smallint, -count(*), -count(*) FILTER (WHERE urgent) FROM old_rows GROUP BY 1, 2
        ON CONFLICT (agency_id, status, shard) DO UPDATE SET n = c.n + EXCLUDED.n, urgent = c.urgent + EXCLUDED.urgent;
      RETURN NULL;
    END $$;
    CREATE TRIGGER traces_counted_insert AFTER INSERT ON traces REFERENCING NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION count_inserted_traces();
    -- (transition tables cannot go with a column list: the function writes nothing when no count changed)
    CREATE TRIGGER traces_counted_update AFTER UPDATE ON traces
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION count_updated_traces();
    CREATE TRIGGER traces_counted_delete AFTER DELETE ON traces REFERENCING OLD TABLE AS old_rows
      FOR EACH STATEMENT EXECUTE FUNCTION count_deleted_traces();

    -- An idempotency key claimed by a creating statement names what it created, so a retry that arrives before the
    -- answer is stored can still be answered.
    ALTER TABLE idempotency_keys ADD COLUMN resource_id uuid;
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER TABLE idempotency_keys DROP COLUMN resource_id;
    DROP TRIGGER traces_counted_insert ON traces;
    DROP TRIGGER traces_counted_update ON traces;
    DROP TRIGGER traces_counted_delete ON traces;
    DROP FUNCTION count_inserted_traces(), count_updated_traces(), count_deleted_traces();
    DROP TABLE trace_counts;
    DROP INDEX traces_report_region, traces_completed_region, traces_default_queue_region, traces_review_queue_region;
    CREATE INDEX traces_review_queue ON traces (urgent DESC, status_changed_at, id) WHERE status IN (${OPEN});
    ALTER TABLE traces DROP COLUMN region;
    CREATE INDEX traces_agency_status ON traces (agency_id, status);
    CREATE INDEX traces_completed_at ON traces (completed_at) WHERE completed_at IS NOT NULL;
    CREATE INDEX traces_recovery_date ON traces (recovery_date);
  `);
}
