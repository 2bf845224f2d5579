CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA public;

CREATE FUNCTION public.count_deleted_traces() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
    BEGIN
      INSERT INTO trace_counts AS c (agency_id, status, shard, n, urgent)
        SELECT agency_id, status, floor(random() * 8)::smallint, -count(*), -count(*) FILTER (WHERE urgent) FROM old_rows GROUP BY 1, 2
        ON CONFLICT (agency_id, status, shard) DO UPDATE SET n = c.n + EXCLUDED.n, urgent = c.urgent + EXCLUDED.urgent;
      RETURN NULL;
    END $$;

CREATE FUNCTION public.count_inserted_traces() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
    BEGIN
      INSERT INTO trace_counts AS c (agency_id, status, shard, n, urgent)
        SELECT agency_id, status, floor(random() * 8)::smallint, count(*), count(*) FILTER (WHERE urgent) FROM new_rows GROUP BY 1, 2
        ON CONFLICT (agency_id, status, shard) DO UPDATE SET n = c.n + EXCLUDED.n, urgent = c.urgent + EXCLUDED.urgent;
      RETURN NULL;
    END $$;

CREATE FUNCTION public.count_updated_traces() RETURNS trigger
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

CREATE FUNCTION public.ensure_month_partitions(parent regclass, months_ahead integer, from_month date DEFAULT NULL::date) RETURNS integer
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

CREATE FUNCTION public.indicator_candidates(ids uuid[], rules jsonb) RETURNS TABLE(kind text, key text, details jsonb, qualifies boolean, trace_id uuid, weapon_id uuid, agency_id uuid, region text, seen_at timestamp with time zone)
    LANGUAGE sql STABLE
    AS $$
      SELECT c.kind, c.key, c.details, c.qualifies, t.id, t.weapon_id, t.agency_id, coalesce(t.region, a.region), coalesce(t.completed_at, now())
        FROM traces t
        JOIN weapons w ON w.id = t.weapon_id
        JOIN agencies a ON a.id = t.agency_id
        CROSS JOIN LATERAL (VALUES (t.result->'purchaser', t.result->'dealer', (t.result->>'timeToCrimeDays')::int)) r(purchaser, dealer, ttc)
        CROSS JOIN LATERAL (
          SELECT 'repeat_purchaser', upper(trim(r.purchaser->>'lastName')) || ', ' || upper(trim(r.purchaser->>'firstName')) || ' (' || (r.purchaser->>'dateOfBirth') || ')',
                 jsonb_build_object('purchaser', jsonb_build_object('firstName', r.purchaser->>'firstName', 'lastName', r.purchaser->>'lastName',
                                                                    'dateOfBirth', r.purchaser->>'dateOfBirth')), true
           WHERE r.purchaser->>'lastName' IS NOT NULL AND r.purchaser->>'dateOfBirth' IS NOT NULL
          UNION ALL
          SELECT 'dealer_cluster', upper(trim(r.dealer->>'licenseNumber')), jsonb_build_object('dealer', r.dealer), coalesce(r.ttc < (rules->'dealer_cluster'->>'maxDays')::int, false)
           WHERE r.dealer->>'licenseNumber' IS NOT NULL
          UNION ALL
          SELECT 'short_time_to_crime', t.reference, jsonb_build_object('timeToCrimeDays', r.ttc, 'saleDate', t.result->>'saleDate'), true
           WHERE r.ttc < (rules->'short_time_to_crime'->>'maxDays')::int
          UNION ALL
          SELECT 'serial_sequence', w.manufacturer_normalized || ' | ' || upper(trim(w.model)) || ' | ' || left(w.serial_normalized, -(rules->'serial_sequence'->>'serialTail')::int),
                 jsonb_build_object('manufacturer', w.manufacturer, 'model', w.model, 'serialPrefix', left(w.serial_normalized, -(rules->'serial_sequence'->>'serialTail')::int)), true
           WHERE length(w.serial_normalized) >= 5
        ) c(kind, key, details, qualifies)
       WHERE t.id = ANY(ids) AND t.status = 'completed' AND t.result IS NOT NULL
    $$;

CREATE FUNCTION public.indicator_met(kind text, traces integer, weapons integer, rules jsonb) RETURNS boolean
    LANGUAGE sql IMMUTABLE
    AS $$
      SELECT traces >= (rules->kind->>'minTraces')::int AND weapons >= (rules->kind->>'minWeapons')::int
    $$;

CREATE FUNCTION public.next_reference(prefix text, width integer) RETURNS text
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

CREATE FUNCTION public.next_version() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
    BEGIN
      NEW.version := OLD.version + 1;
      RETURN NEW;
    END $$;

CREATE FUNCTION public.protect_attachment() RETURNS trigger
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

CREATE FUNCTION public.protect_destroyed_item() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
    BEGIN
      IF OLD.status = 'destroyed' THEN
        RAISE EXCEPTION 'stockpile item % is destroyed and cannot change', OLD.reference USING ERRCODE = 'insufficient_privilege';
      END IF;
      RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END $$;

CREATE FUNCTION public.protect_finished_destruction() RETURNS trigger
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

CREATE FUNCTION public.publish_events(ids bigint[]) RETURNS void
    LANGUAGE plpgsql
    AS $$
    DECLARE wanted bigint;
    BEGIN
      IF coalesce(cardinality(ids), 0) = 0 THEN RETURN; END IF;
      WITH ob AS (
        INSERT INTO event_outbox (event_id)
        SELECT e.id FROM events e WHERE e.id = ANY(ids) AND wanted_by_webhooks(e.type, e.agency_ids) ORDER BY e.id
        RETURNING event_id)
      SELECT count(*) INTO wanted FROM ob;
      PERFORM pg_notify('rastreo_events', (SELECT min(i) || ',' || max(i) FROM unnest(ids) i));
      IF wanted > 0 THEN PERFORM pg_notify('rastreo_webhook_outbox', ''); END IF;
    END $$;

CREATE FUNCTION public.record_alert_events() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
    DECLARE ids bigint[];
    BEGIN
      WITH ins AS (
        INSERT INTO events (type, subject_id, agency_ids, data)
        SELECT 'alert.created', a.id, a.agency_ids,
               jsonb_build_object('alertId', a.id, 'kind', a.kind, 'severity', a.severity,
                                  'subject', jsonb_build_object('type', a.subject_type, 'id', a.subject_id, 'reference', a.subject_reference))
          FROM new_rows a ORDER BY a.created_at
        RETURNING id)
      SELECT array_agg(id) INTO ids FROM ins;
      PERFORM publish_events(ids);
      RETURN NULL;
    END $$;

CREATE FUNCTION public.record_completed_traces() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
    BEGIN
      INSERT INTO indicator_outbox (trace_id)
        SELECT DISTINCT trace_id FROM new_rows WHERE to_status = 'completed' AND from_status IS DISTINCT FROM 'completed'
        ON CONFLICT DO NOTHING;
      IF FOUND THEN PERFORM pg_notify('rastreo_indicator_outbox', ''); END IF;
      RETURN NULL;
    END $$;

CREATE FUNCTION public.record_destruction_events() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
    DECLARE new_id bigint;
    BEGIN
      IF NEW.status IS DISTINCT FROM OLD.status AND NEW.status IN ('completed', 'verified') THEN
        INSERT INTO events (type, subject_id, agency_ids, data)
        VALUES ('destruction.' || NEW.status, NEW.id, ARRAY[NEW.agency_id],
                jsonb_build_object('destructionId', NEW.id, 'reference', NEW.reference, 'agencyId', NEW.agency_id))
        RETURNING id INTO new_id;
        PERFORM publish_events(ARRAY[new_id]);
      END IF;
      RETURN NULL;
    END $$;

CREATE FUNCTION public.record_indicator_outbox(batch integer, rules jsonb) RETURNS integer
    LANGUAGE plpgsql
    AS $$
    DECLARE ids uuid[];
    BEGIN
      WITH taken AS (
        DELETE FROM indicator_outbox WHERE trace_id IN (
          SELECT trace_id FROM indicator_outbox ORDER BY queued_at, trace_id LIMIT batch FOR UPDATE SKIP LOCKED)
        RETURNING trace_id)
      SELECT array_agg(trace_id) INTO ids FROM taken;
      PERFORM record_indicators(ids, rules);
      RETURN coalesce(cardinality(ids), 0);
    END $$;

