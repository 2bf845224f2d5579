import type { Knex } from 'knex';

const list = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');

const ROLES = ['investigator', 'advisor', 'stockpile_manager', 'admin'];
const OFFENSES = [
  'homicide',
  'attempted_homicide',
  'assault',
  'robbery',
  'extortion',
  'drug_trafficking',
  'arms_trafficking',
  'illegal_possession',
  'found_firearm',
  'other',
];
const WEAPON_TYPES = [
  'pistol',
  'revolver',
  'rifle',
  'shotgun',
  'submachine_gun',
  'machine_gun',
  'derringer',
  'receiver_frame',
  'other',
];
const TRACE_STATUSES = [
  'draft',
  'pending_review',
  'queued',
  'in_progress',
  'needs_info',
  'completed',
  'not_traceable',
  'failed',
  'cancelled',
];
const STAGES = ['manufacturer', 'importer', 'dealer', 'purchaser'];
const CIRCUMSTANCES = ['crime_scene', 'seizure', 'search_warrant', 'traffic_stop', 'found', 'surrendered', 'other'];
const QUALITY_FLAGS = ['urgent', 'obliterated_serial', 'missing_importer'];
const EVENT_TYPES = [
  'created',
  'updated',
  'submitted',
  'approved',
  'returned',
  'started',
  'stage_completed',
  'completed',
  'not_traceable',
  'needs_info',
  'failed',
  'retried',
  'cancelled',
  'assigned',
  'escalated',
];

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE EXTENSION IF NOT EXISTS pgcrypto;

    CREATE FUNCTION next_reference(prefix text, width int) RETURNS text LANGUAGE plpgsql AS $$
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

    CREATE FUNCTION reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
    END $$;

    CREATE TABLE agencies (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      code text NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9][A-Z0-9_-]{1,31}$'),
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      country char(2) NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
      region text NOT NULL CHECK (region ~ '^[a-z0-9][a-z0-9-]{0,63}$'),
      review_required boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX agencies_region ON agencies (region);

    CREATE TABLE users (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      agency_id uuid NOT NULL REFERENCES agencies(id),
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      email text NOT NULL CHECK (email = lower(email)),
      role text NOT NULL CHECK (role IN (${list(ROLES)})),
      password_hash text,
      failed_sign_ins int NOT NULL DEFAULT 0,
      locked_until timestamptz,
      active boolean NOT NULL DEFAULT true,
      deactivated_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT users_email_unique UNIQUE (email),
      CHECK (active OR deactivated_at IS NOT NULL)
    );
    CREATE INDEX users_agency ON users (agency_id, created_at, id);
    CREATE INDEX users_list ON users (created_at, id);

    CREATE TABLE api_tokens (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL REFERENCES users(id),
      kind text NOT NULL DEFAULT 'api' CHECK (kind IN ('api', 'session')),
      token_hash bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz,
      last_used_at timestamptz,
      revoked_at timestamptz
    );
    CREATE INDEX api_tokens_user ON api_tokens (user_id) WHERE revoked_at IS NULL;

    CREATE TABLE cases (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      agency_id uuid NOT NULL REFERENCES agencies(id),
      case_number text NOT NULL CHECK (length(case_number) BETWEEN 1 AND 64),
      title text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
      offense text NOT NULL CHECK (offense IN (${list(OFFENSES)})),
      status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
      opened_at date NOT NULL DEFAULT current_date,
      created_by uuid NOT NULL REFERENCES users(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT cases_agency_case_number_unique UNIQUE (agency_id, case_number)
    );
    CREATE INDEX cases_agency_list ON cases (agency_id, created_at DESC, id DESC);
    CREATE INDEX cases_list ON cases (created_at DESC, id DESC);
    CREATE INDEX cases_status ON cases (status, created_at DESC, id DESC);

    CREATE TABLE weapons (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      manufacturer text NOT NULL CHECK (length(manufacturer) BETWEEN 1 AND 120),
      manufacturer_normalized text NOT NULL,
      model text NOT NULL CHECK (length(model) BETWEEN 1 AND 120),
      caliber text NOT NULL CHECK (length(caliber) BETWEEN 1 AND 60),
      type text NOT NULL CHECK (type IN (${list(WEAPON_TYPES)})),
      serial_number text CHECK (length(serial_number) BETWEEN 1 AND 64),
      serial_normalized text,
      serial_obliterated boolean NOT NULL DEFAULT false,
      importer text CHECK (length(importer) BETWEEN 1 AND 200),
      country_of_manufacture char(2) NOT NULL CHECK (country_of_manufacture ~ '^[A-Z]{2}$'),
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK (serial_number IS NOT NULL OR serial_obliterated),
      CHECK ((serial_number IS NULL) = (serial_normalized IS NULL))
    );
    CREATE UNIQUE INDEX weapons_identity ON weapons (manufacturer_normalized, serial_normalized)
      WHERE serial_normalized IS NOT NULL;
    CREATE INDEX weapons_serial ON weapons (serial_normalized text_pattern_ops);

    CREATE TABLE case_weapons (
      case_id uuid NOT NULL REFERENCES cases(id),
      weapon_id uuid NOT NULL REFERENCES weapons(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (case_id, weapon_id)
    );
    CREATE INDEX case_weapons_weapon ON case_weapons (weapon_id);

    CREATE TABLE traces (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      reference text NOT NULL UNIQUE DEFAULT next_reference('TR', 6),
      agency_id uuid NOT NULL REFERENCES agencies(id),
      case_id uuid NOT NULL REFERENCES cases(id),
      weapon_id uuid NOT NULL REFERENCES weapons(id),
      weapon jsonb NOT NULL,
      status text NOT NULL CHECK (status IN (${list(TRACE_STATUSES)})),
      stage text CHECK (stage IN (${list(STAGES)})),
      urgent boolean NOT NULL DEFAULT false,
      urgent_reason text,
      quality_flags text[] NOT NULL DEFAULT '{}' CHECK (quality_flags <@ ARRAY[${list(QUALITY_FLAGS)}]::text[]),
      recovery_date date NOT NULL,
      recovery_country char(2) CHECK (recovery_country ~ '^[A-Z]{2}$'),
      recovery_department text,
      recovery_municipality text,
      recovery_address text,
      recovery_latitude double precision CHECK (recovery_latitude BETWEEN -90 AND 90),
      recovery_longitude double precision CHECK (recovery_longitude BETWEEN -180 AND 180),
      recovery_circumstance text NOT NULL CHECK (recovery_circumstance IN (${list(CIRCUMSTANCES)})),
      possessor jsonb,
      notes text,
      assigned_to uuid REFERENCES users(id),
      attempts int NOT NULL DEFAULT 0 CHECK (attempts >= 0),
      result jsonb,
      created_by uuid NOT NULL REFERENCES users(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      status_changed_at timestamptz NOT NULL DEFAULT now(),
      submitted_at timestamptz,
      completed_at timestamptz,
      CHECK (NOT urgent OR urgent_reason IS NOT NULL),
      CHECK ((stage IS NULL) OR status IN ('in_progress', 'completed', 'not_traceable', 'needs_info', 'failed', 'cancelled'))
    );
    CREATE UNIQUE INDEX traces_no_duplicate ON traces (case_id, weapon_id, recovery_date) WHERE status <> 'cancelled';
    CREATE INDEX traces_agency_list ON traces (agency_id, created_at DESC, id DESC);
    CREATE INDEX traces_list ON traces (created_at DESC, id DESC);
    CREATE INDEX traces_status_list ON traces (status, created_at DESC, id DESC);
    CREATE INDEX traces_case ON traces (case_id, created_at DESC, id DESC);
    CREATE INDEX traces_weapon ON traces (weapon_id, created_at DESC, id DESC);
    CREATE INDEX traces_urgent ON traces (created_at DESC, id DESC) WHERE urgent;
    CREATE INDEX traces_assigned ON traces (assigned_to) WHERE assigned_to IS NOT NULL;
    CREATE INDEX traces_recovery_date ON traces (recovery_date);

    CREATE TABLE trace_events (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      trace_id uuid NOT NULL REFERENCES traces(id),
      at timestamptz NOT NULL DEFAULT clock_timestamp(),
      type text NOT NULL CHECK (type IN (${list(EVENT_TYPES)})),
      from_status text CHECK (from_status IN (${list(TRACE_STATUSES)})),
      to_status text NOT NULL CHECK (to_status IN (${list(TRACE_STATUSES)})),
      stage text CHECK (stage IN (${list(STAGES)})),
      actor_id uuid REFERENCES users(id),
      message text
    );
    CREATE INDEX trace_events_trace ON trace_events (trace_id, id);

    CREATE TABLE idempotency_keys (
      user_id uuid NOT NULL REFERENCES users(id),
      key text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
      request_hash bytea NOT NULL,
      status_code int,
      response jsonb,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (user_id, key)
    );
    CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

    CREATE TABLE audit_log (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      at timestamptz NOT NULL DEFAULT clock_timestamp(),
      component text NOT NULL CHECK (component IN ('api', 'worker', 'cli')),
      action text NOT NULL,
      outcome text NOT NULL DEFAULT 'success' CHECK (outcome IN ('success', 'denied', 'failure')),
      actor_id uuid,
      role text CHECK (role IN (${list(ROLES)})),
      agency_id uuid,
      entity text,
      entity_id text,
      request_id text,
      ip text,
      details jsonb
    );
    CREATE INDEX audit_log_at ON audit_log (at DESC, id DESC);
    CREATE INDEX audit_log_entity ON audit_log (entity, entity_id, id DESC);
    CREATE INDEX audit_log_actor ON audit_log (actor_id, id DESC);
    CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
      FOR EACH ROW EXECUTE FUNCTION reject_change();
    CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
      FOR EACH STATEMENT EXECUTE FUNCTION reject_change();
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DROP TABLE audit_log, idempotency_keys, trace_events, traces, case_weapons, weapons, cases, api_tokens, users, agencies;
    DROP FUNCTION reject_change(), next_reference(text, int);
  `);
}
