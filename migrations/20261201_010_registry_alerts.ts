import type { Knex } from 'knex';

const list = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');
// A migration is a snapshot: the values as they are today, not imported from code that may change later.
const LOSS_KINDS = ['lost', 'stolen'];
const LOSS_SOURCES = ['agency_stockpile', 'police_issue', 'military', 'dealer', 'civilian', 'other'];
const REPORT_STATUSES = ['active', 'recovered', 'withdrawn'];
const ALERT_KINDS = ['stolen_match', 'destroyed_weapon_recovered', 'custody_weapon_recovered', 'trafficking_indicator'];
const ALERT_SEVERITIES = ['warning', 'critical'];
const ALERT_STATUSES = ['open', 'acknowledged', 'closed'];
const ALERT_RECORD_TYPES = ['trace', 'stockpile_item', 'stolen_report', 'weapon', 'indicator'];

/**
 * The lost and stolen registry and the alerts it (and the stockpile) raises. One active report per weapon, and never two
 * alerts for the same condition while one is not closed: unique keys, not checks before inserting.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE stolen_reports (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      reference text NOT NULL UNIQUE DEFAULT next_reference('LS', 6),
      agency_id uuid NOT NULL REFERENCES agencies(id),
      weapon_id uuid NOT NULL REFERENCES weapons(id),
      kind text NOT NULL CHECK (kind IN (${list(LOSS_KINDS)})),
      lost_on date NOT NULL CHECK (lost_on >= '1900-01-01'),
      source_type text NOT NULL CHECK (source_type IN (${list(LOSS_SOURCES)})),
      circumstances text NOT NULL CHECK (length(circumstances) BETWEEN 1 AND 2000),
      location jsonb,
      police_report_number text CHECK (length(police_report_number) BETWEEN 1 AND 100),
      status text NOT NULL DEFAULT 'active' CHECK (status IN (${list(REPORT_STATUSES)})),
      created_by uuid NOT NULL REFERENCES users(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      closed_by uuid REFERENCES users(id),
      closed_at timestamptz,
      closing_note text CHECK (length(closing_note) <= 2000),
      CHECK ((status = 'active') = (closed_at IS NULL))
    );
    CREATE UNIQUE INDEX stolen_reports_active_weapon ON stolen_reports (weapon_id) WHERE status = 'active';
    CREATE INDEX stolen_reports_weapon ON stolen_reports (weapon_id, created_at DESC);
    CREATE INDEX stolen_reports_agency ON stolen_reports (agency_id, created_at DESC, id DESC);
    CREATE INDEX stolen_reports_list ON stolen_reports (created_at DESC, id DESC);

    CREATE TABLE alerts (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      kind text NOT NULL CHECK (kind IN (${list(ALERT_KINDS)})),
      severity text NOT NULL CHECK (severity IN (${list(ALERT_SEVERITIES)})),
      status text NOT NULL DEFAULT 'open' CHECK (status IN (${list(ALERT_STATUSES)})),
      message text NOT NULL,
      subject_type text NOT NULL CHECK (subject_type IN (${list(ALERT_RECORD_TYPES)})),
      subject_id uuid NOT NULL,
      subject_reference text NOT NULL,
      related_id uuid NOT NULL,
      related jsonb NOT NULL DEFAULT '[]',
      -- The agencies the alert concerns: their investigators and stockpile managers see it, and the advisors of their regions.
      agency_ids uuid[] NOT NULL CHECK (cardinality(agency_ids) >= 1),
      created_at timestamptz NOT NULL DEFAULT now(),
      acknowledged_by uuid REFERENCES users(id),
      acknowledged_at timestamptz,
      acknowledging_note text CHECK (length(acknowledging_note) <= 2000),
      closed_by uuid REFERENCES users(id),
      closed_at timestamptz,
      closing_note text CHECK (length(closing_note) BETWEEN 1 AND 2000),
      CHECK ((status = 'closed') = (closed_at IS NOT NULL)),
      CHECK (status <> 'acknowledged' OR acknowledged_at IS NOT NULL)
    );
    CREATE UNIQUE INDEX alerts_one_open ON alerts (kind, subject_id, related_id) WHERE status <> 'closed';
    CREATE INDEX alerts_agencies ON alerts USING gin (agency_ids);
    CREATE INDEX alerts_list ON alerts (created_at DESC, id DESC);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE alerts, stolen_reports;');
}
