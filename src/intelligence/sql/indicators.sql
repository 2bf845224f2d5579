-- Trafficking indicators. A completion only queues its trace (indicator_outbox, in the completing statement: no shared
-- indicator row is locked by a completion); the worker's relay records a batch at a time with record_indicator_outbox.
-- The thresholds are not here: they come from src/intelligence/rules.ts (INDICATOR_RULES), passed in as `rules`.

-- Queues each newly completed trace for the indicator relay.
CREATE OR REPLACE FUNCTION public.record_completed_traces() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
    BEGIN
      INSERT INTO indicator_outbox (trace_id)
        SELECT DISTINCT trace_id FROM new_rows WHERE to_status = 'completed' AND from_status IS DISTINCT FROM 'completed'
        ON CONFLICT DO NOTHING;
      IF FOUND THEN PERFORM pg_notify('rastreo_indicator_outbox', ''); END IF;
      RETURN NULL;
    END $$;

CREATE OR REPLACE TRIGGER trace_events_indicators AFTER INSERT ON public.trace_events REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.record_completed_traces();

-- Takes a batch from the outbox (skipping rows another relay holds) and records its indicators.
CREATE OR REPLACE FUNCTION public.record_indicator_outbox(batch integer, rules jsonb) RETURNS integer
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

-- Whether a candidate is an indicator yet, by its kind's threshold.
CREATE OR REPLACE FUNCTION public.indicator_met(kind text, traces integer, weapons integer, rules jsonb) RETURNS boolean
    LANGUAGE sql IMMUTABLE
    AS $$
      SELECT traces >= (rules->kind->>'minTraces')::int AND weapons >= (rules->kind->>'minWeapons')::int
    $$;

-- Every candidate indicator the given completed traces belong to: their purchaser, dealer, serial batch, short time-to-crime.
CREATE OR REPLACE FUNCTION public.indicator_candidates(ids uuid[], rules jsonb) RETURNS TABLE(kind text, key text, details jsonb, qualifies boolean, trace_id uuid, weapon_id uuid, agency_id uuid, region text, seen_at timestamp with time zone)
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

-- Records the candidates' memberships (each trace counted once), their scopes, references and alerts.
CREATE OR REPLACE FUNCTION public.record_indicators(ids uuid[], rules jsonb) RETURNS void
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
