-- Per-agency, per-status trace counts for the queue summary, kept by statement-level triggers in the statement that
-- changes the traces. Eight shards per (agency, status), chosen at random, so concurrent statements rarely touch one row.

-- New traces count up.
CREATE OR REPLACE FUNCTION public.count_inserted_traces() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
    BEGIN
      INSERT INTO trace_counts AS c (agency_id, status, shard, n, urgent)
        SELECT agency_id, status, floor(random() * 8)::smallint, count(*), count(*) FILTER (WHERE urgent) FROM new_rows GROUP BY 1, 2
        ON CONFLICT (agency_id, status, shard) DO UPDATE SET n = c.n + EXCLUDED.n, urgent = c.urgent + EXCLUDED.urgent;
      RETURN NULL;
    END $$;

CREATE OR REPLACE TRIGGER traces_counted_insert AFTER INSERT ON public.traces REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.count_inserted_traces();

-- A status change moves a count from one status to another (urgency too).
CREATE OR REPLACE FUNCTION public.count_updated_traces() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
    BEGIN
      INSERT INTO trace_counts AS c (agency_id, status, shard, n, urgent)
        SELECT agency_id, status, floor(random() * 8)::smallint, sum(n), sum(u) FROM (
            SELECT agency_id, status, 1 AS n, urgent::int AS u FROM new_rows
            UNION ALL SELECT agency_id, status, -1, -urgent::int FROM old_rows) d
         GROUP BY 1, 2 HAVING sum(n) <> 0 OR sum(u) <> 0
        ON CONFLICT (agency_id, status, shard) DO UPDATE SET n = c.n + EXCLUDED.n, urgent = c.urgent + EXCLUDED.urgent;
      RETURN NULL;
    END $$;

CREATE OR REPLACE TRIGGER traces_counted_update AFTER UPDATE ON public.traces REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.count_updated_traces();

-- Deleted traces (test clean-up, archival) count down.
CREATE OR REPLACE FUNCTION public.count_deleted_traces() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
    BEGIN
      INSERT INTO trace_counts AS c (agency_id, status, shard, n, urgent)
        SELECT agency_id, status, floor(random() * 8)::smallint, -count(*), -count(*) FILTER (WHERE urgent) FROM old_rows GROUP BY 1, 2
        ON CONFLICT (agency_id, status, shard) DO UPDATE SET n = c.n + EXCLUDED.n, urgent = c.urgent + EXCLUDED.urgent;
      RETURN NULL;
    END $$;

CREATE OR REPLACE TRIGGER traces_counted_delete AFTER DELETE ON public.traces REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION public.count_deleted_traces();
