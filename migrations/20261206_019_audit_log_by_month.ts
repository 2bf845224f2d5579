import type { Knex } from 'knex';

/**
 * The audit log, kept for ten years and more, becomes a table partitioned by month (`at`): old months can be exported
 * and detached (`npm run cli -- archive`) without touching the live one, and the indexes stay the size of a month.
 * Partitions are created ahead by `ensure_month_partitions` (src/db/sql/partitions.sql, at every start and by the
 * worker); the default partition catches a row no month partition covers yet, so no write is ever refused. The rows
 * move over in this migration; the database code is reloaded after it, which puts the append-only triggers on the new
 * table.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER TABLE audit_log RENAME TO audit_log_unpartitioned;
    ALTER INDEX audit_log_pkey RENAME TO audit_log_unpartitioned_pkey;
    ALTER INDEX audit_log_at RENAME TO audit_log_unpartitioned_at;
    ALTER INDEX audit_log_entity RENAME TO audit_log_unpartitioned_entity;
    ALTER INDEX audit_log_actor RENAME TO audit_log_unpartitioned_actor;

    CREATE SEQUENCE audit_log_seq AS bigint;
    SELECT setval('audit_log_seq', coalesce((SELECT max(id) FROM audit_log_unpartitioned), 0) + 1, false);
    CREATE TABLE audit_log (
      id bigint NOT NULL DEFAULT nextval('audit_log_seq'),
      at timestamptz NOT NULL DEFAULT clock_timestamp(),
      component text NOT NULL CHECK (component IN ('api', 'worker', 'cli')),
      action text NOT NULL,
      outcome text NOT NULL DEFAULT 'success' CHECK (outcome IN ('success', 'denied', 'failure')),
      actor_id uuid,
      role text CHECK (role IN ('investigator', 'advisor', 'stockpile_manager', 'admin')),
      agency_id uuid,
      entity text,
      entity_id text,
      request_id text,
      ip text,
      details jsonb,
      PRIMARY KEY (id, at)
    ) PARTITION BY RANGE (at);
    ALTER SEQUENCE audit_log_seq OWNED BY audit_log.id;
    CREATE INDEX audit_log_at ON audit_log (at DESC, id DESC);
    CREATE INDEX audit_log_entity ON audit_log (entity, entity_id, id DESC);
    CREATE INDEX audit_log_actor ON audit_log (actor_id, id DESC);
    CREATE TABLE audit_log_default PARTITION OF audit_log DEFAULT;

    DO $$
    DECLARE m date;
    BEGIN
      FOR m IN SELECT generate_series(
                 date_trunc('month', least(coalesce((SELECT min(at) FROM audit_log_unpartitioned), now()), now())),
                 date_trunc('month', now()) + interval '3 months', interval '1 month')::date
      LOOP
        EXECUTE format('CREATE TABLE %I PARTITION OF audit_log FOR VALUES FROM (%L) TO (%L)',
                       'audit_log_' || to_char(m, 'YYYY_MM'), m, (m + interval '1 month')::date);
      END LOOP;
    END $$;

    INSERT INTO audit_log SELECT * FROM audit_log_unpartitioned;
    DROP TABLE audit_log_unpartitioned;
    DELETE FROM database_code;
  `);
}

export async function down(): Promise<void> {
  // Going back would mean copying every month into one table again; restore from a backup taken before instead.
}
