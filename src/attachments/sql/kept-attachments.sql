-- Attachments are evidence: never deleted, never edited. The one change a row admits is its retraction, once, leaving
-- every other column as it was (the bytes in storage are never rewritten either: their key and SHA-256 stay).

CREATE OR REPLACE FUNCTION public.protect_attachment() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
    DECLARE
      retraction text[] := ARRAY['retracted_at', 'retracted_by', 'retract_reason'];
    BEGIN
      IF TG_OP = 'UPDATE' AND OLD.retracted_at IS NULL AND NEW.retracted_at IS NOT NULL
         AND (to_jsonb(NEW) - retraction) = (to_jsonb(OLD) - retraction) THEN
        RETURN NEW;
      END IF;
      RAISE EXCEPTION 'attachment % is kept as it was recorded: it may only be retracted, once', OLD.id
        USING ERRCODE = 'insufficient_privilege';
    END $$;

CREATE OR REPLACE TRIGGER attachments_kept BEFORE DELETE OR UPDATE ON public.attachments FOR EACH ROW EXECUTE FUNCTION public.protect_attachment();
