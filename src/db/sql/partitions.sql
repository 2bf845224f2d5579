-- Monthly partitions of the record tables that grow for decades (the audit log): created ahead, so a month's first
-- write never waits for DDL. A month already caught by the default partition (the clock jumped ahead of the worker) is
-- left to it rather than failing the caller: the next archive run reports such rows.
CREATE OR REPLACE FUNCTION public.ensure_month_partitions(parent regclass, months_ahead integer, from_month date DEFAULT NULL)
    RETURNS integer
    LANGUAGE plpgsql
    AS $$
    DECLARE m date; name text; created integer := 0;
    BEGIN
      FOR m IN SELECT generate_series(coalesce(from_month, date_trunc('month', now())::date),
                                      (date_trunc('month', now()) + make_interval(months => months_ahead))::date,
                                      interval '1 month')::date
      LOOP
        name := parent::text || '_' || to_char(m, 'YYYY_MM');
        CONTINUE WHEN to_regclass(name) IS NOT NULL;
        BEGIN
          EXECUTE format('CREATE TABLE %I PARTITION OF %s FOR VALUES FROM (%L) TO (%L)', name, parent, m, (m + interval '1 month')::date);
          created := created + 1;
        EXCEPTION WHEN check_violation THEN
          RAISE WARNING 'rows of % are in the default partition of %: month partition not created', m, parent;
        END;
      END LOOP;
      RETURN created;
    END $$;