CREATE FUNCTION public.record_indicators(ids uuid[], rules jsonb) RETURNS void
    LANGUAGE plpgsql
    AS $$
    BEGIN
      IF ids IS NULL OR cardinality(ids) = 0 THEN RETURN; END IF;
      INSERT INTO indicators AS i (kind, key, details)
      SELECT DISTINCT ON (c.kind, c.key) c.kind, c.key, c.details FROM indicator_candidates(ids, rules) c ORDER BY c.kind, c.key
      ON CONFLICT (kind, key) DO UPDATE SET kind = EXCLUDED.kind;

      -- Every lookup below is a LATERAL probe of an index: the inputs are a statement's few completions, the tables
      -- grow with every trace, and a hash join would read them whole each time.
      WITH cand AS (SELECT c.*, i.id AS indicator_id, i.detected_at IS NOT NULL AS was_detected
                      FROM indicator_candidates(ids, rules) c
                      CROSS JOIN LATERAL (SELECT i.id, i.detected_at FROM indicators i WHERE i.kind = c.kind AND i.key = c.key) i),
      added AS (
        INSERT INTO indicator_traces (indicator_id, weapon_id, trace_id, agency_id, region, qualifies, seen_at)
        SELECT indicator_id, weapon_id, trace_id, agency_id, region, qualifies, seen_at FROM cand
        ON CONFLICT DO NOTHING
        RETURNING *),
      gained AS (
        SELECT a.indicator_id, bool_or(c.was_detected) AS was_detected, count(*)::int AS traces,
               count(DISTINCT a.weapon_id) FILTER (WHERE NOT EXISTS (
                 SELECT 1 FROM indicator_traces x WHERE x.indicator_id = a.indicator_id AND x.weapon_id = a.weapon_id AND x.qualifies))::int AS weapons,
               min(a.seen_at) AS first_seen, max(a.seen_at) AS last_seen
          FROM added a JOIN cand c ON c.indicator_id = a.indicator_id AND c.trace_id = a.trace_id
         WHERE a.qualifies GROUP BY a.indicator_id),
      shown AS (
        UPDATE indicators i
           SET trace_count = i.trace_count + g.traces, weapon_count = i.weapon_count + g.weapons,
               first_seen = least(i.first_seen, g.first_seen), last_seen = greatest(i.last_seen, g.last_seen),
               detected_at = CASE WHEN i.detected_at IS NULL AND indicator_met(i.kind, i.trace_count + g.traces, i.weapon_count + g.weapons, rules)
                                  THEN now() ELSE i.detected_at END,
               reference = CASE WHEN i.reference IS NULL AND indicator_met(i.kind, i.trace_count + g.traces, i.weapon_count + g.weapons, rules)
                                THEN next_reference('IN', 6) ELSE i.reference END
          FROM gained g WHERE i.id = g.indicator_id
        RETURNING i.id, i.kind, i.reference, i.trace_count, i.last_seen, i.detected_at IS NOT NULL AS detected, g.was_detected),
      members AS (
        -- An indicator just detected shows all its qualifying traces; one already shown, the traces it gained.
        SELECT s.id, x.agency_id, x.region FROM shown s
          CROSS JOIN LATERAL (SELECT x.agency_id, x.region FROM indicator_traces x WHERE x.indicator_id = s.id AND x.qualifies) x
         WHERE s.detected AND NOT s.was_detected
        UNION
        SELECT a.indicator_id, a.agency_id, a.region FROM added a JOIN shown s ON s.id = a.indicator_id WHERE s.detected AND a.qualifies),
      scope_rows AS (
        SELECT s.id, 'all' AS scope FROM shown s WHERE s.detected
        UNION SELECT m.id, 'agency:' || m.agency_id FROM members m
        UNION SELECT m.id, 'region:' || m.region FROM members m
        UNION SELECT s.id, x.scope FROM shown s CROSS JOIN LATERAL (SELECT x.scope FROM indicator_scopes x WHERE x.indicator_id = s.id) x
         WHERE s.detected),
      scopes AS (
        INSERT INTO indicator_scopes (indicator_id, scope, kind, last_seen)
        SELECT r.id, r.scope, s.kind, s.last_seen FROM scope_rows r JOIN shown s ON s.id = r.id
        ON CONFLICT (indicator_id, scope) DO UPDATE SET last_seen = EXCLUDED.last_seen),
      involved AS (
        SELECT r.id, array_agg(substr(r.scope, 8)::uuid) AS agency_ids FROM scope_rows r WHERE r.scope LIKE 'agency:%' GROUP BY r.id),
      -- What each trace of the batch sets off: the detected indicators it joined (or made detected) as a qualifying member.
      set_off AS (
        SELECT a.trace_id, s.id, s.kind, s.reference, s.trace_count FROM added a JOIN shown s ON s.id = a.indicator_id
         WHERE s.detected AND a.qualifies),
      seen_by AS (
        SELECT o.trace_id, array_agg(DISTINCT ag) AS agency_ids FROM set_off o JOIN involved v ON v.id = o.id
         CROSS JOIN unnest(v.agency_ids) ag GROUP BY o.trace_id)
      -- One alert per trace, whatever number of indicators it sets off at once: each is one of its reasons. An alert never
      -- names a purchaser (contract, Alerts): a repeat purchaser's key is its indicator's reference.
      INSERT INTO alerts AS al (kind, severity, message_code, message_params, subject_type, subject_id, subject_reference,
                                related_id, related, agency_ids, weapon_id, reasons)
      SELECT 'trafficking_indicator', 'warning', 'trafficking_indicator',
             jsonb_build_object('trace', t.reference, 'count', count(*)),
             'trace', t.id, t.reference, t.id, '[]'::jsonb, b.agency_ids, t.weapon_id,
             jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
               'indicatorKind', o.kind, 'key', CASE WHEN o.kind = 'repeat_purchaser' THEN o.reference ELSE i.key END, 'indicatorId', o.id, 'indicator', o.reference, 'trace', t.reference,
               'count', o.trace_count, 'days', (rules->o.kind->>'maxDays')::int)) ORDER BY o.kind, i.key)
        FROM set_off o JOIN seen_by b ON b.trace_id = o.trace_id
        CROSS JOIN LATERAL (SELECT i.key FROM indicators i WHERE i.id = o.id) i
        CROSS JOIN LATERAL (SELECT t.id, t.reference, t.weapon_id FROM traces t WHERE t.id = o.trace_id) t
       GROUP BY t.id, t.reference, t.weapon_id, b.agency_ids
      ON CONFLICT (kind, subject_id, related_id) WHERE status <> 'closed'
      DO UPDATE SET reasons = EXCLUDED.reasons, message_params = EXCLUDED.message_params, agency_ids = EXCLUDED.agency_ids;
    END $$;

CREATE FUNCTION public.record_trace_events() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
    DECLARE ids bigint[];
    BEGIN
      WITH ins AS (
        INSERT INTO events (type, subject_id, agency_ids, data)
        SELECT CASE WHEN n.type = 'stage_completed' THEN 'trace.stage_completed' ELSE 'trace.status_changed' END,
               t.id, ARRAY[t.agency_id],
               CASE WHEN n.type = 'stage_completed'
                    THEN jsonb_build_object('traceId', t.id, 'reference', t.reference, 'agencyId', t.agency_id, 'stage', n.stage)
                    ELSE jsonb_build_object('traceId', t.id, 'reference', t.reference, 'agencyId', t.agency_id, 'fromStatus', n.from_status,
                                            'toStatus', n.to_status, 'outcome', t.result->>'outcome') END
          FROM new_rows n JOIN traces t ON t.id = n.trace_id
         WHERE n.from_status IS DISTINCT FROM n.to_status OR n.type = 'stage_completed'
         ORDER BY n.id
        RETURNING id)
      SELECT array_agg(id) INTO ids FROM ins;
      PERFORM publish_events(ids);
      RETURN NULL;
    END $$;

CREATE FUNCTION public.reject_change() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
    BEGIN
      RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
    END $$;

CREATE FUNCTION public.wanted_by_webhooks(event_type text, agencies uuid[]) RETURNS boolean
    LANGUAGE plpgsql STABLE
    AS $$
    BEGIN
      RETURN EXISTS (SELECT 1 FROM webhooks w WHERE w.deleted_at IS NULL AND w.agency_id = ANY(agencies) AND event_type = ANY(w.events));
    END $$;

CREATE TABLE public.agencies (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    code text NOT NULL,
    name text NOT NULL,
    country character(2) NOT NULL,
    region text NOT NULL,
    review_required boolean DEFAULT false NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT agencies_code_check CHECK ((code ~ '^[A-Z0-9][A-Z0-9_-]{1,31}$'::text)),
    CONSTRAINT agencies_country_check CHECK ((country ~ '^[A-Z]{2}$'::text)),
    CONSTRAINT agencies_name_check CHECK (((length(name) >= 1) AND (length(name) <= 200))),
    CONSTRAINT agencies_region_check CHECK ((region ~ '^[a-z0-9][a-z0-9-]{0,63}$'::text))
);

CREATE TABLE public.alerts (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    kind text NOT NULL,
    severity text NOT NULL,
    status text DEFAULT 'open'::text NOT NULL,
    message text,
    subject_type text NOT NULL,
    subject_id uuid NOT NULL,
    subject_reference text NOT NULL,
    related_id uuid NOT NULL,
    related jsonb DEFAULT '[]'::jsonb NOT NULL,
    agency_ids uuid[] NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    acknowledged_by uuid,
    acknowledged_at timestamp with time zone,
    acknowledging_note text,
    closed_by uuid,
    closed_at timestamp with time zone,
    closing_note text,
    message_code text,
    message_params jsonb,
    weapon_id uuid NOT NULL,
    reasons jsonb,
    CONSTRAINT alerts_acknowledging_note_check CHECK ((length(acknowledging_note) <= 2000)),
    CONSTRAINT alerts_agency_ids_check CHECK ((cardinality(agency_ids) >= 1)),
    CONSTRAINT alerts_check CHECK (((status = 'closed'::text) = (closed_at IS NOT NULL))),
    CONSTRAINT alerts_check1 CHECK (((status <> 'acknowledged'::text) OR (acknowledged_at IS NOT NULL))),
    CONSTRAINT alerts_closing_note_check CHECK (((length(closing_note) >= 1) AND (length(closing_note) <= 2000))),
    CONSTRAINT alerts_kind_check CHECK ((kind = ANY (ARRAY['stolen_match'::text, 'destroyed_weapon_recovered'::text, 'custody_weapon_recovered'::text, 'trafficking_indicator'::text, 'stock_discrepancy'::text]))),
    CONSTRAINT alerts_message_code_check CHECK ((message_code ~ '^[a-z][a-z_]{0,63}$'::text)),
    CONSTRAINT alerts_message_params_check CHECK (((message_params IS NULL) OR (jsonb_typeof(message_params) = 'object'::text))),
    CONSTRAINT alerts_message_worded CHECK (((message IS NOT NULL) OR (message_code IS NOT NULL))),
    CONSTRAINT alerts_reasons_check CHECK (((reasons IS NULL) OR (jsonb_typeof(reasons) = 'array'::text))),
    CONSTRAINT alerts_severity_check CHECK ((severity = ANY (ARRAY['warning'::text, 'critical'::text]))),
    CONSTRAINT alerts_status_check CHECK ((status = ANY (ARRAY['open'::text, 'acknowledged'::text, 'closed'::text]))),
    CONSTRAINT alerts_subject_type_check CHECK ((subject_type = ANY (ARRAY['trace'::text, 'stockpile_item'::text, 'stolen_report'::text, 'weapon'::text, 'indicator'::text])))
);

CREATE TABLE public.api_tokens (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    user_id uuid NOT NULL,
    kind text DEFAULT 'api'::text NOT NULL,
    token_hash bytea NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    expires_at timestamp with time zone,
    last_used_at timestamp with time zone,
    revoked_at timestamp with time zone,
    CONSTRAINT api_tokens_kind_check CHECK ((kind = ANY (ARRAY['api'::text, 'session'::text, 'board'::text]))),
    CONSTRAINT api_tokens_token_hash_check CHECK ((length(token_hash) = 32))
);

