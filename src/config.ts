import Type, { type Static } from 'typebox';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';

const Port = Type.Integer({ minimum: 0, maximum: 65535 });
const PositiveInt = Type.Integer({ minimum: 1 });

const ConfigSchema = Type.Object({
  PORT: Port,
  DATABASE_URL: Type.String({ pattern: '^postgres(ql)?://' }),
  READ_DATABASE_URL: Type.String({ pattern: '^(|postgres(ql)?://.*)$' }),
  READ_REPLICA_MAX_LAG_MS: Type.Integer({ minimum: 0 }),
  REDIS_URL: Type.String({ pattern: '^rediss?://' }),
  REDIS_CLUSTER_NODES: Type.String({ pattern: '^(|[^,\\s]+:\\d{1,5}(,[^,\\s]+:\\d{1,5})*)$' }),
  LOG_LEVEL: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l))),
  DB_POOL_MAX: PositiveInt,
  PROCESS_ROLES: Type.Enum(['api,worker', 'api', 'worker']),
  QUEUE_PREFIX: Type.String({ pattern: '^\\{[A-Za-z0-9_-]{1,64}\\}$' }),
  WORKER_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 256 }),
  TRACE_MAX_ATTEMPTS: Type.Integer({ minimum: 1, maximum: 50 }),
  TRACE_BACKOFF_MS: Type.Integer({ minimum: 0 }),
  ADAPTER_LATENCY_MS: Type.Integer({ minimum: 0, maximum: 600_000 }),
  ADAPTER_TRANSIENT_ERROR_RATE: Type.Number({ minimum: 0, maximum: 1 }),
  OUTBOX_POLL_MS: Type.Integer({ minimum: 10 }),
  RECONCILE_INTERVAL_MS: Type.Integer({ minimum: 100 }),
  RECONCILE_AFTER_MS: Type.Integer({ minimum: 0 }),
  WORKER_LOCK_MS: Type.Integer({ minimum: 500 }),
  WORKER_STALLED_INTERVAL_MS: Type.Integer({ minimum: 500 }),
  WORKER_SHUTDOWN_MS: Type.Integer({ minimum: 0 }),
  WORKER_DB_RETRY_MS: Type.Integer({ minimum: 50 }),
  SLA_URGENT_HOURS: Type.Number({ exclusiveMinimum: 0 }),
  SLA_ROUTINE_DAYS: Type.Number({ exclusiveMinimum: 0 }),
  CORS_ORIGINS: Type.String({ pattern: '^(|https?://[^,\\s]+(,https?://[^,\\s]+)*)$' }),
  RATE_LIMIT_WINDOW_MS: Type.Integer({ minimum: 1000 }),
  RATE_LIMIT_MAX: Type.Integer({ minimum: 1 }),
  RATE_LIMIT_ANONYMOUS_MAX: Type.Integer({ minimum: 1 }),
  REQUEST_TIMEOUT_MS: Type.Integer({ minimum: 1000 }),
  SHUTDOWN_TIMEOUT_MS: Type.Integer({ minimum: 0 }),
  DB_ACQUIRE_TIMEOUT_MS: Type.Integer({ minimum: 100 }),
  DB_STATEMENT_TIMEOUT_MS: Type.Integer({ minimum: 0 }),
  WORKER_METRICS_PORT: Port,
  WEB_ROOT: Type.String({ minLength: 1 }),
  TOKEN_CACHE_MS: Type.Integer({ minimum: 0, maximum: 60_000 }),
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: Type.Boolean(),
  WEBHOOK_SECRET_KEY: Type.String({ pattern: '^([0-9a-fA-F]{64})?$' }),
  WEBHOOK_MAX_ATTEMPTS: Type.Integer({ minimum: 1, maximum: 50 }),
  WEBHOOK_BACKOFF_MS: Type.Integer({ minimum: 10 }),
  WEBHOOK_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 60_000 }),
  EVENT_RETENTION_HOURS: Type.Number({ minimum: 1 }),
  ATTACHMENT_MAX_BYTES: Type.Integer({ minimum: 1024, maximum: 1024 ** 3 }),
  ATTACHMENT_DIR: Type.String({ minLength: 1 }),
  S3_ENDPOINT: Type.String({ pattern: '^(|https?://\\S+)$' }),
  S3_BUCKET: Type.String({ pattern: '^(|[a-z0-9][a-z0-9.-]{1,61}[a-z0-9])$' }),
  S3_REGION: Type.String({ minLength: 1 }),
  S3_ACCESS_KEY_ID: Type.String(),
  S3_SECRET_ACCESS_KEY: Type.String(),
  S3_FORCE_PATH_STYLE: Type.Boolean(),
  DESTRUCTION_PHOTOS_REQUIRED: Type.Boolean(),
});

