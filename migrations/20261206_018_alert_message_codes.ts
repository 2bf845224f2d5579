import type { Knex } from 'knex';

/**
 * An alert is worded from a code and its values (src/alerts/messages.ts, the message catalogues), no longer by the SQL
 * that raises it: new alerts store `message_code` and `message_params`; alerts raised before keep their stored English.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER TABLE alerts
      ALTER COLUMN message DROP NOT NULL,
      ADD COLUMN message_code text CHECK (message_code ~ '^[a-z][a-z_]{0,63}$'),
      ADD COLUMN message_params jsonb CHECK (message_params IS NULL OR jsonb_typeof(message_params) = 'object'),
      ADD CONSTRAINT alerts_message_worded CHECK (message IS NOT NULL OR message_code IS NOT NULL);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DELETE FROM alerts WHERE message IS NULL;
    ALTER TABLE alerts DROP CONSTRAINT alerts_message_worded, DROP COLUMN message_code, DROP COLUMN message_params,
      ALTER COLUMN message SET NOT NULL;
  `);
}
