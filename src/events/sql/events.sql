-- Events are written by triggers in the statement that makes the change, so an event is never lost (Redis away) and
-- never exists for a change that rolled back; their NOTIFY (sent at commit) wakes the live streams and the webhook relay.

-- The one way new events leave the statement that wrote them: those some webhook wants get an outbox row (most
-- events, with no webhook, cost none), then the new ids are named for the live streams (other transactions' ids may
-- fall between: readers skip what they sent) and the webhook relay is woken when its outbox grew.
CREATE OR REPLACE FUNCTION public.publish_events(ids bigint[]) RETURNS void
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

-- Does some live webhook of one of these agencies want this event type?
CREATE OR REPLACE FUNCTION public.wanted_by_webhooks(event_type text, agencies uuid[]) RETURNS boolean
    LANGUAGE plpgsql STABLE
    AS $$
    BEGIN
      RETURN EXISTS (SELECT 1 FROM webhooks w WHERE w.deleted_at IS NULL AND w.agency_id = ANY(agencies) AND event_type = ANY(w.events));
    END $$;

-- trace.status_changed for every status change of a statement's traces and trace.stage_completed for every stage the
-- tracing center answered (open pages show a trace's progress without polling), in trace-event order.
CREATE OR REPLACE FUNCTION public.record_trace_events() RETURNS trigger
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

CREATE OR REPLACE TRIGGER trace_events_publish AFTER INSERT ON public.trace_events REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.record_trace_events();

-- alert.created for every alert a statement raises, to every agency the alert concerns.
CREATE OR REPLACE FUNCTION public.record_alert_events() RETURNS trigger
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
        PERFORM publish_events(ARRAY[new_id]);
      END IF;
      RETURN NULL;
    END $$;

CREATE OR REPLACE TRIGGER destruction_events_publish AFTER UPDATE ON public.destruction_events FOR EACH ROW EXECUTE FUNCTION public.record_destruction_events();
