import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE destruction_events (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      reference text NOT NULL UNIQUE DEFAULT next_reference('DE', 4),
      agency_id uuid NOT NULL REFERENCES agencies(id),
      status text NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'completed', 'verified')),
      planned_for date NOT NULL,
      method text NOT NULL CHECK (method IN ('cutting', 'crushing', 'smelting', 'shredding', 'burning', 'other')),
      location text NOT NULL CHECK (length(location) BETWEEN 1 AND 300),
      performed_at timestamptz,
      witnesses jsonb,
      certificate_number text,
      notes text,
      completed_by uuid REFERENCES users(id),
      completed_at timestamptz,
      verified_by uuid REFERENCES users(id),
      verified_at timestamptz,
      verification_notes text,
      created_by uuid NOT NULL REFERENCES users(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK (status = 'planned' OR (performed_at IS NOT NULL AND completed_by IS NOT NULL AND completed_at IS NOT NULL
        AND jsonb_typeof(witnesses) = 'array' AND jsonb_array_length(witnesses) >= 2)),
      CHECK (status <> 'verified' OR (verified_by IS NOT NULL AND verified_at IS NOT NULL AND verified_by <> completed_by))
    );
    CREATE INDEX destruction_events_agency ON destruction_events (agency_id, created_at DESC, id DESC);
    CREATE INDEX destruction_events_list ON destruction_events (created_at DESC, id DESC);

    CREATE TABLE stockpile_items (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      reference text NOT NULL UNIQUE DEFAULT next_reference('SI', 6),
      agency_id uuid NOT NULL REFERENCES agencies(id),
      weapon_id uuid NOT NULL REFERENCES weapons(id),
      case_id uuid REFERENCES cases(id),
      source text NOT NULL CHECK (source IN ('seized', 'surplus', 'surrendered', 'found')),
      intake_date date NOT NULL,
      storage_location text NOT NULL CHECK (length(storage_location) BETWEEN 1 AND 200),
      status text NOT NULL DEFAULT 'in_custody' CHECK (status IN ('in_custody', 'scheduled', 'destroyed')),
      evidence_hold boolean NOT NULL DEFAULT false,
      destruction_id uuid REFERENCES destruction_events(id),
      created_by uuid NOT NULL REFERENCES users(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((status = 'in_custody') = (destruction_id IS NULL)),
      CHECK (NOT (evidence_hold AND status <> 'in_custody'))
    );
    -- One weapon, one active custody record.
    CREATE UNIQUE INDEX stockpile_items_active_weapon ON stockpile_items (weapon_id) WHERE status <> 'destroyed';
    CREATE INDEX stockpile_items_agency ON stockpile_items (agency_id, created_at DESC, id DESC);
    CREATE INDEX stockpile_items_status ON stockpile_items (agency_id, status, created_at DESC, id DESC);
    CREATE INDEX stockpile_items_destruction ON stockpile_items (destruction_id);
    CREATE INDEX stockpile_items_weapon ON stockpile_items (weapon_id);

    CREATE TABLE stockpile_events (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      item_id uuid NOT NULL REFERENCES stockpile_items(id),
      at timestamptz NOT NULL DEFAULT clock_timestamp(),
      type text NOT NULL CHECK (type IN ('intake', 'hold', 'release_hold', 'scheduled', 'unscheduled', 'destroyed')),
      destruction_id uuid REFERENCES destruction_events(id),
      actor_id uuid REFERENCES users(id),
      reason text
    );
    CREATE INDEX stockpile_events_item ON stockpile_events (item_id, id);

    -- Records that never change once a weapon is destroyed: corrections are new entries.
    CREATE FUNCTION protect_destroyed_item() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF OLD.status = 'destroyed' THEN
        RAISE EXCEPTION 'stockpile item % is destroyed and cannot change', OLD.reference USING ERRCODE = 'insufficient_privilege';
      END IF;
      RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END $$;
    CREATE TRIGGER stockpile_items_immutable_when_destroyed BEFORE UPDATE OR DELETE ON stockpile_items
      FOR EACH ROW EXECUTE FUNCTION protect_destroyed_item();

    CREATE FUNCTION protect_finished_destruction() RETURNS trigger LANGUAGE plpgsql AS $$
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
    CREATE TRIGGER destruction_events_immutable_when_finished BEFORE UPDATE OR DELETE ON destruction_events
      FOR EACH ROW EXECUTE FUNCTION protect_finished_destruction();
    CREATE TRIGGER stockpile_events_append_only BEFORE UPDATE OR DELETE ON stockpile_events
      FOR EACH ROW EXECUTE FUNCTION reject_change();
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DROP TABLE stockpile_events, stockpile_items, destruction_events;
    DROP FUNCTION protect_destroyed_item(), protect_finished_destruction();
  `);
}
