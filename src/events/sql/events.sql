-- Events are written by triggers in the statement that makes the change, so an event is never lost (Redis away) and
-- never exists for a change that rolled back; their NOTIFY (sent at commit) wakes the live streams and the webhook relay.

-- Names the new event ids for the live streams (other transactions' ids may fall between: readers skip what they sent),
-- and wakes the webhook relay when some of them are in its outbox.
CREATE OR REPLACE FUNCTION public.publish_events(lo bigint, hi bigint, for_webhooks boolean) RETURNS void
    LANGUAGE plpgsql
    AS $$
    BEGIN
      IF lo IS NULL THEN RETURN; END IF;
      PERFORM pg_notify('rastreo_events', lo || ',' || hi);
      IF for_webhooks THEN PERFORM pg_notify('rastreo_webhook_outbox', ''); END IF;
    END $$;

-- Only events some webhook wants get an outbox row: most events, with no webhook, cost none.
CREATE OR REPLACE FUNCTION public.wanted_by_webhooks(event_type text, agencies uuid[]) RETURNS boolean
    LANGUAGE plpgsql STABLE
    AS $$
    BEGIN
      RETURN EXISTS (SELECT 1 FROM webhooks w WHERE w.deleted_at IS NULL AND w.agency_id = ANY(agencies) AND event_type = ANY(w.events));
    END $$;

-- trace.status_changed for every status change of a statement's traces, in trace-event order.
CREATE OR REPLACE FUNCTION public.record_trace_events() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
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

CREATE OR REPLACE TRIGGER trace_events_publish AFTER INSERT ON public.trace_events REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.record_trace_events();

-- alert.created for every alert a statement raises, to every agency the alert concerns.
CREATE OR REPLACE FUNCTION public.record_alert_events() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
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

CREATE OR REPLACE TRIGGER alerts_publish AFTER INSERT ON public.alerts REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.record_alert_events();

-- destruction.completed and destruction.verified.
CREATE OR REPLACE FUNCTION public.record_destruction_events() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
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

CREATE OR REPLACE TRIGGER destruction_events_publish AFTER UPDATE ON public.destruction_events FOR EACH ROW EXECUTE FUNCTION public.record_destruction_events();