CREATE TABLE public.attachments (
    id uuid NOT NULL,
    agency_id uuid NOT NULL,
    trace_id uuid,
    stockpile_item_id uuid,
    stolen_report_id uuid,
    destruction_id uuid,
    kind text NOT NULL,
    caption text,
    file_name text,
    content_type text NOT NULL,
    size bigint NOT NULL,
    sha256 text NOT NULL,
    width integer,
    height integer,
    taken_at timestamp with time zone,
    object_key text NOT NULL,
    thumbnail_key text,
    created_by uuid NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    idempotency_key text,
    retracted_at timestamp with time zone,
    retracted_by uuid,
    retract_reason text,
    CONSTRAINT attachments_caption_check CHECK (((caption IS NULL) OR ((char_length(caption) >= 1) AND (char_length(caption) <= 500)))),
    CONSTRAINT attachments_check CHECK ((num_nonnulls(trace_id, stockpile_item_id, stolen_report_id, destruction_id) = 1)),
    CONSTRAINT attachments_check1 CHECK (((width IS NULL) = (height IS NULL))),
    CONSTRAINT attachments_check2 CHECK ((((retracted_at IS NULL) AND (retracted_by IS NULL) AND (retract_reason IS NULL)) OR ((retracted_at IS NOT NULL) AND (retracted_by IS NOT NULL) AND ((char_length(retract_reason) >= 1) AND (char_length(retract_reason) <= 2000))))),
    CONSTRAINT attachments_content_type_check CHECK ((content_type = ANY (ARRAY['image/jpeg'::text, 'image/png'::text, 'image/webp'::text, 'image/heic'::text, 'application/pdf'::text]))),
    CONSTRAINT attachments_file_name_check CHECK (((file_name IS NULL) OR ((char_length(file_name) >= 1) AND (char_length(file_name) <= 255)))),
    CONSTRAINT attachments_height_check CHECK ((height > 0)),
    CONSTRAINT attachments_idempotency_key_check CHECK (((char_length(idempotency_key) >= 1) AND (char_length(idempotency_key) <= 255))),
    CONSTRAINT attachments_kind_check CHECK ((kind = ANY (ARRAY['marking'::text, 'serial'::text, 'overall'::text, 'before_destruction'::text, 'after_destruction'::text, 'document'::text]))),
    CONSTRAINT attachments_sha256_check CHECK ((sha256 ~ '^[0-9a-f]{64}$'::text)),
    CONSTRAINT attachments_size_check CHECK ((size > 0)),
    CONSTRAINT attachments_width_check CHECK ((width > 0))
);

CREATE TABLE public.audit_log (
    id bigint NOT NULL,
    at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    component text NOT NULL,
    action text NOT NULL,
    outcome text DEFAULT 'success'::text NOT NULL,
    actor_id uuid,
    role text,
    agency_id uuid,
    entity text,
    entity_id text,
    request_id text,
    ip text,
    details jsonb,
    CONSTRAINT audit_log_component_check1 CHECK ((component = ANY (ARRAY['api'::text, 'worker'::text, 'cli'::text]))),
    CONSTRAINT audit_log_outcome_check1 CHECK ((outcome = ANY (ARRAY['success'::text, 'denied'::text, 'failure'::text]))),
    CONSTRAINT audit_log_role_check1 CHECK ((role = ANY (ARRAY['investigator'::text, 'advisor'::text, 'stockpile_manager'::text, 'admin'::text])))
)
PARTITION BY RANGE (at);

CREATE SEQUENCE public.audit_log_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.audit_log_seq OWNED BY public.audit_log.id;

CREATE TABLE public.audit_log_default (
    id bigint DEFAULT nextval('public.audit_log_seq'::regclass) NOT NULL,
    at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    component text NOT NULL,
    action text NOT NULL,
    outcome text DEFAULT 'success'::text NOT NULL,
    actor_id uuid,
    role text,
    agency_id uuid,
    entity text,
    entity_id text,
    request_id text,
    ip text,
    details jsonb,
    CONSTRAINT audit_log_component_check1 CHECK ((component = ANY (ARRAY['api'::text, 'worker'::text, 'cli'::text]))),
    CONSTRAINT audit_log_outcome_check1 CHECK ((outcome = ANY (ARRAY['success'::text, 'denied'::text, 'failure'::text]))),
    CONSTRAINT audit_log_role_check1 CHECK ((role = ANY (ARRAY['investigator'::text, 'advisor'::text, 'stockpile_manager'::text, 'admin'::text])))
);

CREATE TABLE public.case_weapons (
    case_id uuid NOT NULL,
    weapon_id uuid NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL
);

CREATE TABLE public.cases (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    agency_id uuid NOT NULL,
    case_number text NOT NULL,
    title text NOT NULL,
    offense text NOT NULL,
    status text DEFAULT 'open'::text NOT NULL,
    opened_at date DEFAULT CURRENT_DATE NOT NULL,
    created_by uuid NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    version integer DEFAULT 1 NOT NULL,
    CONSTRAINT cases_case_number_check CHECK (((length(case_number) >= 1) AND (length(case_number) <= 64))),
    CONSTRAINT cases_offense_check CHECK ((offense = ANY (ARRAY['homicide'::text, 'attempted_homicide'::text, 'assault'::text, 'robbery'::text, 'extortion'::text, 'drug_trafficking'::text, 'arms_trafficking'::text, 'illegal_possession'::text, 'found_firearm'::text, 'other'::text]))),
    CONSTRAINT cases_status_check CHECK ((status = ANY (ARRAY['open'::text, 'closed'::text]))),
    CONSTRAINT cases_title_check CHECK (((length(title) >= 1) AND (length(title) <= 300))),
    CONSTRAINT cases_version_check CHECK ((version >= 1))
);

CREATE TABLE public.database_code (
    only_row boolean DEFAULT true NOT NULL,
    hash text NOT NULL,
    loaded_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT database_code_hash_check CHECK ((hash ~ '^[0-9a-f]{64}$'::text)),
    CONSTRAINT database_code_only_row_check CHECK (only_row)
);

CREATE TABLE public.destruction_events (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    reference text DEFAULT public.next_reference('DE'::text, 4) NOT NULL,
    agency_id uuid NOT NULL,
    status text DEFAULT 'planned'::text NOT NULL,
    planned_for date NOT NULL,
    method text NOT NULL,
    location text NOT NULL,
    performed_at timestamp with time zone,
    witnesses jsonb,
    certificate_number text,
    notes text,
    completed_by uuid,
    completed_at timestamp with time zone,
    verified_by uuid,
    verified_at timestamp with time zone,
    verification_notes text,
    created_by uuid NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    version integer DEFAULT 1 NOT NULL,
    CONSTRAINT destruction_events_check CHECK (((status = 'planned'::text) OR ((performed_at IS NOT NULL) AND (completed_by IS NOT NULL) AND (completed_at IS NOT NULL) AND (jsonb_typeof(witnesses) = 'array'::text) AND (jsonb_array_length(witnesses) >= 2)))),
    CONSTRAINT destruction_events_check1 CHECK (((status <> 'verified'::text) OR ((verified_by IS NOT NULL) AND (verified_at IS NOT NULL) AND (verified_by <> completed_by)))),
    CONSTRAINT destruction_events_location_check CHECK (((length(location) >= 1) AND (length(location) <= 300))),
    CONSTRAINT destruction_events_method_check CHECK ((method = ANY (ARRAY['cutting'::text, 'crushing'::text, 'smelting'::text, 'shredding'::text, 'burning'::text, 'other'::text]))),
    CONSTRAINT destruction_events_status_check CHECK ((status = ANY (ARRAY['planned'::text, 'completed'::text, 'verified'::text]))),
    CONSTRAINT destruction_events_version_check CHECK ((version >= 1))
);

CREATE TABLE public.event_outbox (
    event_id bigint NOT NULL
);

CREATE TABLE public.events (
    id bigint NOT NULL,
    type text NOT NULL,
    occurred_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    subject_id uuid NOT NULL,
    agency_ids uuid[] NOT NULL,
    data jsonb NOT NULL,
    tx xid8 DEFAULT pg_current_xact_id() NOT NULL,
    tx_xmin xid8 DEFAULT pg_snapshot_xmin(pg_current_snapshot()) NOT NULL,
    tx_snapshot pg_snapshot DEFAULT pg_current_snapshot(),
    CONSTRAINT events_type_check CHECK ((type = ANY (ARRAY['trace.status_changed'::text, 'trace.stage_completed'::text, 'alert.created'::text, 'destruction.completed'::text, 'destruction.verified'::text, 'ping'::text])))
);

ALTER TABLE public.events ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.events_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE public.idempotency_keys (
    user_id uuid NOT NULL,
    key text NOT NULL,
    request_hash bytea NOT NULL,
    status_code integer,
    response jsonb,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    resource_id uuid,
    version integer,
    CONSTRAINT idempotency_keys_key_check CHECK (((length(key) >= 1) AND (length(key) <= 255)))
);

CREATE TABLE public.indicator_outbox (
    trace_id uuid NOT NULL,
    queued_at timestamp with time zone DEFAULT now() NOT NULL
);

CREATE TABLE public.indicator_scopes (
    indicator_id uuid NOT NULL,
    scope text NOT NULL,
    kind text NOT NULL,
    last_seen timestamp with time zone NOT NULL
);

CREATE TABLE public.indicator_traces (
    indicator_id uuid NOT NULL,
    weapon_id uuid NOT NULL,
    trace_id uuid NOT NULL,
    agency_id uuid NOT NULL,
    region text NOT NULL,
    qualifies boolean NOT NULL,
    seen_at timestamp with time zone NOT NULL
);

CREATE TABLE public.indicators (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    kind text NOT NULL,
    key text NOT NULL,
    details jsonb NOT NULL,
    trace_count integer DEFAULT 0 NOT NULL,
    weapon_count integer DEFAULT 0 NOT NULL,
    first_seen timestamp with time zone,
    last_seen timestamp with time zone,
    detected_at timestamp with time zone,
    reference text,
    severity text GENERATED ALWAYS AS (
CASE
    WHEN (kind = 'short_time_to_crime'::text) THEN
    CASE
        WHEN (((details ->> 'timeToCrimeDays'::text))::integer < 180) THEN 'high'::text
        ELSE 'medium'::text
    END
    WHEN (kind = 'repeat_purchaser'::text) THEN
    CASE
        WHEN (weapon_count >= 3) THEN 'high'::text
        ELSE 'medium'::text
    END
    WHEN (kind = 'dealer_cluster'::text) THEN
    CASE
        WHEN (weapon_count >= 10) THEN 'high'::text
        ELSE 'medium'::text
    END
    ELSE
    CASE
        WHEN (weapon_count >= 3) THEN 'high'::text
        ELSE 'medium'::text
    END
END) STORED,
    CONSTRAINT indicators_check CHECK (((detected_at IS NULL) = (reference IS NULL))),
    CONSTRAINT indicators_kind_check CHECK ((kind = ANY (ARRAY['repeat_purchaser'::text, 'short_time_to_crime'::text, 'dealer_cluster'::text, 'serial_sequence'::text]))),
    CONSTRAINT indicators_trace_count_check CHECK ((trace_count >= 0)),
    CONSTRAINT indicators_weapon_count_check CHECK ((weapon_count >= 0))
);

