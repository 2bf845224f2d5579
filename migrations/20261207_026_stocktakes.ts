import type { Knex } from 'knex';

/**
 * Stocktakes (contract, 2026-12-05; issue 33): a full count of one store (an agency's storage location), opened by one
 * stockpile manager and closed by another. Its lines are the items expected when it opened (in custody or scheduled at
 * that location) and every item counted; counting an item twice is the same line (its key), so two devices counting at
 * once merge. At most one stocktake of a store is not closed. A missing item raises a critical `stock_discrepancy` alert.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE stocktakes (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      reference text NOT NULL UNIQUE DEFAULT next_reference('ST', 6),
      agency_id uuid NOT NULL REFERENCES agencies (id),
      storage_location text NOT NULL CHECK (char_length(storage_location) BETWEEN 1 AND 200),
      status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'counting', 'closed')),
      opening_note text CHECK (char_length(opening_note) BETWEEN 1 AND 2000),
      opened_by uuid NOT NULL REFERENCES users (id),
      opened_at timestamptz NOT NULL DEFAULT now(),
      closed_by uuid REFERENCES users (id),
      closed_at timestamptz,
      closing_note text CHECK (char_length(closing_note) BETWEEN 1 AND 2000),
      CHECK ((status = 'closed') = (closed_at IS NOT NULL AND closed_by IS NOT NULL AND closing_note IS NOT NULL)),
      CHECK (closed_by <> opened_by)
    );
    CREATE UNIQUE INDEX stocktakes_one_unclosed ON stocktakes (agency_id, storage_location) WHERE status <> 'closed';
    CREATE INDEX stocktakes_agency ON stocktakes (agency_id, opened_at DESC, id DESC);
    CREATE INDEX stocktakes_list ON stocktakes (opened_at DESC, id DESC);
    CREATE INDEX stocktakes_last_closed ON stocktakes (agency_id, storage_location, closed_at DESC) WHERE status = 'closed';

    CREATE TABLE stocktake_lines (
      stocktake_id uuid NOT NULL REFERENCES stocktakes (id),
      item_id uuid NOT NULL REFERENCES stockpile_items (id),
      expected boolean NOT NULL,
      counted_at timestamptz,
      counted_by uuid REFERENCES users (id),
      condition text CHECK (condition IN ('ok', 'damaged')),
      note text CHECK (char_length(note) BETWEEN 1 AND 2000),
      -- Set when the stocktake closes, so its result stays what was signed off whatever happens to the items later.
      outcome text CHECK (outcome IN ('counted', 'missing', 'left', 'unexpected')),
      explanation text CHECK (explanation IN ('taken_in_during_count', 'recorded_elsewhere', 'recorded_destroyed',
        'destroyed_during_count')),
      PRIMARY KEY (stocktake_id, item_id),
      CHECK ((counted_at IS NULL) = (counted_by IS NULL)),
      CHECK (expected OR counted_at IS NOT NULL),
      CHECK (counted_at IS NOT NULL OR (condition IS NULL AND note IS NULL)),
      CHECK (outcome IS NULL OR (outcome = 'unexpected') = NOT expected),
      CHECK (outcome IS NULL OR (outcome = 'counted') = (expected AND counted_at IS NOT NULL))
    );
    CREATE INDEX stocktake_lines_missing ON stocktake_lines (stocktake_id) WHERE outcome = 'missing';
    CREATE INDEX stocktake_lines_item ON stocktake_lines (item_id);

    ALTER TABLE alerts DROP CONSTRAINT alerts_kind_check;
    ALTER TABLE alerts ADD CONSTRAINT alerts_kind_check CHECK (kind IN ('stolen_match', 'destroyed_weapon_recovered',
      'custody_weapon_recovered', 'trafficking_indicator', 'stock_discrepancy'));
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DELETE FROM alerts WHERE kind = 'stock_discrepancy';
    ALTER TABLE alerts DROP CONSTRAINT alerts_kind_check;
    ALTER TABLE alerts ADD CONSTRAINT alerts_kind_check CHECK (kind IN ('stolen_match', 'destroyed_weapon_recovered',
      'custody_weapon_recovered', 'trafficking_indicator'));
    DROP TABLE stocktake_lines;
    DROP TABLE stocktakes;
  `);
}
