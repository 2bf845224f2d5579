-- A completed destruction event is a record of what was witnessed: the database admits only its verification.

CREATE OR REPLACE FUNCTION public.protect_finished_destruction() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
    DECLARE
      verification text[] := ARRAY['status', 'verified_by', 'verified_at', 'verification_notes', 'updated_at'];
    BEGIN
      IF OLD.status = 'planned' THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
      END IF;
      -- The one change a completed event admits: its verification, leaving every other column as it was.
      IF TG_OP = 'UPDATE' AND OLD.status = 'completed' AND NEW.status = 'verified'
         AND (to_jsonb(NEW) - verification) = (to_jsonb(OLD) - verification) THEN
        RETURN NEW;
      END IF;
      RAISE EXCEPTION 'destruction event % is % and cannot change', OLD.reference, OLD.status USING ERRCODE = 'insufficient_privilege';
    END $$;

CREATE OR REPLACE TRIGGER destruction_events_immutable_when_finished BEFORE DELETE OR UPDATE ON public.destruction_events FOR EACH ROW EXECUTE FUNCTION public.protect_finished_destruction();