CREATE TABLE public.knex_migrations (
    id integer NOT NULL,
    name character varying(255),
    batch integer,
    migration_time timestamp with time zone
);

CREATE SEQUENCE public.knex_migrations_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.knex_migrations_id_seq OWNED BY public.knex_migrations.id;

CREATE TABLE public.knex_migrations_lock (
    index integer NOT NULL,
    is_locked integer
);

CREATE SEQUENCE public.knex_migrations_lock_index_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.knex_migrations_lock_index_seq OWNED BY public.knex_migrations_lock.index;

CREATE TABLE public.sign_in_failures (
    email_hash bytea NOT NULL,
    failures integer DEFAULT 0 NOT NULL,
    locked_until timestamp with time zone,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT sign_in_failures_email_hash_check CHECK ((length(email_hash) = 32)),
    CONSTRAINT sign_in_failures_failures_check CHECK ((failures >= 0))
);

CREATE TABLE public.stockpile_events (
    id bigint NOT NULL,
    item_id uuid NOT NULL,
    at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    type text NOT NULL,
    destruction_id uuid,
    actor_id uuid,
    reason text,
    CONSTRAINT stockpile_events_type_check CHECK ((type = ANY (ARRAY['intake'::text, 'hold'::text, 'release_hold'::text, 'scheduled'::text, 'unscheduled'::text, 'destroyed'::text])))
);

ALTER TABLE public.stockpile_events ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.stockpile_events_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE public.stockpile_items (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    reference text DEFAULT public.next_reference('SI'::text, 6) NOT NULL,
    agency_id uuid NOT NULL,
    weapon_id uuid NOT NULL,
    case_id uuid,
    source text NOT NULL,
    intake_date date NOT NULL,
    storage_location text NOT NULL,
    status text DEFAULT 'in_custody'::text NOT NULL,
    evidence_hold boolean DEFAULT false NOT NULL,
    destruction_id uuid,
    created_by uuid NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    version integer DEFAULT 1 NOT NULL,
    CONSTRAINT stockpile_items_check CHECK (((status = 'in_custody'::text) = (destruction_id IS NULL))),
    CONSTRAINT stockpile_items_check1 CHECK ((NOT (evidence_hold AND (status <> 'in_custody'::text)))),
    CONSTRAINT stockpile_items_source_check CHECK ((source = ANY (ARRAY['seized'::text, 'surplus'::text, 'surrendered'::text, 'found'::text]))),
    CONSTRAINT stockpile_items_status_check CHECK ((status = ANY (ARRAY['in_custody'::text, 'scheduled'::text, 'destroyed'::text]))),
    CONSTRAINT stockpile_items_storage_location_check CHECK (((length(storage_location) >= 1) AND (length(storage_location) <= 200))),
    CONSTRAINT stockpile_items_version_check CHECK ((version >= 1))
);

CREATE TABLE public.stocktake_lines (
    stocktake_id uuid NOT NULL,
    item_id uuid NOT NULL,
    expected boolean NOT NULL,
    counted_at timestamp with time zone,
    counted_by uuid,
    condition text,
    note text,
    outcome text,
    explanation text,
    CONSTRAINT stocktake_lines_check CHECK (((counted_at IS NULL) = (counted_by IS NULL))),
    CONSTRAINT stocktake_lines_check1 CHECK ((expected OR (counted_at IS NOT NULL))),
    CONSTRAINT stocktake_lines_check2 CHECK (((counted_at IS NOT NULL) OR ((condition IS NULL) AND (note IS NULL)))),
    CONSTRAINT stocktake_lines_check3 CHECK (((outcome IS NULL) OR ((outcome = 'unexpected'::text) = (NOT expected)))),
    CONSTRAINT stocktake_lines_check4 CHECK (((outcome IS NULL) OR ((outcome = 'counted'::text) = (expected AND (counted_at IS NOT NULL))))),
    CONSTRAINT stocktake_lines_condition_check CHECK ((condition = ANY (ARRAY['ok'::text, 'damaged'::text]))),
    CONSTRAINT stocktake_lines_explanation_check CHECK ((explanation = ANY (ARRAY['taken_in_during_count'::text, 'recorded_elsewhere'::text, 'recorded_destroyed'::text, 'destroyed_during_count'::text]))),
    CONSTRAINT stocktake_lines_note_check CHECK (((char_length(note) >= 1) AND (char_length(note) <= 2000))),
    CONSTRAINT stocktake_lines_outcome_check CHECK ((outcome = ANY (ARRAY['counted'::text, 'missing'::text, 'left'::text, 'unexpected'::text])))
);

CREATE TABLE public.stocktakes (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    reference text DEFAULT public.next_reference('ST'::text, 6) NOT NULL,
    agency_id uuid NOT NULL,
    storage_location text NOT NULL,
    status text DEFAULT 'open'::text NOT NULL,
    opening_note text,
    opened_by uuid NOT NULL,
    opened_at timestamp with time zone DEFAULT now() NOT NULL,
    closed_by uuid,
    closed_at timestamp with time zone,
    closing_note text,
    CONSTRAINT stocktakes_check CHECK (((status = 'closed'::text) = ((closed_at IS NOT NULL) AND (closed_by IS NOT NULL) AND (closing_note IS NOT NULL)))),
    CONSTRAINT stocktakes_check1 CHECK ((closed_by <> opened_by)),
    CONSTRAINT stocktakes_closing_note_check CHECK (((char_length(closing_note) >= 1) AND (char_length(closing_note) <= 2000))),
    CONSTRAINT stocktakes_opening_note_check CHECK (((char_length(opening_note) >= 1) AND (char_length(opening_note) <= 2000))),
    CONSTRAINT stocktakes_status_check CHECK ((status = ANY (ARRAY['open'::text, 'counting'::text, 'closed'::text]))),
    CONSTRAINT stocktakes_storage_location_check CHECK (((char_length(storage_location) >= 1) AND (char_length(storage_location) <= 200)))
);

CREATE TABLE public.stolen_reports (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    reference text DEFAULT public.next_reference('LS'::text, 6) NOT NULL,
    agency_id uuid NOT NULL,
    weapon_id uuid NOT NULL,
    kind text NOT NULL,
    lost_on date NOT NULL,
    source_type text NOT NULL,
    circumstances text NOT NULL,
    location jsonb,
    police_report_number text,
    status text DEFAULT 'active'::text NOT NULL,
    created_by uuid NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    closed_by uuid,
    closed_at timestamp with time zone,
    closing_note text,
    CONSTRAINT stolen_reports_check CHECK (((status = 'active'::text) = (closed_at IS NULL))),
    CONSTRAINT stolen_reports_circumstances_check CHECK (((length(circumstances) >= 1) AND (length(circumstances) <= 2000))),
    CONSTRAINT stolen_reports_closing_note_check CHECK ((length(closing_note) <= 2000)),
    CONSTRAINT stolen_reports_kind_check CHECK ((kind = ANY (ARRAY['lost'::text, 'stolen'::text]))),
    CONSTRAINT stolen_reports_lost_on_check CHECK ((lost_on >= '1900-01-01'::date)),
    CONSTRAINT stolen_reports_police_report_number_check CHECK (((length(police_report_number) >= 1) AND (length(police_report_number) <= 100))),
    CONSTRAINT stolen_reports_source_type_check CHECK ((source_type = ANY (ARRAY['agency_stockpile'::text, 'police_issue'::text, 'military'::text, 'dealer'::text, 'civilian'::text, 'other'::text]))),
    CONSTRAINT stolen_reports_status_check CHECK ((status = ANY (ARRAY['active'::text, 'recovered'::text, 'withdrawn'::text])))
);

CREATE TABLE public.trace_counts (
    agency_id uuid NOT NULL,
    status text NOT NULL,
    shard smallint NOT NULL,
    n bigint DEFAULT 0 NOT NULL,
    urgent bigint DEFAULT 0 NOT NULL,
    CONSTRAINT trace_counts_shard_check CHECK (((shard >= 0) AND (shard <= 7)))
);

CREATE TABLE public.trace_events (
    id bigint NOT NULL,
    trace_id uuid NOT NULL,
    at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    type text NOT NULL,
    from_status text,
    to_status text NOT NULL,
    stage text,
    actor_id uuid,
    message text,
    run integer,
    message_code text,
    message_params jsonb,
    CONSTRAINT trace_events_from_status_check1 CHECK ((from_status = ANY (ARRAY['draft'::text, 'pending_review'::text, 'queued'::text, 'in_progress'::text, 'needs_info'::text, 'completed'::text, 'not_traceable'::text, 'failed'::text, 'cancelled'::text]))),
    CONSTRAINT trace_events_message_code_check1 CHECK ((message_code ~ '^[a-z][a-z_]{0,63}$'::text)),
    CONSTRAINT trace_events_message_params_check1 CHECK (((message_params IS NULL) OR (jsonb_typeof(message_params) = 'object'::text))),
    CONSTRAINT trace_events_stage_check1 CHECK ((stage = ANY (ARRAY['manufacturer'::text, 'importer'::text, 'dealer'::text, 'purchaser'::text]))),
    CONSTRAINT trace_events_to_status_check1 CHECK ((to_status = ANY (ARRAY['draft'::text, 'pending_review'::text, 'queued'::text, 'in_progress'::text, 'needs_info'::text, 'completed'::text, 'not_traceable'::text, 'failed'::text, 'cancelled'::text]))),
    CONSTRAINT trace_events_type_check1 CHECK ((type = ANY (ARRAY['created'::text, 'updated'::text, 'submitted'::text, 'approved'::text, 'returned'::text, 'started'::text, 'stage_completed'::text, 'completed'::text, 'not_traceable'::text, 'needs_info'::text, 'failed'::text, 'retried'::text, 'cancelled'::text, 'assigned'::text, 'escalated'::text])))
)
PARTITION BY RANGE (at);

