import type { Knex } from 'knex';

/**
 * Diversion safety (contract, 2026-12-05): every alert names its gun, so each record that touches the gun can show the
 * open alerts about it (`openAlerts`) and a destruction can refuse a gun with an open critical alert. Trafficking-indicator
 * alerts become one per trace that sets indicators off, with the indicators as `reasons`. Alerts raised before keep their
 * subject (the indicator) and get their gun from the trace they name.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER TABLE alerts
      ADD COLUMN weapon_id uuid REFERENCES weapons (id),
      ADD COLUMN reasons jsonb CHECK (reasons IS NULL OR jsonb_typeof(reasons) = 'array');
    UPDATE alerts al SET weapon_id = t.weapon_id FROM traces t WHERE al.subject_type = 'trace' AND t.id = al.subject_id;
    UPDATE alerts al SET weapon_id = s.weapon_id FROM stockpile_items s
     WHERE al.subject_type = 'stockpile_item' AND s.id = al.subject_id;
    UPDATE alerts al SET weapon_id = t.weapon_id FROM traces t
     WHERE al.subject_type = 'indicator' AND al.weapon_id IS NULL AND t.reference = al.related -> 0 ->> 'reference';
    UPDATE alerts al SET weapon_id = (SELECT x.weapon_id FROM indicator_traces x WHERE x.indicator_id = al.subject_id
                                       ORDER BY x.seen_at DESC LIMIT 1)
     WHERE al.subject_type = 'indicator' AND al.weapon_id IS NULL;
    ALTER TABLE alerts ALTER COLUMN weapon_id SET NOT NULL;
    CREATE INDEX alerts_weapon_unclosed ON alerts (weapon_id) INCLUDE (severity, kind) WHERE status <> 'closed';
    CREATE INDEX alerts_weapon ON alerts (weapon_id, created_at DESC, id DESC);
    CREATE INDEX alerts_subject ON alerts (subject_id, created_at DESC, id DESC);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DROP INDEX alerts_weapon_unclosed, alerts_weapon, alerts_subject;
    ALTER TABLE alerts DROP COLUMN weapon_id, DROP COLUMN reasons;
  `);
}
