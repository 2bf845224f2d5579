-- Guards every table relies on: record versions for ETag/If-Match, append-only logs, yearly human references.

-- A versioned record (trace, case, stockpile item, destruction event) moves to the next version on every UPDATE, so an
-- ETag can never be stale without the database knowing, whoever wrote the row.
CREATE OR REPLACE FUNCTION public.next_version() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
    BEGIN
      NEW.version := OLD.version + 1;
      RETURN NEW;
    END $$;

CREATE OR REPLACE TRIGGER cases_version BEFORE UPDATE ON public.cases FOR EACH ROW EXECUTE FUNCTION public.next_version();
CREATE OR REPLACE TRIGGER destruction_events_version BEFORE UPDATE ON public.destruction_events FOR EACH ROW EXECUTE FUNCTION public.next_version();
CREATE OR REPLACE TRIGGER stockpile_items_version BEFORE UPDATE ON public.stockpile_items FOR EACH ROW EXECUTE FUNCTION public.next_version();
CREATE OR REPLACE TRIGGER traces_version BEFORE UPDATE ON public.traces FOR EACH ROW EXECUTE FUNCTION public.next_version();

-- Logs that are evidence (the audit log, custody events) are written once: any UPDATE, DELETE or TRUNCATE is refused.
CREATE OR REPLACE FUNCTION public.reject_change() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
    BEGIN
      RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
    END $$;

CREATE OR REPLACE TRIGGER audit_log_append_only BEFORE DELETE OR UPDATE ON public.audit_log FOR EACH ROW EXECUTE FUNCTION public.reject_change();
CREATE OR REPLACE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON public.audit_log FOR EACH STATEMENT EXECUTE FUNCTION public.reject_change();
CREATE OR REPLACE TRIGGER stockpile_events_append_only BEFORE DELETE OR UPDATE ON public.stockpile_events FOR EACH ROW EXECUTE FUNCTION public.reject_change();

-- TR-2026-000042: one sequence per prefix and year, created on the year's first use (two first uses at once both
-- succeed), so references are unique, never reused, and restart every year.
CREATE OR REPLACE FUNCTION public.next_reference(prefix text, width integer) RETURNS text
    LANGUAGE plpgsql
    AS $$
    DECLARE
      year int := extract(year FROM now() AT TIME ZONE 'UTC');
      seq text := lower(prefix) || '_reference_' || year;
      n bigint;
    BEGIN
      IF to_regclass(seq) IS NULL THEN
        BEGIN
          EXECUTE format('CREATE SEQUENCE IF NOT EXISTS %I', seq);
        EXCEPTION WHEN unique_violation OR duplicate_table THEN NULL;
        END;
      END IF;
      n := nextval(seq);
      RETURN prefix || '-' || year || '-' || CASE WHEN length(n::text) >= width THEN n::text ELSE lpad(n::text, width, '0') END;
    END $$;