CREATE SEQUENCE public.trace_events_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.trace_events_seq OWNED BY public.trace_events.id;

CREATE TABLE public.trace_events_default (
    id bigint DEFAULT nextval('public.trace_events_seq'::regclass) NOT NULL,
    trace_id uuid NOT NULL,
    at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    type text NOT NULL,
    from_status text,
    to_status text NOT NULL,
    stage text,
    actor_id uuid,
    message text,
    run integer,
    message_code text,
    message_params jsonb,
    CONSTRAINT trace_events_from_status_check1 CHECK ((from_status = ANY (ARRAY['draft'::text, 'pending_review'::text, 'queued'::text, 'in_progress'::text, 'needs_info'::text, 'completed'::text, 'not_traceable'::text, 'failed'::text, 'cancelled'::text]))),
    CONSTRAINT trace_events_message_code_check1 CHECK ((message_code ~ '^[a-z][a-z_]{0,63}$'::text)),
    CONSTRAINT trace_events_message_params_check1 CHECK (((message_params IS NULL) OR (jsonb_typeof(message_params) = 'object'::text))),
    CONSTRAINT trace_events_stage_check1 CHECK ((stage = ANY (ARRAY['manufacturer'::text, 'importer'::text, 'dealer'::text, 'purchaser'::text]))),
    CONSTRAINT trace_events_to_status_check1 CHECK ((to_status = ANY (ARRAY['draft'::text, 'pending_review'::text, 'queued'::text, 'in_progress'::text, 'needs_info'::text, 'completed'::text, 'not_traceable'::text, 'failed'::text, 'cancelled'::text]))),
    CONSTRAINT trace_events_type_check1 CHECK ((type = ANY (ARRAY['created'::text, 'updated'::text, 'submitted'::text, 'approved'::text, 'returned'::text, 'started'::text, 'stage_completed'::text, 'completed'::text, 'not_traceable'::text, 'needs_info'::text, 'failed'::text, 'retried'::text, 'cancelled'::text, 'assigned'::text, 'escalated'::text])))
);

CREATE TABLE public.trace_outbox (
    id bigint NOT NULL,
    trace_id uuid NOT NULL,
    kind text NOT NULL,
    run integer NOT NULL,
    urgent boolean NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT trace_outbox_kind_check CHECK ((kind = ANY (ARRAY['enqueue'::text, 'reprioritize'::text])))
);

ALTER TABLE public.trace_outbox ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.trace_outbox_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE public.trace_stages (
    trace_id uuid NOT NULL,
    run integer NOT NULL,
    stage text NOT NULL,
    facts jsonb DEFAULT '{}'::jsonb NOT NULL,
    finished_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT trace_stages_stage_check CHECK ((stage = ANY (ARRAY['manufacturer'::text, 'importer'::text, 'dealer'::text, 'purchaser'::text])))
);

CREATE TABLE public.traces (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    reference text DEFAULT public.next_reference('TR'::text, 6) NOT NULL,
    agency_id uuid NOT NULL,
    case_id uuid NOT NULL,
    weapon_id uuid NOT NULL,
    weapon jsonb NOT NULL,
    status text NOT NULL,
    stage text,
    urgent boolean DEFAULT false NOT NULL,
    urgent_reason text,
    quality_flags text[] DEFAULT '{}'::text[] NOT NULL,
    recovery_date date NOT NULL,
    recovery_country character(2),
    recovery_department text,
    recovery_municipality text,
    recovery_address text,
    recovery_latitude double precision,
    recovery_longitude double precision,
    recovery_circumstance text NOT NULL,
    possessor jsonb,
    notes text,
    assigned_to uuid,
    attempts integer DEFAULT 0 NOT NULL,
    result jsonb,
    created_by uuid NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    status_changed_at timestamp with time zone DEFAULT now() NOT NULL,
    submitted_at timestamp with time zone,
    completed_at timestamp with time zone,
    queue_run integer DEFAULT 0 NOT NULL,
    outcome text GENERATED ALWAYS AS (
CASE
    WHEN (status = ANY (ARRAY['completed'::text, 'not_traceable'::text])) THEN (result ->> 'outcome'::text)
    ELSE NULL::text
END) STORED,
    time_to_crime_days integer GENERATED ALWAYS AS (((result ->> 'timeToCrimeDays'::text))::integer) STORED,
    submitted_by uuid,
    region text NOT NULL,
    version integer DEFAULT 1 NOT NULL,
    CONSTRAINT traces_attempts_check CHECK ((attempts >= 0)),
    CONSTRAINT traces_check CHECK (((NOT urgent) OR (urgent_reason IS NOT NULL))),
    CONSTRAINT traces_check1 CHECK (((stage IS NULL) OR (status = ANY (ARRAY['in_progress'::text, 'completed'::text, 'not_traceable'::text, 'needs_info'::text, 'failed'::text, 'cancelled'::text])))),
    CONSTRAINT traces_quality_flags_check CHECK ((quality_flags <@ ARRAY['urgent'::text, 'obliterated_serial'::text, 'missing_importer'::text])),
    CONSTRAINT traces_queue_run_check CHECK ((queue_run >= 0)),
    CONSTRAINT traces_recovery_circumstance_check CHECK ((recovery_circumstance = ANY (ARRAY['crime_scene'::text, 'seizure'::text, 'search_warrant'::text, 'traffic_stop'::text, 'found'::text, 'surrendered'::text, 'other'::text]))),
    CONSTRAINT traces_recovery_country_check CHECK ((recovery_country ~ '^[A-Z]{2}$'::text)),
    CONSTRAINT traces_recovery_latitude_check CHECK (((recovery_latitude >= ('-90'::integer)::double precision) AND (recovery_latitude <= (90)::double precision))),
    CONSTRAINT traces_recovery_longitude_check CHECK (((recovery_longitude >= ('-180'::integer)::double precision) AND (recovery_longitude <= (180)::double precision))),
    CONSTRAINT traces_result_only_when_final CHECK (((result IS NOT NULL) = (status = ANY (ARRAY['completed'::text, 'not_traceable'::text])))),
    CONSTRAINT traces_stage_check CHECK ((stage = ANY (ARRAY['manufacturer'::text, 'importer'::text, 'dealer'::text, 'purchaser'::text]))),
    CONSTRAINT traces_status_check CHECK ((status = ANY (ARRAY['draft'::text, 'pending_review'::text, 'queued'::text, 'in_progress'::text, 'needs_info'::text, 'completed'::text, 'not_traceable'::text, 'failed'::text, 'cancelled'::text]))),
    CONSTRAINT traces_version_check CHECK ((version >= 1))
);

CREATE TABLE public.users (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    agency_id uuid NOT NULL,
    name text NOT NULL,
    email text NOT NULL,
    role text NOT NULL,
    password_hash text,
    active boolean DEFAULT true NOT NULL,
    deactivated_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT users_check CHECK ((active OR (deactivated_at IS NOT NULL))),
    CONSTRAINT users_email_check CHECK ((email = lower(email))),
    CONSTRAINT users_name_check CHECK (((length(name) >= 1) AND (length(name) <= 200))),
    CONSTRAINT users_role_check CHECK ((role = ANY (ARRAY['investigator'::text, 'advisor'::text, 'stockpile_manager'::text, 'admin'::text])))
);

CREATE TABLE public.weapons (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    manufacturer text NOT NULL,
    manufacturer_normalized text NOT NULL,
    model text NOT NULL,
    caliber text NOT NULL,
    type text NOT NULL,
    serial_number text,
    serial_normalized text,
    serial_obliterated boolean DEFAULT false NOT NULL,
    importer text,
    country_of_manufacture character(2) NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT weapons_caliber_check CHECK (((length(caliber) >= 1) AND (length(caliber) <= 60))),
    CONSTRAINT weapons_check CHECK (((serial_number IS NOT NULL) OR serial_obliterated)),
    CONSTRAINT weapons_check1 CHECK (((serial_number IS NULL) = (serial_normalized IS NULL))),
    CONSTRAINT weapons_country_of_manufacture_check CHECK ((country_of_manufacture ~ '^[A-Z]{2}$'::text)),
    CONSTRAINT weapons_importer_check CHECK (((length(importer) >= 1) AND (length(importer) <= 200))),
    CONSTRAINT weapons_manufacturer_check CHECK (((length(manufacturer) >= 1) AND (length(manufacturer) <= 120))),
    CONSTRAINT weapons_model_check CHECK (((length(model) >= 1) AND (length(model) <= 120))),
    CONSTRAINT weapons_serial_number_check CHECK (((length(serial_number) >= 1) AND (length(serial_number) <= 64))),
    CONSTRAINT weapons_type_check CHECK ((type = ANY (ARRAY['pistol'::text, 'revolver'::text, 'rifle'::text, 'shotgun'::text, 'submachine_gun'::text, 'machine_gun'::text, 'derringer'::text, 'receiver_frame'::text, 'other'::text])))
);

CREATE TABLE public.webhook_deliveries (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    webhook_id uuid NOT NULL,
    event_id bigint NOT NULL,
    type text NOT NULL,
    subject_id uuid NOT NULL,
    attempts integer DEFAULT 0 NOT NULL,
    status text DEFAULT 'pending'::text NOT NULL,
    last_response_status integer,
    last_error text,
    last_attempt_at timestamp with time zone,
    parked boolean DEFAULT false NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    run integer DEFAULT 0 NOT NULL,
    CONSTRAINT webhook_deliveries_attempts_check CHECK ((attempts >= 0)),
    CONSTRAINT webhook_deliveries_run_check CHECK ((run >= 0)),
    CONSTRAINT webhook_deliveries_status_check CHECK ((status = ANY (ARRAY['pending'::text, 'delivered'::text, 'failed'::text])))
);

CREATE TABLE public.webhooks (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    agency_id uuid NOT NULL,
    url text NOT NULL,
    events text[] NOT NULL,
    description text,
    secret_encrypted text NOT NULL,
    created_by uuid NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    deleted_at timestamp with time zone,
    CONSTRAINT webhooks_description_check CHECK ((length(description) <= 500)),
    CONSTRAINT webhooks_events_check CHECK (((cardinality(events) >= 1) AND (events <@ ARRAY['trace.status_changed'::text, 'trace.stage_completed'::text, 'alert.created'::text, 'destruction.completed'::text, 'destruction.verified'::text]))),
    CONSTRAINT webhooks_url_check CHECK (((url ~ '^(http|https)://'::text) AND (length(url) <= 2000)))
);

