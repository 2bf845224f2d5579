-- A destroyed item is evidence of a finished destruction: nothing may change or delete it, whatever code runs.

CREATE OR REPLACE FUNCTION public.protect_destroyed_item() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
    BEGIN
      IF OLD.status = 'destroyed' THEN
        RAISE EXCEPTION 'stockpile item % is destroyed and cannot change', OLD.reference USING ERRCODE = 'insufficient_privilege';
      END IF;
      RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END $$;

CREATE OR REPLACE TRIGGER stockpile_items_immutable_when_destroyed BEFORE DELETE OR UPDATE ON public.stockpile_items FOR EACH ROW EXECUTE FUNCTION public.protect_destroyed_item();
