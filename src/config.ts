import Type, { type Static } from 'typebox';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';

const Port = Type.Integer({ minimum: 0, maximum: 65535 });
const PositiveInt = Type.Integer({ minimum: 1 });

const ConfigSchema = Type.Object({
  PORT: Port,
  DATABASE_URL: Type.String({ pattern: '^postgres(ql)?://' }),
  REDIS_URL: Type.String({ pattern: '^rediss?://' }),
  LOG_LEVEL: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l))),
  DB_POOL_MAX: PositiveInt,
});

export type Config = Static<typeof ConfigSchema>;

const DEFAULTS: Record<keyof Config, string> = {
  PORT: '3000',
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/rastreo',
  REDIS_URL: 'redis://127.0.0.1:6379',
  LOG_LEVEL: 'info',
  DB_POOL_MAX: '10',
};

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const ajv = new Ajv({ coerceTypes: true, allErrors: false });
  addFormats.default(ajv);
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(DEFAULTS) as (keyof Config)[]) {
    const value = env[key];
    raw[key] = value === undefined || value === '' ? DEFAULTS[key] : value;
  }
  const validate = ajv.compile(ConfigSchema);
  if (!validate(raw)) {
    const error = validate.errors![0]!;
    const name = error.instancePath.slice(1);
    throw new ConfigError(`invalid configuration: ${name}=${JSON.stringify(env[name])} ${error.message}`);
  }
  return raw as Config;
}
