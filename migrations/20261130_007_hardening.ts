import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    -- Sign-in failures are counted per address (a SHA-256 of the lower-cased email), whether or not a user has it:
    -- a lockout must never tell that an account exists.
    CREATE TABLE sign_in_failures (
      email_hash bytea PRIMARY KEY CHECK (length(email_hash) = 32),
      failures int NOT NULL DEFAULT 0 CHECK (failures >= 0),
      locked_until timestamptz,
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    ALTER TABLE users DROP COLUMN failed_sign_ins, DROP COLUMN locked_until;

    -- Who last submitted a trace: the submitter never reviews it (separation of duties by person).
    ALTER TABLE traces ADD COLUMN submitted_by uuid REFERENCES users(id);
    UPDATE traces SET submitted_by = created_by WHERE submitted_at IS NOT NULL;

    -- Short-lived tokens that only the queue board accepts, carried by an HttpOnly cookie.
    ALTER TABLE api_tokens DROP CONSTRAINT api_tokens_kind_check;
    ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_kind_check CHECK (kind IN ('api', 'session', 'board'));
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DELETE FROM api_tokens WHERE kind = 'board';
    ALTER TABLE api_tokens DROP CONSTRAINT api_tokens_kind_check;
    ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_kind_check CHECK (kind IN ('api', 'session'));
    ALTER TABLE traces DROP COLUMN submitted_by;
    ALTER TABLE users ADD COLUMN failed_sign_ins int NOT NULL DEFAULT 0, ADD COLUMN locked_until timestamptz;
    DROP TABLE sign_in_failures;
  `);
}