ALTER TABLE ONLY public.audit_log ATTACH PARTITION public.audit_log_default DEFAULT;

ALTER TABLE ONLY public.trace_events ATTACH PARTITION public.trace_events_default DEFAULT;

ALTER TABLE ONLY public.audit_log ALTER COLUMN id SET DEFAULT nextval('public.audit_log_seq'::regclass);

ALTER TABLE ONLY public.knex_migrations ALTER COLUMN id SET DEFAULT nextval('public.knex_migrations_id_seq'::regclass);

ALTER TABLE ONLY public.knex_migrations_lock ALTER COLUMN index SET DEFAULT nextval('public.knex_migrations_lock_index_seq'::regclass);

ALTER TABLE ONLY public.trace_events ALTER COLUMN id SET DEFAULT nextval('public.trace_events_seq'::regclass);

ALTER TABLE ONLY public.agencies
    ADD CONSTRAINT agencies_code_key UNIQUE (code);

ALTER TABLE ONLY public.agencies
    ADD CONSTRAINT agencies_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.alerts
    ADD CONSTRAINT alerts_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.api_tokens
    ADD CONSTRAINT api_tokens_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.api_tokens
    ADD CONSTRAINT api_tokens_token_hash_key UNIQUE (token_hash);

ALTER TABLE ONLY public.attachments
    ADD CONSTRAINT attachments_created_by_idempotency_key_key UNIQUE (created_by, idempotency_key);

ALTER TABLE ONLY public.attachments
    ADD CONSTRAINT attachments_object_key_key UNIQUE (object_key);

ALTER TABLE ONLY public.attachments
    ADD CONSTRAINT attachments_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.attachments
    ADD CONSTRAINT attachments_thumbnail_key_key UNIQUE (thumbnail_key);

ALTER TABLE ONLY public.audit_log
    ADD CONSTRAINT audit_log_pkey PRIMARY KEY (id, at);

ALTER TABLE ONLY public.audit_log_default
    ADD CONSTRAINT audit_log_default_pkey PRIMARY KEY (id, at);

ALTER TABLE ONLY public.case_weapons
    ADD CONSTRAINT case_weapons_pkey PRIMARY KEY (case_id, weapon_id);

ALTER TABLE ONLY public.cases
    ADD CONSTRAINT cases_agency_case_number_unique UNIQUE (agency_id, case_number);

ALTER TABLE ONLY public.cases
    ADD CONSTRAINT cases_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.database_code
    ADD CONSTRAINT database_code_pkey PRIMARY KEY (only_row);

ALTER TABLE ONLY public.destruction_events
    ADD CONSTRAINT destruction_events_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.destruction_events
    ADD CONSTRAINT destruction_events_reference_key UNIQUE (reference);

ALTER TABLE ONLY public.event_outbox
    ADD CONSTRAINT event_outbox_pkey PRIMARY KEY (event_id);

ALTER TABLE ONLY public.events
    ADD CONSTRAINT events_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.idempotency_keys
    ADD CONSTRAINT idempotency_keys_pkey PRIMARY KEY (user_id, key);

ALTER TABLE ONLY public.indicator_outbox
    ADD CONSTRAINT indicator_outbox_pkey PRIMARY KEY (trace_id);

ALTER TABLE ONLY public.indicator_scopes
    ADD CONSTRAINT indicator_scopes_pkey PRIMARY KEY (indicator_id, scope);

ALTER TABLE ONLY public.indicator_traces
    ADD CONSTRAINT indicator_traces_pkey PRIMARY KEY (indicator_id, weapon_id, trace_id);

ALTER TABLE ONLY public.indicators
    ADD CONSTRAINT indicators_kind_key_key UNIQUE (kind, key);

ALTER TABLE ONLY public.indicators
    ADD CONSTRAINT indicators_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.indicators
    ADD CONSTRAINT indicators_reference_key UNIQUE (reference);

ALTER TABLE ONLY public.knex_migrations_lock
    ADD CONSTRAINT knex_migrations_lock_pkey PRIMARY KEY (index);

ALTER TABLE ONLY public.knex_migrations
    ADD CONSTRAINT knex_migrations_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.sign_in_failures
    ADD CONSTRAINT sign_in_failures_pkey PRIMARY KEY (email_hash);

ALTER TABLE ONLY public.stockpile_events
    ADD CONSTRAINT stockpile_events_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.stockpile_items
    ADD CONSTRAINT stockpile_items_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.stockpile_items
    ADD CONSTRAINT stockpile_items_reference_key UNIQUE (reference);

ALTER TABLE ONLY public.stocktake_lines
    ADD CONSTRAINT stocktake_lines_pkey PRIMARY KEY (stocktake_id, item_id);

ALTER TABLE ONLY public.stocktakes
    ADD CONSTRAINT stocktakes_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.stocktakes
    ADD CONSTRAINT stocktakes_reference_key UNIQUE (reference);

ALTER TABLE ONLY public.stolen_reports
    ADD CONSTRAINT stolen_reports_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.stolen_reports
    ADD CONSTRAINT stolen_reports_reference_key UNIQUE (reference);

ALTER TABLE ONLY public.trace_counts
    ADD CONSTRAINT trace_counts_pkey PRIMARY KEY (agency_id, status, shard);

ALTER TABLE ONLY public.trace_events
    ADD CONSTRAINT trace_events_pkey PRIMARY KEY (id, at);

ALTER TABLE ONLY public.trace_events_default
    ADD CONSTRAINT trace_events_default_pkey PRIMARY KEY (id, at);

ALTER TABLE ONLY public.trace_outbox
    ADD CONSTRAINT trace_outbox_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.trace_stages
    ADD CONSTRAINT trace_stages_pkey PRIMARY KEY (trace_id, run, stage);

ALTER TABLE ONLY public.traces
    ADD CONSTRAINT traces_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.traces
    ADD CONSTRAINT traces_reference_key UNIQUE (reference);

ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_email_unique UNIQUE (email);

ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.weapons
    ADD CONSTRAINT weapons_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.webhook_deliveries
    ADD CONSTRAINT webhook_deliveries_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.webhook_deliveries
    ADD CONSTRAINT webhook_deliveries_webhook_id_event_id_key UNIQUE (webhook_id, event_id);

ALTER TABLE ONLY public.webhooks
    ADD CONSTRAINT webhooks_pkey PRIMARY KEY (id);

CREATE INDEX agencies_region ON public.agencies USING btree (region);

CREATE INDEX alerts_agencies ON public.alerts USING gin (agency_ids);

CREATE INDEX alerts_list ON public.alerts USING btree (created_at DESC, id DESC);

CREATE UNIQUE INDEX alerts_one_open ON public.alerts USING btree (kind, subject_id, related_id) WHERE (status <> 'closed'::text);

CREATE INDEX alerts_subject ON public.alerts USING btree (subject_id, created_at DESC, id DESC);

CREATE INDEX alerts_weapon ON public.alerts USING btree (weapon_id, created_at DESC, id DESC);

CREATE INDEX alerts_weapon_unclosed ON public.alerts USING btree (weapon_id) INCLUDE (severity, kind) WHERE (status <> 'closed'::text);

CREATE INDEX api_tokens_user ON public.api_tokens USING btree (user_id) WHERE (revoked_at IS NULL);

CREATE INDEX attachments_destruction ON public.attachments USING btree (destruction_id, created_at, id) WHERE (destruction_id IS NOT NULL);

CREATE INDEX attachments_stockpile_item ON public.attachments USING btree (stockpile_item_id, created_at, id) WHERE (stockpile_item_id IS NOT NULL);

CREATE INDEX attachments_stolen_report ON public.attachments USING btree (stolen_report_id, created_at, id) WHERE (stolen_report_id IS NOT NULL);

CREATE INDEX attachments_trace ON public.attachments USING btree (trace_id, created_at, id) WHERE (trace_id IS NOT NULL);

CREATE INDEX audit_log_actor ON ONLY public.audit_log USING btree (actor_id, id DESC);

CREATE INDEX audit_log_at ON ONLY public.audit_log USING btree (at DESC, id DESC);

CREATE INDEX audit_log_default_actor_id_id_idx ON public.audit_log_default USING btree (actor_id, id DESC);

CREATE INDEX audit_log_default_at_id_idx ON public.audit_log_default USING btree (at DESC, id DESC);

CREATE INDEX audit_log_entity ON ONLY public.audit_log USING btree (entity, entity_id, id DESC);

CREATE INDEX audit_log_default_entity_entity_id_id_idx ON public.audit_log_default USING btree (entity, entity_id, id DESC);

CREATE INDEX case_weapons_weapon ON public.case_weapons USING btree (weapon_id);

CREATE INDEX cases_agency_list ON public.cases USING btree (agency_id, created_at DESC, id DESC);

CREATE INDEX cases_list ON public.cases USING btree (created_at DESC, id DESC);

CREATE INDEX cases_status ON public.cases USING btree (status, created_at DESC, id DESC);

CREATE INDEX destruction_events_agency ON public.destruction_events USING btree (agency_id, created_at DESC, id DESC);

CREATE INDEX destruction_events_list ON public.destruction_events USING btree (created_at DESC, id DESC);

CREATE INDEX events_occurred ON public.events USING btree (occurred_at);

CREATE INDEX idempotency_keys_created ON public.idempotency_keys USING btree (created_at);

CREATE INDEX indicator_outbox_queued ON public.indicator_outbox USING btree (queued_at);

CREATE INDEX indicator_scopes_kind ON public.indicator_scopes USING btree (scope, kind, last_seen DESC, indicator_id DESC);

CREATE INDEX indicator_scopes_newest ON public.indicator_scopes USING btree (scope, last_seen DESC, indicator_id DESC);

CREATE INDEX indicator_traces_trace ON public.indicator_traces USING btree (trace_id);

CREATE INDEX indicator_traces_weapon ON public.indicator_traces USING btree (weapon_id);

CREATE INDEX stockpile_events_item ON public.stockpile_events USING btree (item_id, id);

CREATE UNIQUE INDEX stockpile_items_active_weapon ON public.stockpile_items USING btree (weapon_id) WHERE (status <> 'destroyed'::text);

CREATE INDEX stockpile_items_agency ON public.stockpile_items USING btree (agency_id, created_at DESC, id DESC);

CREATE INDEX stockpile_items_destruction ON public.stockpile_items USING btree (destruction_id);

