import type { Knex } from 'knex';
import * as initial from './20261129_001_initial.ts';

export const migrations: Record<string, Knex.Migration> = {
  '20261129_001_initial': initial,
};
