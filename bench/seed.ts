import type { Db } from '../src/db/knex.ts';
import { indicatorRulesJson } from '../src/intelligence/rules.ts';

export interface ScaleSize {
  traces: number;
  weapons: number;
  agencies: number;
  regions: number;
  casesPerAgency: number;
}

const MAKERS = [
  'Glock',
  'Smith & Wesson',
  'Taurus',
  'Beretta',
  'Ruger',
  'Colt',
  'Norinco',
  'Bersa',
  'Jennings',
  'Hi-Point',
];
const COUNTRIES = ['AT', 'US', 'BR', 'IT', 'US', 'US', 'CN', 'AR', 'US', 'US'];
const DEPARTMENTS = [
  'Ahuachapán',
  'Cabañas',
  'Chalatenango',
  'Cuscatlán',
  'La Libertad',
  'La Paz',
  'La Unión',
  'Morazán',
  'San Miguel',
  'San Salvador',
  'San Vicente',
  'Santa Ana',
  'Sonsonate',
  'Usulután',
];

const sqlArray = (values: string[]) => `ARRAY[${values.map((v) => `'${v.replace(/'/g, "''")}'`).join(',')}]`;

const stepper = (db: Db, log: (line: string) => void) => async (label: string, sql: string) => {
  const started = Date.now();
  // Each step on whatever pooled connection it gets, so each sets what it needs (VACUUM runs alone: no transaction).
  await db.raw(sql.startsWith('VACUUM') ? sql : `SET synchronous_commit = off; ${sql}`);
  log(`  seed: ${label} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
};

/**
 * The scale data, with set-based SQL (no row-by-row round trips) and a status mix like a live system: mostly finished
 * traces, a few percent waiting for review, queued, returned, failed or cancelled. `seedBase`, then `seedTraces`.
 */
/** Agencies, users, cases and weapons (the tables `bench_cases` and `bench_weapons` index them for the traces). */
export async function seedBase(db: Db, size: ScaleSize, log: (line: string) => void): Promise<void> {
  const step = stepper(db, log);
  await step(
    'agencies and users',
    `
    INSERT INTO agencies (code, name, country, region)
      SELECT 'BA-' || lpad(g::text, 3, '0'), 'Bench agency ' || g, 'SV', 'bench-region-' || (g % ${size.regions})
      FROM generate_series(0, ${size.agencies - 1}) g;
    INSERT INTO users (agency_id, name, email, role)
      SELECT id, 'Investigator ' || code, lower(code) || '@bench.example', 'investigator' FROM agencies WHERE code LIKE 'BA-%';`,
  );
  await step(
    'cases',
    `
    CREATE UNLOGGED TABLE bench_cases AS
      SELECT row_number() OVER () - 1 AS idx, a.idx AS agency_idx, g AS case_idx, a.id AS agency_id, a.region, u.id AS created_by
      FROM (SELECT id, region, substring(code from 4)::int AS idx FROM agencies WHERE code LIKE 'BA-%') a
      JOIN users u ON u.agency_id = a.id
      CROSS JOIN generate_series(0, ${size.casesPerAgency - 1}) g;
    ALTER TABLE bench_cases ADD COLUMN id uuid DEFAULT gen_random_uuid();
    UPDATE bench_cases SET id = gen_random_uuid();
    CREATE UNIQUE INDEX ON bench_cases (agency_idx, case_idx);
    INSERT INTO cases (id, agency_id, case_number, title, offense, created_by, opened_at)
      SELECT id, agency_id, 'BENCH-' || case_idx, 'Bench case ' || case_idx,
             (ARRAY['homicide','robbery','extortion','drug_trafficking','illegal_possession'])[1 + case_idx % 5], created_by, current_date
      FROM bench_cases;`,
  );
  // Most guns: a serial no other gun of its make shares a batch with (the last digit picks the make). Three in every
  // 500 come from one batch of one make and model (a serial sequence); sale, dealer and purchaser belong to the gun.
  await step(
    'weapons',
    `
    CREATE UNLOGGED TABLE bench_weapons AS
      SELECT g AS idx, gen_random_uuid() AS id, b.batch,
             (${sqlArray(MAKERS)})[1 + coalesce(b.batch, g) % ${MAKERS.length}] AS manufacturer,
             'M' || (coalesce(b.batch, g) % 20) AS model,
             (${sqlArray(COUNTRIES)})[1 + coalesce(b.batch, g) % ${COUNTRIES.length}] AS country,
             CASE WHEN b.batch IS NULL THEN 'BSN' || g || 'X' ELSE 'SQ' || lpad(b.batch::text, 6, '0') || lpad((g % 500)::text, 2, '0') END AS serial,
             current_date - 30 - (g * 37) % 4000 AS sold_on,
             CASE WHEN g % 10 < 3 THEN '9-99-' || lpad((g % ${Math.max(1, Math.floor(size.weapons / 200))})::text, 5, '0') ELSE '5-' || g END AS licence,
             CASE WHEN g % 50 = 0 THEN 'Repetido' || ((g / 50) % ${Math.max(1, Math.floor(size.weapons / 500))}) ELSE 'Bench ' || g END AS buyer
      FROM generate_series(0, ${size.weapons - 1}) g
      CROSS JOIN LATERAL (SELECT CASE WHEN g % 500 < 3 THEN g / 500 END AS batch) b;
    CREATE UNIQUE INDEX ON bench_weapons (idx);
    INSERT INTO weapons (id, manufacturer, manufacturer_normalized, model, caliber, type, serial_number, serial_normalized, importer, country_of_manufacture)
      SELECT id, manufacturer, upper(regexp_replace(manufacturer, '[^A-Za-z0-9&]+', ' ', 'g')), model, '9mm', 'pistol',
             serial, serial, CASE WHEN country <> 'US' THEN manufacturer || ' USA' END, country
      FROM bench_weapons;`,
  );
}

/**
 * Traces number `from` to `to` − 1 of the seed (each number always gives the same trace), their case links, the
 * indicators of those completed, and fresh statistics: the scale scenario seeds a tenth first (the growth row) and
 * then the rest.
 */
export async function seedTraces(db: Db, size: ScaleSize, from: number, to: number, log: (line: string) => void) {
  const step = stepper(db, log);
  // Status shares per mille: draft 20, pending_review 40, queued 10, in_progress 5, needs_info 30, failed 5,
  // cancelled 40, completed 350, not_traceable 500.
  await step(
    'traces',
    `
    INSERT INTO traces (reference, agency_id, region, case_id, weapon_id, weapon, status, stage, urgent, urgent_reason, quality_flags,
                        recovery_date, recovery_country, recovery_department, recovery_circumstance, possessor, created_by,
                        created_at, updated_at, status_changed_at, submitted_at, completed_at, result, queue_run)
    SELECT 'TR-2025-' || lpad(g::text, 7, '0'), c.agency_id, c.region, c.id, w.id,
           jsonb_build_object('manufacturer', w.manufacturer, 'model', w.model, 'caliber', '9mm', 'type', 'pistol', 'serialNumber', w.serial,
                              'serialObliterated', false, 'importer', NULL, 'countryOfManufacture', w.country),
           s.status, CASE WHEN s.status IN ('completed', 'not_traceable') THEN 'purchaser' END,
           s.urgent, CASE WHEN s.urgent THEN 'Suspect in custody' END, CASE WHEN s.urgent THEN ARRAY['urgent'] ELSE '{}' END,
           t.created::date - (g % 20), 'SV', (${sqlArray(DEPARTMENTS)})[1 + g % ${DEPARTMENTS.length}], 'seizure',
           jsonb_build_object('firstName', 'José', 'lastName', 'Bench ' || g), c.created_by,
           t.created, t.changed, t.changed, CASE WHEN s.status <> 'draft' THEN t.created END,
           CASE WHEN s.status IN ('completed', 'not_traceable', 'cancelled') THEN t.changed END,
           CASE s.status
             WHEN 'completed' THEN CASE WHEN g % 7 < 3
               THEN jsonb_build_object('outcome', 'purchaser_identified', 'sourceCountry', 'US', 'sourceState', 'TX',
                      'dealer', jsonb_build_object('name', 'Armería ' || w.licence, 'licenseNumber', w.licence, 'city', 'Houston', 'state', 'TX'),
                      'purchaser', jsonb_build_object('firstName', 'Carlos', 'lastName', w.buyer, 'dateOfBirth', '1990-01-01', 'city', 'Houston', 'state', 'TX'),
                      'saleDate', sale.day::text, 'timeToCrimeDays', (t.created::date - (g % 20)) - sale.day)
               ELSE jsonb_build_object('outcome', 'exporter_identified', 'sourceCountry', 'US', 'sourceState', 'TX') END
             WHEN 'not_traceable' THEN jsonb_build_object('outcome', 'not_traceable', 'reason', 'foreign_no_us_record', 'sourceCountry', w.country)
           END,
           CASE WHEN s.status = 'draft' THEN 0 ELSE 1 END
    FROM generate_series(${from}, ${to - 1}) g
    CROSS JOIN LATERAL (SELECT (g::bigint * 2654435761) % 1000 AS mille) h
    CROSS JOIN LATERAL (SELECT CASE
        WHEN h.mille < 20 THEN 'draft' WHEN h.mille < 60 THEN 'pending_review' WHEN h.mille < 70 THEN 'queued'
        WHEN h.mille < 75 THEN 'in_progress' WHEN h.mille < 105 THEN 'needs_info' WHEN h.mille < 110 THEN 'failed'
        WHEN h.mille < 150 THEN 'cancelled' WHEN h.mille < 500 THEN 'completed' ELSE 'not_traceable' END AS status,
        (h.mille % 37 = 0) AS urgent) s
    CROSS JOIN LATERAL (SELECT now() - make_interval(days => g % 730, secs => g % 86400) AS created) t0
    CROSS JOIN LATERAL (SELECT t0.created AS created, LEAST(now(), t0.created + make_interval(hours => (g % 240))) AS changed) t
    JOIN bench_cases c ON c.agency_idx = g % ${size.agencies} AND c.case_idx = (g / ${size.agencies}) % ${size.casesPerAgency}
    JOIN bench_weapons w ON w.idx = (g::bigint * 7919) % ${size.weapons}
    CROSS JOIN LATERAL (SELECT LEAST(w.sold_on, t.created::date - (g % 20) - 20) AS day) sale
    ON CONFLICT DO NOTHING;`,
  );
  await step(
    'case links',
    'INSERT INTO case_weapons (case_id, weapon_id) SELECT DISTINCT case_id, weapon_id FROM traces ON CONFLICT DO NOTHING',
  );
  // What the worker's completions would have recorded: the trafficking indicators of the completed traces.
  await step(
    'indicators',
    `SELECT record_indicators(ARRAY(SELECT id FROM traces WHERE status = 'completed'
                                      AND reference BETWEEN 'TR-2025-${String(from).padStart(7, '0')}' AND 'TR-2025-${String(to - 1).padStart(7, '0')}'
                                    ORDER BY completed_at), '${indicatorRulesJson()}'::jsonb)`,
  );
  // What autovacuum would have done on a live system: visibility map (index-only scans) and statistics.
  await step('vacuum analyze', 'VACUUM ANALYZE');
}
