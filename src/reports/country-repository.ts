import type { Queryable } from '../db/knex.ts';

/**
 * The country report's figures in ONE statement — one snapshot, so every table adds up to its total even while traces
 * are being written. `counted` holds each gun recovered in the country that year once (duplicates excluded: its
 * completed trace if any, else its first), with what the tables group by.
 */
const COUNTRY_REPORT = `
WITH counted AS MATERIALIZED (
  SELECT DISTINCT ON (t.weapon_id)
         t.status, coalesce(t.outcome, 'pending') AS outcome, t.time_to_crime_days AS ttc,
         t.weapon->>'type' AS type, upper(btrim(t.weapon->>'caliber')) AS caliber_key, t.weapon->>'caliber' AS caliber,
         w.manufacturer_normalized AS manufacturer_key, w.manufacturer,
         t.result->>'sourceCountry' AS source_country,
         upper(coalesce(t.result->'dealer'->>'state', t.result->>'sourceState')) AS state
    FROM traces t JOIN weapons w ON w.id = t.weapon_id
   WHERE t.recovery_country = :country AND t.recovery_date >= :from AND t.recovery_date < :to
     AND t.status NOT IN ('draft', 'cancelled')
   ORDER BY t.weapon_id, (t.status = 'completed') DESC, t.recovery_date, t.id
),
traced AS MATERIALIZED (SELECT * FROM counted WHERE status = 'completed'),
us AS MATERIALIZED (SELECT * FROM traced WHERE source_country = 'US'),
manufacturers AS (
  SELECT min(manufacturer) AS name, count(*)::int AS count,
         row_number() OVER (ORDER BY count(*) DESC, min(manufacturer)) AS rank
    FROM counted GROUP BY manufacturer_key
),
calibers AS (
  SELECT min(caliber) AS name, count(*)::int AS count,
         row_number() OVER (ORDER BY count(*) DESC, min(caliber)) AS rank
    FROM counted GROUP BY caliber_key
)
SELECT
  (SELECT count(*)::int FROM counted) AS recovered,
  (SELECT count(*)::int FROM traced) AS traced,
  (SELECT count(*)::int FROM us) AS us_sourced,
  (SELECT coalesce(json_agg(json_build_object('type', type, 'count', count) ORDER BY count DESC, type), '[]')
     FROM (SELECT type, count(*)::int AS count FROM counted GROUP BY type) x) AS by_type,
  (SELECT coalesce(json_agg(json_build_object('state', state, 'count', count) ORDER BY state IS NULL, count DESC, state), '[]')
     FROM (SELECT CASE WHEN state = ANY(:states) THEN state END AS state, count(*)::int AS count
             FROM us GROUP BY 1) x) AS by_source_state,
  (SELECT coalesce(json_agg(json_build_object('manufacturer', name, 'count', count) ORDER BY rank), '[]')
     FROM (SELECT CASE WHEN rank <= 10 THEN name END AS name, sum(count)::int AS count, min(rank) AS rank
             FROM manufacturers GROUP BY 1) x) AS top_manufacturers,
  (SELECT coalesce(json_agg(json_build_object('caliber', name, 'count', count) ORDER BY rank), '[]')
     FROM (SELECT CASE WHEN rank <= 10 THEN name END AS name, sum(count)::int AS count, min(rank) AS rank
             FROM calibers GROUP BY 1) x) AS top_calibers,
  (SELECT json_build_object(
            'count', count(ttc)::int,
            'under1Year', count(*) FILTER (WHERE ttc < 365)::int,
            'oneToThreeYears', count(*) FILTER (WHERE ttc >= 365 AND ttc < 1095)::int,
            'overThreeYears', count(*) FILTER (WHERE ttc >= 1095)::int,
            'medianDays', percentile_cont(0.5) WITHIN GROUP (ORDER BY ttc))
     FROM traced) AS time_to_crime,
  (SELECT coalesce(json_object_agg(outcome, count), '{}')
     FROM (SELECT outcome, count(*)::int AS count FROM counted GROUP BY outcome) x) AS outcomes,
  now() AS generated_at`;

export interface CountryReportRow {
  recovered: number;
  traced: number;
  us_sourced: number;
  by_type: { type: string; count: number }[];
  by_source_state: { state: string | null; count: number }[];
  top_manufacturers: { manufacturer: string | null; count: number }[];
  top_calibers: { caliber: string | null; count: number }[];
  time_to_crime: {
    count: number;
    under1Year: number;
    oneToThreeYears: number;
    overThreeYears: number;
    medianDays: number | null;
  };
  outcomes: Record<string, number>;
  generated_at: Date;
}

export async function countryReportRow(
  db: Queryable,
  country: string,
  year: number,
  states: readonly string[],
): Promise<CountryReportRow> {
  const result = await db.raw(COUNTRY_REPORT, {
    country,
    from: `${String(year).padStart(4, '0')}-01-01`,
    to: `${String(year + 1).padStart(4, '0')}-01-01`,
    states: [...states],
  });
  return result.rows[0];
}

/** Who may ask for a country: the countries of the agencies of an advisor's region. */
export async function countriesOfRegion(db: Queryable, region: string): Promise<string[]> {
  return (await db('agencies').where({ region }).distinct('country')).map((row: { country: string }) => row.country);
}