CREATE INDEX stockpile_items_status ON public.stockpile_items USING btree (agency_id, status, created_at DESC, id DESC);

CREATE INDEX stockpile_items_weapon ON public.stockpile_items USING btree (weapon_id);

CREATE INDEX stocktake_lines_item ON public.stocktake_lines USING btree (item_id);

CREATE INDEX stocktake_lines_missing ON public.stocktake_lines USING btree (stocktake_id) WHERE (outcome = 'missing'::text);

CREATE INDEX stocktakes_agency ON public.stocktakes USING btree (agency_id, opened_at DESC, id DESC);

CREATE INDEX stocktakes_last_closed ON public.stocktakes USING btree (agency_id, storage_location, closed_at DESC) WHERE (status = 'closed'::text);

CREATE INDEX stocktakes_list ON public.stocktakes USING btree (opened_at DESC, id DESC);

CREATE UNIQUE INDEX stocktakes_one_unclosed ON public.stocktakes USING btree (agency_id, storage_location) WHERE (status <> 'closed'::text);

CREATE UNIQUE INDEX stolen_reports_active_weapon ON public.stolen_reports USING btree (weapon_id) WHERE (status = 'active'::text);

CREATE INDEX stolen_reports_agency ON public.stolen_reports USING btree (agency_id, created_at DESC, id DESC);

CREATE INDEX stolen_reports_list ON public.stolen_reports USING btree (created_at DESC, id DESC);

CREATE INDEX stolen_reports_weapon ON public.stolen_reports USING btree (weapon_id, created_at DESC);

CREATE INDEX trace_events_trace ON ONLY public.trace_events USING btree (trace_id, id);

CREATE INDEX trace_events_default_trace_id_id_idx ON public.trace_events_default USING btree (trace_id, id);

CREATE INDEX trace_events_stage ON ONLY public.trace_events USING btree (trace_id, run, stage) WHERE (type = 'stage_completed'::text);

CREATE INDEX trace_events_default_trace_id_run_stage_idx ON public.trace_events_default USING btree (trace_id, run, stage) WHERE (type = 'stage_completed'::text);

CREATE INDEX trace_outbox_trace ON public.trace_outbox USING btree (trace_id);

CREATE INDEX traces_agency_list ON public.traces USING btree (agency_id, created_at DESC, id DESC);

CREATE INDEX traces_agency_status_list ON public.traces USING btree (agency_id, status, created_at DESC, id DESC);

CREATE INDEX traces_agency_urgent ON public.traces USING btree (agency_id, created_at DESC, id DESC) WHERE urgent;

CREATE INDEX traces_assigned ON public.traces USING btree (assigned_to) WHERE (assigned_to IS NOT NULL);

CREATE INDEX traces_case ON public.traces USING btree (case_id, created_at DESC, id DESC);

CREATE INDEX traces_completed_region ON public.traces USING btree (region, completed_at) INCLUDE (submitted_at) WHERE (status = ANY (ARRAY['completed'::text, 'not_traceable'::text]));

CREATE INDEX traces_country_report ON public.traces USING btree (recovery_country, recovery_date) INCLUDE (weapon_id, status, outcome, time_to_crime_days) WHERE (status <> ALL (ARRAY['draft'::text, 'cancelled'::text]));

CREATE INDEX traces_default_queue ON public.traces USING btree (urgent DESC, status_changed_at, id) WHERE (status = ANY (ARRAY['pending_review'::text, 'failed'::text]));

CREATE INDEX traces_default_queue_agency ON public.traces USING btree (agency_id, urgent DESC, status_changed_at, id) WHERE (status = ANY (ARRAY['pending_review'::text, 'failed'::text]));

CREATE INDEX traces_default_queue_region ON public.traces USING btree (region, urgent DESC, status_changed_at, id) WHERE (status = ANY (ARRAY['pending_review'::text, 'failed'::text]));

CREATE INDEX traces_list ON public.traces USING btree (created_at DESC, id DESC);

CREATE UNIQUE INDEX traces_no_duplicate ON public.traces USING btree (case_id, weapon_id, recovery_date) WHERE (status <> 'cancelled'::text);

CREATE INDEX traces_open_pipeline ON public.traces USING btree (status_changed_at) WHERE (status = ANY (ARRAY['queued'::text, 'in_progress'::text]));

CREATE INDEX traces_report ON public.traces USING btree (agency_id, recovery_date) INCLUDE (status, outcome, time_to_crime_days, recovery_department) WHERE (status <> ALL (ARRAY['draft'::text, 'cancelled'::text]));

CREATE INDEX traces_report_region ON public.traces USING btree (region, recovery_date) INCLUDE (status, outcome, time_to_crime_days, recovery_department) WHERE (status <> ALL (ARRAY['draft'::text, 'cancelled'::text]));

CREATE INDEX traces_review_queue_agency ON public.traces USING btree (agency_id, urgent DESC, status_changed_at, id) WHERE (status = ANY (ARRAY['pending_review'::text, 'queued'::text, 'in_progress'::text, 'needs_info'::text, 'failed'::text]));

CREATE INDEX traces_review_queue_region ON public.traces USING btree (region, urgent DESC, status_changed_at, id) WHERE (status = ANY (ARRAY['pending_review'::text, 'queued'::text, 'in_progress'::text, 'needs_info'::text, 'failed'::text]));

CREATE INDEX traces_status_list ON public.traces USING btree (status, created_at DESC, id DESC);

CREATE INDEX traces_urgent ON public.traces USING btree (created_at DESC, id DESC) WHERE urgent;

CREATE INDEX traces_weapon ON public.traces USING btree (weapon_id, created_at DESC, id DESC);

CREATE INDEX users_agency ON public.users USING btree (agency_id, created_at, id);

CREATE INDEX users_list ON public.users USING btree (created_at, id);

CREATE UNIQUE INDEX weapons_identity ON public.weapons USING btree (manufacturer_normalized, serial_normalized) WHERE (serial_normalized IS NOT NULL);

CREATE INDEX weapons_serial ON public.weapons USING btree (serial_normalized text_pattern_ops);

CREATE INDEX webhook_deliveries_list ON public.webhook_deliveries USING btree (webhook_id, event_id DESC);

CREATE INDEX webhook_deliveries_parked ON public.webhook_deliveries USING btree (webhook_id, subject_id) WHERE parked;

CREATE INDEX webhook_deliveries_pending ON public.webhook_deliveries USING btree (webhook_id, subject_id, event_id) WHERE (status = 'pending'::text);

CREATE INDEX webhook_deliveries_pending_order ON public.webhook_deliveries USING btree (webhook_id, event_id) WHERE (status = 'pending'::text);

CREATE INDEX webhooks_agency ON public.webhooks USING btree (agency_id) WHERE (deleted_at IS NULL);

ALTER INDEX public.audit_log_actor ATTACH PARTITION public.audit_log_default_actor_id_id_idx;

ALTER INDEX public.audit_log_at ATTACH PARTITION public.audit_log_default_at_id_idx;

ALTER INDEX public.audit_log_entity ATTACH PARTITION public.audit_log_default_entity_entity_id_id_idx;

ALTER INDEX public.audit_log_pkey ATTACH PARTITION public.audit_log_default_pkey;

ALTER INDEX public.trace_events_pkey ATTACH PARTITION public.trace_events_default_pkey;

ALTER INDEX public.trace_events_trace ATTACH PARTITION public.trace_events_default_trace_id_id_idx;

ALTER INDEX public.trace_events_stage ATTACH PARTITION public.trace_events_default_trace_id_run_stage_idx;

CREATE TRIGGER alerts_publish AFTER INSERT ON public.alerts REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.record_alert_events();

CREATE TRIGGER attachments_kept BEFORE DELETE OR UPDATE ON public.attachments FOR EACH ROW EXECUTE FUNCTION public.protect_attachment();

CREATE TRIGGER audit_log_append_only BEFORE DELETE OR UPDATE ON public.audit_log FOR EACH ROW EXECUTE FUNCTION public.reject_change();

CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON public.audit_log FOR EACH STATEMENT EXECUTE FUNCTION public.reject_change();

CREATE TRIGGER cases_version BEFORE UPDATE ON public.cases FOR EACH ROW EXECUTE FUNCTION public.next_version();

CREATE TRIGGER destruction_events_immutable_when_finished BEFORE DELETE OR UPDATE ON public.destruction_events FOR EACH ROW EXECUTE FUNCTION public.protect_finished_destruction();

CREATE TRIGGER destruction_events_publish AFTER UPDATE ON public.destruction_events FOR EACH ROW EXECUTE FUNCTION public.record_destruction_events();

CREATE TRIGGER destruction_events_version BEFORE UPDATE ON public.destruction_events FOR EACH ROW EXECUTE FUNCTION public.next_version();

CREATE TRIGGER stockpile_events_append_only BEFORE DELETE OR UPDATE ON public.stockpile_events FOR EACH ROW EXECUTE FUNCTION public.reject_change();

CREATE TRIGGER stockpile_items_immutable_when_destroyed BEFORE DELETE OR UPDATE ON public.stockpile_items FOR EACH ROW EXECUTE FUNCTION public.protect_destroyed_item();

CREATE TRIGGER stockpile_items_version BEFORE UPDATE ON public.stockpile_items FOR EACH ROW EXECUTE FUNCTION public.next_version();

CREATE TRIGGER trace_events_indicators AFTER INSERT ON public.trace_events REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.record_completed_traces();

CREATE TRIGGER trace_events_publish AFTER INSERT ON public.trace_events REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.record_trace_events();

CREATE TRIGGER traces_counted_delete AFTER DELETE ON public.traces REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION public.count_deleted_traces();

CREATE TRIGGER traces_counted_insert AFTER INSERT ON public.traces REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.count_inserted_traces();

CREATE TRIGGER traces_counted_update AFTER UPDATE ON public.traces REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.count_updated_traces();

CREATE TRIGGER traces_version BEFORE UPDATE ON public.traces FOR EACH ROW EXECUTE FUNCTION public.next_version();

ALTER TABLE ONLY public.alerts
    ADD CONSTRAINT alerts_acknowledged_by_fkey FOREIGN KEY (acknowledged_by) REFERENCES public.users(id);

ALTER TABLE ONLY public.alerts
    ADD CONSTRAINT alerts_closed_by_fkey FOREIGN KEY (closed_by) REFERENCES public.users(id);

ALTER TABLE ONLY public.alerts
    ADD CONSTRAINT alerts_weapon_id_fkey FOREIGN KEY (weapon_id) REFERENCES public.weapons(id);