export type Config = Static<typeof ConfigSchema>;

const DEFAULTS: Record<keyof Config, string> = {
  PORT: '3000',
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/rastreo',
  READ_DATABASE_URL: '',
  READ_REPLICA_MAX_LAG_MS: '5000',
  REDIS_URL: 'redis://127.0.0.1:6379',
  REDIS_CLUSTER_NODES: '',
  LOG_LEVEL: 'info',
  DB_POOL_MAX: '10',
  PROCESS_ROLES: 'api,worker',
  QUEUE_PREFIX: '{rastreo}',
  WORKER_CONCURRENCY: '8',
  TRACE_MAX_ATTEMPTS: '5',
  TRACE_BACKOFF_MS: '1000',
  ADAPTER_LATENCY_MS: '200',
  ADAPTER_TRANSIENT_ERROR_RATE: '0',
  OUTBOX_POLL_MS: '1000',
  RECONCILE_INTERVAL_MS: '30000',
  RECONCILE_AFTER_MS: '60000',
  WORKER_LOCK_MS: '30000',
  WORKER_STALLED_INTERVAL_MS: '30000',
  WORKER_SHUTDOWN_MS: '25000',
  WORKER_DB_RETRY_MS: '1000',
  SLA_URGENT_HOURS: '24',
  SLA_ROUTINE_DAYS: '5',
  CORS_ORIGINS: '',
  RATE_LIMIT_WINDOW_MS: '60000',
  RATE_LIMIT_MAX: '1200',
  RATE_LIMIT_ANONYMOUS_MAX: '120',
  REQUEST_TIMEOUT_MS: '30000',
  SHUTDOWN_TIMEOUT_MS: '20000',
  DB_ACQUIRE_TIMEOUT_MS: '3000',
  DB_STATEMENT_TIMEOUT_MS: '20000',
  WORKER_METRICS_PORT: '9464',
  WEB_ROOT: 'dist/web',
  TOKEN_CACHE_MS: '5000',
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'false',
  WEBHOOK_SECRET_KEY: '',
  WEBHOOK_MAX_ATTEMPTS: '8',
  WEBHOOK_BACKOFF_MS: '60000',
  WEBHOOK_TIMEOUT_MS: '10000',
  EVENT_RETENTION_HOURS: '24',
  ATTACHMENT_MAX_BYTES: String(20 * 1024 * 1024),
  ATTACHMENT_DIR: 'data/attachments',
  S3_ENDPOINT: '',
  S3_BUCKET: '',
  S3_REGION: 'us-east-1',
  S3_ACCESS_KEY_ID: '',
  S3_SECRET_ACCESS_KEY: '',
  S3_FORCE_PATH_STYLE: 'true',
  DESTRUCTION_PHOTOS_REQUIRED: 'true',
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
  // Without a key of its own, webhook secrets would be encrypted with the development key that is in the source.
  if (env.NODE_ENV === 'production' && !raw.WEBHOOK_SECRET_KEY) {
    throw new ConfigError(
      'invalid configuration: WEBHOOK_SECRET_KEY is required with NODE_ENV=production (64 hex characters: openssl rand -hex 32)',
    );
  }
  if (raw.S3_ENDPOINT && !raw.S3_BUCKET)
    throw new ConfigError(
      'invalid configuration: S3_BUCKET is required with S3_ENDPOINT (the bucket attachments go to)',
    );
  return raw as Config;
}

/** The key that encrypts webhook secrets; a fixed development key (with a warning at start) when WEBHOOK_SECRET_KEY is unset. */
export const webhookSecretKey = (config: Config): Buffer | undefined =>
  config.WEBHOOK_SECRET_KEY ? Buffer.from(config.WEBHOOK_SECRET_KEY, 'hex') : undefined;
