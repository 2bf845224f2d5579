import type { Knex } from 'knex';

/**
 * Trafficking indicators, kept as traces complete: a trigger on the trace events a completion writes puts the completed
 * traces in `indicator_outbox`, in the same statement (never lost, never queued for a change that rolled back), and
 * the worker drains it in batches through `record_indicators` (a completion never waits on, or locks, an indicator
 * that other completions share). Every completed trace is a member of the candidate indicators it belongs to (its purchaser, its dealer, its
 * serial's batch, its own short time-to-crime); a candidate becomes an indicator when it reaches its threshold. The same
 * memberships answer `GET /weapons/:id/links`.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE indicators (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      kind text NOT NULL CHECK (kind IN ('repeat_purchaser', 'short_time_to_crime', 'dealer_cluster', 'serial_sequence')),
      key text NOT NULL,
      details jsonb NOT NULL,
      -- Traces and distinct guns that qualify (for a dealer, those sold under 3 years before the recovery).
      trace_count int NOT NULL DEFAULT 0 CHECK (trace_count >= 0),
      weapon_count int NOT NULL DEFAULT 0 CHECK (weapon_count >= 0),
      first_seen timestamptz,
      last_seen timestamptz,
      -- When the candidate reached its threshold (null: not an indicator yet); its reference is given then.
      detected_at timestamptz,
      reference text UNIQUE,
      severity text GENERATED ALWAYS AS (CASE
        WHEN kind = 'short_time_to_crime' THEN CASE WHEN (details->>'timeToCrimeDays')::int < 180 THEN 'high' ELSE 'medium' END
        WHEN kind = 'repeat_purchaser' THEN CASE WHEN weapon_count >= 3 THEN 'high' ELSE 'medium' END
        WHEN kind = 'dealer_cluster' THEN CASE WHEN weapon_count >= 10 THEN 'high' ELSE 'medium' END
        ELSE CASE WHEN weapon_count >= 3 THEN 'high' ELSE 'medium' END END) STORED,
      UNIQUE (kind, key),
      CHECK ((detected_at IS NULL) = (reference IS NULL))
    );

    CREATE TABLE indicator_traces (
      indicator_id uuid NOT NULL REFERENCES indicators(id) ON DELETE CASCADE,
      weapon_id uuid NOT NULL REFERENCES weapons(id),
      trace_id uuid NOT NULL REFERENCES traces(id) ON DELETE CASCADE,
      agency_id uuid NOT NULL REFERENCES agencies(id),
      region text NOT NULL,
      qualifies boolean NOT NULL,
      seen_at timestamptz NOT NULL,
      PRIMARY KEY (indicator_id, weapon_id, trace_id)
    );
    CREATE INDEX indicator_traces_weapon ON indicator_traces (weapon_id);
    CREATE INDEX indicator_traces_trace ON indicator_traces (trace_id);

    -- Who may list an indicator: one row per agency and region of its qualifying traces, and 'all' (admins), each with
    -- the indicator's last activity, so a scope's newest indicators are one range of one index.
    CREATE TABLE indicator_scopes (
      indicator_id uuid NOT NULL REFERENCES indicators(id) ON DELETE CASCADE,
      scope text NOT NULL,
      kind text NOT NULL,
      last_seen timestamptz NOT NULL,
      PRIMARY KEY (indicator_id, scope)
    );
    CREATE INDEX indicator_scopes_newest ON indicator_scopes (scope, last_seen DESC, indicator_id DESC);
    CREATE INDEX indicator_scopes_kind ON indicator_scopes (scope, kind, last_seen DESC, indicator_id DESC);

    -- Completed traces whose indicators are not recorded yet.
    CREATE TABLE indicator_outbox (
      trace_id uuid PRIMARY KEY REFERENCES traces(id) ON DELETE CASCADE,
      queued_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX indicator_outbox_queued ON indicator_outbox (queued_at);

    -- The candidate indicators of completed traces, one row per trace and candidate.
    CREATE FUNCTION indicator_candidates(ids uuid[]) RETURNS TABLE (
      kind text, key text, details jsonb, qualifies boolean, trace_id uuid, weapon_id uuid, agency_id uuid, region text, seen_at timestamptz
    ) LANGUAGE sql STABLE AS $$
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
          SELECT 'dealer_cluster', upper(trim(r.dealer->>'licenseNumber')), jsonb_build_object('dealer', r.dealer), coalesce(r.ttc < 1095, false)
           WHERE r.dealer->>'licenseNumber' IS NOT NULL
          UNION ALL
          SELECT 'short_time_to_crime', t.reference, jsonb_build_object('timeToCrimeDays', r.ttc, 'saleDate', t.result->>'saleDate'), true
           WHERE r.ttc < 365
          UNION ALL
          SELECT 'serial_sequence', w.manufacturer_normalized || ' | ' || upper(trim(w.model)) || ' | ' || left(w.serial_normalized, -2),
                 jsonb_build_object('manufacturer', w.manufacturer, 'model', w.model, 'serialPrefix', left(w.serial_normalized, -2)), true
           WHERE length(w.serial_normalized) >= 5
        ) c(kind, key, details, qualifies)
       WHERE t.id = ANY(ids) AND t.status = 'completed' AND t.result IS NOT NULL
    $$;

    CREATE FUNCTION indicator_met(kind text, traces int, weapons int) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
      SELECT CASE kind WHEN 'repeat_purchaser' THEN traces >= 2 WHEN 'short_time_to_crime' THEN traces >= 1
                       WHEN 'dealer_cluster' THEN weapons >= 3 ELSE weapons >= 2 END
    $$;

    -- Adds completed traces to their indicators. The first statement creates or locks each candidate (in key order, so
    -- two workers never deadlock); what follows, with a fresh snapshot, counts only memberships that are new, so a trace
    -- recorded twice is counted once. A candidate that reaches its threshold raises a trafficking_indicator alert for
    -- the agencies involved; one that gains a trace raises one too, unless its alert is still open — then that alert is
    -- brought up to date (its newest trace, the agencies now involved): one open alert per indicator.
    CREATE FUNCTION record_indicators(ids uuid[]) RETURNS void LANGUAGE plpgsql AS $$
    BEGIN
      IF ids IS NULL OR cardinality(ids) = 0 THEN RETURN; END IF;
      INSERT INTO indicators AS i (kind, key, details)
      SELECT DISTINCT ON (c.kind, c.key) c.kind, c.key, c.details FROM indicator_candidates(ids) c ORDER BY c.kind, c.key
      ON CONFLICT (kind, key) DO UPDATE SET kind = EXCLUDED.kind;

      -- Every lookup below is a LATERAL probe of an index: the inputs are a statement's few completions, the tables
      -- grow with every trace, and a hash join would read them whole each time.
      WITH cand AS (SELECT c.*, i.id AS indicator_id, i.detected_at IS NOT NULL AS was_detected
                      FROM indicator_candidates(ids) c
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
               min(a.seen_at) AS first_seen, max(a.seen_at) AS last_seen,
               (array_agg(a.trace_id ORDER BY a.seen_at DESC, a.trace_id))[1] AS newest_trace
          FROM added a JOIN cand c ON c.indicator_id = a.indicator_id AND c.trace_id = a.trace_id
         WHERE a.qualifies GROUP BY a.indicator_id),
      shown AS (
        UPDATE indicators i
           SET trace_count = i.trace_count + g.traces, weapon_count = i.weapon_count + g.weapons,
               first_seen = least(i.first_seen, g.first_seen), last_seen = greatest(i.last_seen, g.last_seen),
               detected_at = CASE WHEN i.detected_at IS NULL AND indicator_met(i.kind, i.trace_count + g.traces, i.weapon_count + g.weapons)
                                  THEN now() ELSE i.detected_at END,
               reference = CASE WHEN i.reference IS NULL AND indicator_met(i.kind, i.trace_count + g.traces, i.weapon_count + g.weapons)
                                THEN next_reference('IN', 6) ELSE i.reference END
          FROM gained g WHERE i.id = g.indicator_id
        RETURNING i.id, i.kind, i.reference, i.trace_count, i.last_seen, i.detected_at IS NOT NULL AS detected, g.was_detected, g.newest_trace),
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
        SELECT r.id, array_agg(substr(r.scope, 8)::uuid) AS agency_ids FROM scope_rows r WHERE r.scope LIKE 'agency:%' GROUP BY r.id)
      INSERT INTO alerts AS al (kind, severity, message, subject_type, subject_id, subject_reference, related_id, related, agency_ids)
      SELECT 'trafficking_indicator', 'warning',
             CASE s.kind WHEN 'repeat_purchaser' THEN 'One purchaser is behind ' || s.trace_count || ' traced guns'
                         WHEN 'short_time_to_crime' THEN 'Short time-to-crime: trace ' || t.reference || ' was recovered within a year of its retail sale'
                         WHEN 'dealer_cluster' THEN 'One dealer sold ' || s.trace_count || ' traced guns recovered within 3 years'
                         ELSE s.trace_count || ' guns from one serial sequence were recovered' END
               || ' (' || s.reference || CASE WHEN s.kind <> 'short_time_to_crime' THEN ', newest: ' || t.reference ELSE '' END || ').',
             'indicator', s.id, s.reference, s.id,
             jsonb_build_array(jsonb_build_object('type', 'trace', 'reference', t.reference, 'agency', jsonb_build_object('code', ta.code, 'country', ta.country))),
             v.agency_ids
        FROM shown s JOIN involved v ON v.id = s.id
        CROSS JOIN LATERAL (SELECT t.id, t.reference, t.agency_id FROM traces t WHERE t.id = s.newest_trace) t
        CROSS JOIN LATERAL (SELECT a.code, a.country FROM agencies a WHERE a.id = t.agency_id) ta
       WHERE s.detected
      ON CONFLICT (kind, subject_id, related_id) WHERE status <> 'closed'
      DO UPDATE SET message = EXCLUDED.message, related = EXCLUDED.related, agency_ids = EXCLUDED.agency_ids;
    END $$;

    -- The worker's batch: takes up to \`batch\` queued completions (SKIP LOCKED: several workers share the outbox) and
    -- records them, in one transaction; how many it took.
    CREATE FUNCTION record_indicator_outbox(batch int) RETURNS int LANGUAGE plpgsql AS $$
    DECLARE ids uuid[];
    BEGIN
      WITH taken AS (
        DELETE FROM indicator_outbox WHERE trace_id IN (
          SELECT trace_id FROM indicator_outbox ORDER BY queued_at, trace_id LIMIT batch FOR UPDATE SKIP LOCKED)
        RETURNING trace_id)
      SELECT array_agg(trace_id) INTO ids FROM taken;
      PERFORM record_indicators(ids);
      RETURN coalesce(cardinality(ids), 0);
    END $$;

    CREATE FUNCTION record_completed_traces() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO indicator_outbox (trace_id)
        SELECT DISTINCT trace_id FROM new_rows WHERE to_status = 'completed' AND from_status IS DISTINCT FROM 'completed'
        ON CONFLICT DO NOTHING;
      IF FOUND THEN PERFORM pg_notify('rastreo_indicator_outbox', ''); END IF;
      RETURN NULL;
    END $$;
    CREATE TRIGGER trace_events_indicators AFTER INSERT ON trace_events REFERENCING NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION record_completed_traces();

    -- Traces completed before this migration are queued like new completions: the worker records them in batches
    -- after the deploy, instead of one long statement here.
    INSERT INTO indicator_outbox (trace_id, queued_at) SELECT id, coalesce(completed_at, now()) FROM traces WHERE status = 'completed';
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DROP TRIGGER trace_events_indicators ON trace_events;
    DROP FUNCTION record_completed_traces(), record_indicator_outbox(int), record_indicators(uuid[]), indicator_met(text, int, int), indicator_candidates(uuid[]);
    DELETE FROM alerts WHERE kind = 'trafficking_indicator';
    DROP TABLE indicator_outbox, indicator_scopes, indicator_traces, indicators;
  `);
}
