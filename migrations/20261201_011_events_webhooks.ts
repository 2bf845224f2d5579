import type { Knex } from 'knex';

const list = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');
// A migration is a snapshot: the values as they are today.
const EVENT_TYPES = ['trace.status_changed', 'alert.created', 'destruction.completed', 'destruction.verified', 'ping'];

/**
 * Events are written by triggers in the statement that makes the change (so never lost, never sent for a change that
 * rolled back), with an outbox row for the webhook relay and a NOTIFY naming the new ids for the live streams.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE events (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      type text NOT NULL CHECK (type IN (${list(EVENT_TYPES)})),
      occurred_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      -- The record the event is about: deliveries to one webhook keep each record's events in order.
      subject_id uuid NOT NULL,
      -- The agencies whose people may see it (its owner; for alerts, every agency concerned).
      agency_ids uuid[] NOT NULL,
      data jsonb NOT NULL
    );
    CREATE INDEX events_occurred ON events (occurred_at);
    CREATE TABLE event_outbox (event_id bigint PRIMARY KEY REFERENCES events(id) ON DELETE CASCADE);

    -- Tells the live streams which ids to read (other transactions' ids may fall between: readers skip what they sent),
    -- and wakes the webhook relay when some of them are in its outbox.
    CREATE FUNCTION publish_events(lo bigint, hi bigint, for_webhooks boolean) RETURNS void LANGUAGE plpgsql AS $$
    BEGIN
      IF lo IS NULL THEN RETURN; END IF;
      PERFORM pg_notify('rastreo_events', lo || ',' || hi);
      IF for_webhooks THEN PERFORM pg_notify('rastreo_webhook_outbox', ''); END IF;
    END $$;

    -- Only events some webhook wants get an outbox row: most events, with no webhook, cost none.
    CREATE FUNCTION wanted_by_webhooks(event_type text, agencies uuid[]) RETURNS boolean LANGUAGE plpgsql STABLE AS $$
    BEGIN
      RETURN EXISTS (SELECT 1 FROM webhooks w WHERE w.deleted_at IS NULL AND w.agency_id = ANY(agencies) AND event_type = ANY(w.events));
    END $$;

    CREATE FUNCTION record_trace_events() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE lo bigint; hi bigint; wanted bigint;
    BEGIN
      WITH ins AS (
        INSERT INTO events (type, subject_id, agency_ids, data)
        SELECT 'trace.status_changed', t.id, ARRAY[t.agency_id],
               jsonb_build_object('traceId', t.id, 'reference', t.reference, 'agencyId', t.agency_id, 'fromStatus', n.from_status,
                                  'toStatus', n.to_status, 'outcome', t.result->>'outcome')
          FROM new_rows n JOIN traces t ON t.id = n.trace_id
         WHERE n.from_status IS DISTINCT FROM n.to_status
         ORDER BY n.id
        RETURNING id, type, agency_ids),
      ob AS (INSERT INTO event_outbox (event_id) SELECT id FROM ins WHERE wanted_by_webhooks(type, agency_ids) RETURNING event_id)
      SELECT min(id), max(id), (SELECT count(*) FROM ob) INTO lo, hi, wanted FROM ins;
      PERFORM publish_events(lo, hi, wanted > 0);
      RETURN NULL;
    END $$;
    CREATE TRIGGER trace_events_publish AFTER INSERT ON trace_events REFERENCING NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION record_trace_events();

    CREATE FUNCTION record_alert_events() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE lo bigint; hi bigint; wanted bigint;
    BEGIN
      WITH ins AS (
        INSERT INTO events (type, subject_id, agency_ids, data)
        SELECT 'alert.created', a.id, a.agency_ids,
               jsonb_build_object('alertId', a.id, 'kind', a.kind, 'severity', a.severity,
                                  'subject', jsonb_build_object('type', a.subject_type, 'id', a.subject_id, 'reference', a.subject_reference))
          FROM new_rows a ORDER BY a.created_at
        RETURNING id, type, agency_ids),
      ob AS (INSERT INTO event_outbox (event_id) SELECT id FROM ins WHERE wanted_by_webhooks(type, agency_ids) RETURNING event_id)
      SELECT min(id), max(id), (SELECT count(*) FROM ob) INTO lo, hi, wanted FROM ins;
      PERFORM publish_events(lo, hi, wanted > 0);
      RETURN NULL;
    END $$;
    CREATE TRIGGER alerts_publish AFTER INSERT ON alerts REFERENCING NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION record_alert_events();

    CREATE FUNCTION record_destruction_events() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE new_id bigint;
    BEGIN
      IF NEW.status IS DISTINCT FROM OLD.status AND NEW.status IN ('completed', 'verified') THEN
        INSERT INTO events (type, subject_id, agency_ids, data)
        VALUES ('destruction.' || NEW.status, NEW.id, ARRAY[NEW.agency_id],
                jsonb_build_object('destructionId', NEW.id, 'reference', NEW.reference, 'agencyId', NEW.agency_id))
        RETURNING id INTO new_id;
        IF wanted_by_webhooks('destruction.' || NEW.status, ARRAY[NEW.agency_id]) THEN
          INSERT INTO event_outbox (event_id) VALUES (new_id);
          PERFORM publish_events(new_id, new_id, true);
        ELSE
          PERFORM publish_events(new_id, new_id, false);
        END IF;
      END IF;
      RETURN NULL;
    END $$;
    CREATE TRIGGER destruction_events_publish AFTER UPDATE ON destruction_events
      FOR EACH ROW EXECUTE FUNCTION record_destruction_events();

    CREATE TABLE webhooks (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      agency_id uuid NOT NULL REFERENCES agencies(id),
      url text NOT NULL CHECK (url ~ '^(http|https)://' AND length(url) <= 2000),
      events text[] NOT NULL CHECK (cardinality(events) >= 1 AND events <@ ARRAY[${list(EVENT_TYPES.filter((t) => t !== 'ping'))}]::text[]),
      description text CHECK (length(description) <= 500),
      -- The signing secret, encrypted (AES-256-GCM, key WEBHOOK_SECRET_KEY): iv, tag and ciphertext, base64.
      secret_encrypted text NOT NULL,
      created_by uuid NOT NULL REFERENCES users(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      deleted_at timestamptz
    );
    CREATE INDEX webhooks_agency ON webhooks (agency_id) WHERE deleted_at IS NULL;

    CREATE TABLE webhook_deliveries (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      webhook_id uuid NOT NULL REFERENCES webhooks(id),
      event_id bigint NOT NULL REFERENCES events(id) ON DELETE CASCADE,
      type text NOT NULL,
      subject_id uuid NOT NULL,
      attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
      last_response_status integer,
      last_error text,
      last_attempt_at timestamptz,
      -- Waiting for an earlier event about the same record to reach this webhook; the relay sends it on after.
      parked boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (webhook_id, event_id)
    );
    CREATE INDEX webhook_deliveries_parked ON webhook_deliveries (webhook_id, subject_id) WHERE parked;
    CREATE INDEX webhook_deliveries_list ON webhook_deliveries (webhook_id, event_id DESC);
    CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (webhook_id, subject_id, event_id) WHERE status = 'pending';
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DROP TABLE webhook_deliveries, webhooks;
    DROP TRIGGER destruction_events_publish ON destruction_events; DROP TRIGGER alerts_publish ON alerts;
    DROP TRIGGER trace_events_publish ON trace_events;
    DROP FUNCTION record_destruction_events(), record_alert_events(), record_trace_events(), publish_events(bigint, bigint, boolean), wanted_by_webhooks(text, uuid[]);
    DROP TABLE event_outbox, events;
  `);
}
