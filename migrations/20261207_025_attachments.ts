import type { Knex } from 'knex';

/**
 * Evidence photographs and documents (contract, 2026-12-05; issue 32). An attachment belongs to exactly one record —
 * a trace, a stockpile item, a stolen report or a destruction — named by its own foreign key, so the database refuses
 * an attachment to nothing. The original lives in object storage under a key that reveals nothing (a random id); the
 * row keeps its size and SHA-256. Attachments are never deleted: retracting one hides it and keeps it.
 * `idempotency_key` makes an upload retried on a slow link one attachment (unique per uploader).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE attachments (
      id uuid PRIMARY KEY,
      agency_id uuid NOT NULL REFERENCES agencies (id),
      trace_id uuid REFERENCES traces (id),
      stockpile_item_id uuid REFERENCES stockpile_items (id),
      stolen_report_id uuid REFERENCES stolen_reports (id),
      destruction_id uuid REFERENCES destruction_events (id),
      kind text NOT NULL CHECK (kind IN ('marking', 'serial', 'overall', 'before_destruction', 'after_destruction',
        'document')),
      caption text CHECK (caption IS NULL OR char_length(caption) BETWEEN 1 AND 500),
      file_name text CHECK (file_name IS NULL OR char_length(file_name) BETWEEN 1 AND 255),
      content_type text NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp', 'image/heic',
        'application/pdf')),
      size bigint NOT NULL CHECK (size > 0),
      sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
      width integer CHECK (width > 0),
      height integer CHECK (height > 0),
      taken_at timestamptz,
      object_key text NOT NULL UNIQUE,
      thumbnail_key text UNIQUE,
      created_by uuid NOT NULL REFERENCES users (id),
      created_at timestamptz NOT NULL DEFAULT now(),
      idempotency_key text CHECK (char_length(idempotency_key) BETWEEN 1 AND 255),
      retracted_at timestamptz,
      retracted_by uuid REFERENCES users (id),
      retract_reason text,
      CHECK (num_nonnulls(trace_id, stockpile_item_id, stolen_report_id, destruction_id) = 1),
      CHECK ((width IS NULL) = (height IS NULL)),
      CHECK ((retracted_at IS NULL AND retracted_by IS NULL AND retract_reason IS NULL)
          OR (retracted_at IS NOT NULL AND retracted_by IS NOT NULL AND char_length(retract_reason) BETWEEN 1 AND 2000)),
      UNIQUE (created_by, idempotency_key)
    );
    CREATE INDEX attachments_trace ON attachments (trace_id, created_at, id) WHERE trace_id IS NOT NULL;
    CREATE INDEX attachments_stockpile_item ON attachments (stockpile_item_id, created_at, id)
      WHERE stockpile_item_id IS NOT NULL;
    CREATE INDEX attachments_stolen_report ON attachments (stolen_report_id, created_at, id)
      WHERE stolen_report_id IS NOT NULL;
    CREATE INDEX attachments_destruction ON attachments (destruction_id, created_at, id)
      WHERE destruction_id IS NOT NULL;
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`DROP TABLE attachments`);
}