ALTER TABLE ONLY public.api_tokens
    ADD CONSTRAINT api_tokens_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id);

ALTER TABLE ONLY public.attachments
    ADD CONSTRAINT attachments_agency_id_fkey FOREIGN KEY (agency_id) REFERENCES public.agencies(id);

ALTER TABLE ONLY public.attachments
    ADD CONSTRAINT attachments_created_by_fkey FOREIGN KEY (created_by) REFERENCES public.users(id);

ALTER TABLE ONLY public.attachments
    ADD CONSTRAINT attachments_destruction_id_fkey FOREIGN KEY (destruction_id) REFERENCES public.destruction_events(id);

ALTER TABLE ONLY public.attachments
    ADD CONSTRAINT attachments_retracted_by_fkey FOREIGN KEY (retracted_by) REFERENCES public.users(id);

ALTER TABLE ONLY public.attachments
    ADD CONSTRAINT attachments_stockpile_item_id_fkey FOREIGN KEY (stockpile_item_id) REFERENCES public.stockpile_items(id);

ALTER TABLE ONLY public.attachments
    ADD CONSTRAINT attachments_stolen_report_id_fkey FOREIGN KEY (stolen_report_id) REFERENCES public.stolen_reports(id);

ALTER TABLE ONLY public.attachments
    ADD CONSTRAINT attachments_trace_id_fkey FOREIGN KEY (trace_id) REFERENCES public.traces(id);

ALTER TABLE ONLY public.case_weapons
    ADD CONSTRAINT case_weapons_case_id_fkey FOREIGN KEY (case_id) REFERENCES public.cases(id);

ALTER TABLE ONLY public.case_weapons
    ADD CONSTRAINT case_weapons_weapon_id_fkey FOREIGN KEY (weapon_id) REFERENCES public.weapons(id);

ALTER TABLE ONLY public.cases
    ADD CONSTRAINT cases_agency_id_fkey FOREIGN KEY (agency_id) REFERENCES public.agencies(id);

ALTER TABLE ONLY public.cases
    ADD CONSTRAINT cases_created_by_fkey FOREIGN KEY (created_by) REFERENCES public.users(id);

ALTER TABLE ONLY public.destruction_events
    ADD CONSTRAINT destruction_events_agency_id_fkey FOREIGN KEY (agency_id) REFERENCES public.agencies(id);

ALTER TABLE ONLY public.destruction_events
    ADD CONSTRAINT destruction_events_completed_by_fkey FOREIGN KEY (completed_by) REFERENCES public.users(id);

ALTER TABLE ONLY public.destruction_events
    ADD CONSTRAINT destruction_events_created_by_fkey FOREIGN KEY (created_by) REFERENCES public.users(id);

ALTER TABLE ONLY public.destruction_events
    ADD CONSTRAINT destruction_events_verified_by_fkey FOREIGN KEY (verified_by) REFERENCES public.users(id);

ALTER TABLE ONLY public.event_outbox
    ADD CONSTRAINT event_outbox_event_id_fkey FOREIGN KEY (event_id) REFERENCES public.events(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.idempotency_keys
    ADD CONSTRAINT idempotency_keys_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id);

ALTER TABLE ONLY public.indicator_outbox
    ADD CONSTRAINT indicator_outbox_trace_id_fkey FOREIGN KEY (trace_id) REFERENCES public.traces(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.indicator_scopes
    ADD CONSTRAINT indicator_scopes_indicator_id_fkey FOREIGN KEY (indicator_id) REFERENCES public.indicators(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.indicator_traces
    ADD CONSTRAINT indicator_traces_agency_id_fkey FOREIGN KEY (agency_id) REFERENCES public.agencies(id);

ALTER TABLE ONLY public.indicator_traces
    ADD CONSTRAINT indicator_traces_indicator_id_fkey FOREIGN KEY (indicator_id) REFERENCES public.indicators(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.indicator_traces
    ADD CONSTRAINT indicator_traces_trace_id_fkey FOREIGN KEY (trace_id) REFERENCES public.traces(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.indicator_traces
    ADD CONSTRAINT indicator_traces_weapon_id_fkey FOREIGN KEY (weapon_id) REFERENCES public.weapons(id);

ALTER TABLE ONLY public.stockpile_events
    ADD CONSTRAINT stockpile_events_actor_id_fkey FOREIGN KEY (actor_id) REFERENCES public.users(id);

ALTER TABLE ONLY public.stockpile_events
    ADD CONSTRAINT stockpile_events_destruction_id_fkey FOREIGN KEY (destruction_id) REFERENCES public.destruction_events(id);

ALTER TABLE ONLY public.stockpile_events
    ADD CONSTRAINT stockpile_events_item_id_fkey FOREIGN KEY (item_id) REFERENCES public.stockpile_items(id);

ALTER TABLE ONLY public.stockpile_items
    ADD CONSTRAINT stockpile_items_agency_id_fkey FOREIGN KEY (agency_id) REFERENCES public.agencies(id);

ALTER TABLE ONLY public.stockpile_items
    ADD CONSTRAINT stockpile_items_case_id_fkey FOREIGN KEY (case_id) REFERENCES public.cases(id);

ALTER TABLE ONLY public.stockpile_items
    ADD CONSTRAINT stockpile_items_created_by_fkey FOREIGN KEY (created_by) REFERENCES public.users(id);

ALTER TABLE ONLY public.stockpile_items
    ADD CONSTRAINT stockpile_items_destruction_id_fkey FOREIGN KEY (destruction_id) REFERENCES public.destruction_events(id);

ALTER TABLE ONLY public.stockpile_items
    ADD CONSTRAINT stockpile_items_weapon_id_fkey FOREIGN KEY (weapon_id) REFERENCES public.weapons(id);

ALTER TABLE ONLY public.stocktake_lines
    ADD CONSTRAINT stocktake_lines_counted_by_fkey FOREIGN KEY (counted_by) REFERENCES public.users(id);

ALTER TABLE ONLY public.stocktake_lines
    ADD CONSTRAINT stocktake_lines_item_id_fkey FOREIGN KEY (item_id) REFERENCES public.stockpile_items(id);

ALTER TABLE ONLY public.stocktake_lines
    ADD CONSTRAINT stocktake_lines_stocktake_id_fkey FOREIGN KEY (stocktake_id) REFERENCES public.stocktakes(id);

ALTER TABLE ONLY public.stocktakes
    ADD CONSTRAINT stocktakes_agency_id_fkey FOREIGN KEY (agency_id) REFERENCES public.agencies(id);

ALTER TABLE ONLY public.stocktakes
    ADD CONSTRAINT stocktakes_closed_by_fkey FOREIGN KEY (closed_by) REFERENCES public.users(id);

ALTER TABLE ONLY public.stocktakes
    ADD CONSTRAINT stocktakes_opened_by_fkey FOREIGN KEY (opened_by) REFERENCES public.users(id);

ALTER TABLE ONLY public.stolen_reports
    ADD CONSTRAINT stolen_reports_agency_id_fkey FOREIGN KEY (agency_id) REFERENCES public.agencies(id);

ALTER TABLE ONLY public.stolen_reports
    ADD CONSTRAINT stolen_reports_closed_by_fkey FOREIGN KEY (closed_by) REFERENCES public.users(id);

ALTER TABLE ONLY public.stolen_reports
    ADD CONSTRAINT stolen_reports_created_by_fkey FOREIGN KEY (created_by) REFERENCES public.users(id);

ALTER TABLE ONLY public.stolen_reports
    ADD CONSTRAINT stolen_reports_weapon_id_fkey FOREIGN KEY (weapon_id) REFERENCES public.weapons(id);

ALTER TABLE ONLY public.trace_counts
    ADD CONSTRAINT trace_counts_agency_id_fkey FOREIGN KEY (agency_id) REFERENCES public.agencies(id);

ALTER TABLE public.trace_events
    ADD CONSTRAINT trace_events_actor_id_fkey FOREIGN KEY (actor_id) REFERENCES public.users(id);

ALTER TABLE public.trace_events
    ADD CONSTRAINT trace_events_trace_id_fkey FOREIGN KEY (trace_id) REFERENCES public.traces(id);

ALTER TABLE ONLY public.trace_outbox
    ADD CONSTRAINT trace_outbox_trace_id_fkey FOREIGN KEY (trace_id) REFERENCES public.traces(id);

ALTER TABLE ONLY public.trace_stages
    ADD CONSTRAINT trace_stages_trace_id_fkey FOREIGN KEY (trace_id) REFERENCES public.traces(id);

ALTER TABLE ONLY public.traces
    ADD CONSTRAINT traces_agency_id_fkey FOREIGN KEY (agency_id) REFERENCES public.agencies(id);

ALTER TABLE ONLY public.traces
    ADD CONSTRAINT traces_assigned_to_fkey FOREIGN KEY (assigned_to) REFERENCES public.users(id);

ALTER TABLE ONLY public.traces
    ADD CONSTRAINT traces_case_id_fkey FOREIGN KEY (case_id) REFERENCES public.cases(id);

ALTER TABLE ONLY public.traces
    ADD CONSTRAINT traces_created_by_fkey FOREIGN KEY (created_by) REFERENCES public.users(id);

ALTER TABLE ONLY public.traces
    ADD CONSTRAINT traces_submitted_by_fkey FOREIGN KEY (submitted_by) REFERENCES public.users(id);

ALTER TABLE ONLY public.traces
    ADD CONSTRAINT traces_weapon_id_fkey FOREIGN KEY (weapon_id) REFERENCES public.weapons(id);

ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_agency_id_fkey FOREIGN KEY (agency_id) REFERENCES public.agencies(id);

ALTER TABLE ONLY public.webhook_deliveries
    ADD CONSTRAINT webhook_deliveries_event_id_fkey FOREIGN KEY (event_id) REFERENCES public.events(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.webhook_deliveries
    ADD CONSTRAINT webhook_deliveries_webhook_id_fkey FOREIGN KEY (webhook_id) REFERENCES public.webhooks(id);

ALTER TABLE ONLY public.webhooks
    ADD CONSTRAINT webhooks_agency_id_fkey FOREIGN KEY (agency_id) REFERENCES public.agencies(id);

ALTER TABLE ONLY public.webhooks
    ADD CONSTRAINT webhooks_created_by_fkey FOREIGN KEY (created_by) REFERENCES public.users(id);
