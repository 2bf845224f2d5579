import { PROBLEM_TYPES } from '../i18n/problem-types.ts';
/** The parts of the OpenAPI document that no API route declares: shared headers, parameters and the root operations. */

const header = (description: string, schema: Record<string, unknown> = { type: 'string' }, example?: unknown) => ({
  description,
  schema,
  ...(example !== undefined ? { example } : {}),
});

export const HEADERS = {
  'X-Request-Id': header(
    'The request id: the caller’s own when it is sane, or a new one. Quote it when reporting a problem.',
    { type: 'string' },
    '6f1c0c1e-2b7a-4d55-9c1e-0a3f5e2d7b10',
  ),
  'Cache-Control': header('Always `no-store`: answers may carry tokens or personal data.', {
    type: 'string',
    const: 'no-store',
  }),
  RateLimit: header(
    'Requests left in the current window and seconds until it resets (IETF draft 8), when rate limiting is on.',
    { type: 'string' },
    '"default";r=1187;t=42',
  ),
  'RateLimit-Policy': header(
    'The limit and window of the caller’s policy (per token, or per IP address when not signed in).',
    { type: 'string' },
    '"default";q=1200;w=60',
  ),
  'Retry-After': header('Seconds to wait before trying again.', { type: 'integer', minimum: 0 }, 42),
  Link: header(
    'When a next page exists: the same request with its cursor, as `<path?…&cursor=…>; rel="next"` (RFC 8288).',
    { type: 'string' },
    '</api/v1/traces?status=completed&cursor=WyIzZjZjMmE5ZS04YjFkLTRjN2UtOWE1My0yZDBmN2I2ZTFjNDgiXQ>; rel="next"',
  ),
  Location: header(
    'The path of the created resource.',
    { type: 'string' },
    '/api/v1/traces/3f6c2a9e-8b1d-4c7e-9a53-2d0f7b6e1c48',
  ),
  ETag: header(
    'Strong entity tag: the record’s version. Send it back in `If-Match`.',
    { type: 'string', pattern: '^"[0-9]+"$' },
    '"3"',
  ),
  'Idempotent-Replayed': header(
    '`true` when this is the stored answer to an earlier request with the same `Idempotency-Key`.',
    { type: 'string', const: 'true' },
  ),
  'WWW-Authenticate': header('The authentication scheme to use.', { type: 'string' }, 'Bearer'),
  Vary: header(
    'The representation depends on `Accept` (JSON or CSV), and a CSV on `Accept-Language`.',
    { type: 'string' },
    'Accept, Accept-Language',
  ),
  'Repr-Digest': header(
    'The SHA-256 of the bytes sent (RFC 9530): an attachment’s original, checkable against its `sha256`.',
    { type: 'string', pattern: '^sha-256=:[A-Za-z0-9+/]{43}=:$' },
    'sha-256=:nywbelvT1AsvfSDtX7XaZ6kRfIvOq7M+wcV/9pP9s18=:',
  ),
  'Content-Disposition': header(
    'Names the file for a download.',
    { type: 'string' },
    'attachment; filename="rastreo-traces-by-status-2026-11-30.csv"',
  ),
};

export const PARAMETERS = {
  IdempotencyKey: {
    name: 'Idempotency-Key',
    in: 'header',
    required: false,
    description:
      'Same key + same user + same body within 24 h replays the first answer (with `Idempotent-Replayed: true`); a different body gets 409.',
    schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' },
    example: 'b7e0c6f2-1d2a-4f0e-9a8b-5c3d2e1f0a9b',
  },
  IfMatch: {
    name: 'If-Match',
    in: 'header',
    required: false,
    description:
      'The `ETag` you read. If the record changed since, nothing is changed and the answer is 412. `*` sets no condition; ' +
      'weak tags (`W/"3"`) never match; a header that is not a list of entity tags is a 400.',
    schema: { type: 'string' },
    example: '"3"',
  },
};

const plain = (description: string, schema: Record<string, unknown>, example: unknown) => ({
  description,
  content: { 'application/json': { schema, example } },
});

const Checks = {
  type: 'object',
  additionalProperties: { type: 'string', enum: ['ok', 'unavailable'] },
  description: '`ok` or `unavailable` per dependency (why is logged, never told: anyone may ask)',
};

/** Express answers a request it cannot read (a malformed URL, say) with a 4xx before any handler runs. */
const UNREADABLE = { '4XX': { description: 'The request could not be read as sent' } };

export const ROOT_PATHS = {
  '/healthz': {
    get: {
      operationId: 'getHealthz',
      summary: 'Liveness: the process answers',
      description:
        'Answers 200 while the process runs, whatever PostgreSQL and Redis do: a failing liveness check restarts the ' +
        'process, which would not bring a database back. Anyone may call it (no token).',
      tags: ['operations'],
      security: [],
      responses: {
        ...UNREADABLE,
        200: plain(
          'Alive',
          { type: 'object', required: ['status'], properties: { status: { const: 'ok' } } },
          { status: 'ok' },
        ),
      },
    },
  },
  '/readyz': {
    get: {
      operationId: 'getReadyz',
      summary: 'Readiness: PostgreSQL, Redis and the schema are usable, and the process is not shutting down',
      description:
        'A load balancer sends requests only to a ready process. `checks` says `ok` or `unavailable` per dependency; ' +
        'why one is unavailable (host, port, error) goes to the log, never into the answer. Anyone may call it (no token).',
      tags: ['operations'],
      security: [],
      responses: {
        ...UNREADABLE,
        200: plain(
          'Ready',
          {
            type: 'object',
            required: ['status', 'checks'],
            properties: { status: { const: 'ready' }, checks: Checks },
          },
          { status: 'ready', checks: { postgres: 'ok', redis: 'ok', migrations: 'ok' } },
        ),
        503: {
          description: 'Not ready; `checks` names what is unavailable',
          headers: { 'Retry-After': { $ref: '#/components/headers/Retry-After' } },
          content: {
            'application/problem+json': {
              schema: {
                type: 'object',
                required: ['type', 'title', 'status', 'detail', 'checks'],
                properties: {
                  type: { const: '/problems/not-ready' },
                  title: { type: 'string' },
                  status: { const: 503 },
                  detail: { type: 'string' },
                  instance: { type: 'string' },
                  requestId: { type: 'string' },
                  checks: Checks,
                },
              },
              example: {
                type: '/problems/not-ready',
                title: 'Service Unavailable',
                status: 503,
                detail: 'Not ready: redis.',
                checks: { postgres: 'ok', redis: 'unavailable', migrations: 'ok' },
              },
            },
          },
        },
      },
    },
  },
  '/problems/{type}': {
    get: {
      operationId: 'getProblemType',
      summary: 'What a problem type means and what to do about it: the page its `type` URI answers',
      description:
        'In Spanish or English, by `Accept-Language` or `lang`: the page a `type` URI of a problem answer opens. ' +
        'Anyone may call it (no token).',
      tags: ['operations'],
      security: [],
      parameters: [
        { name: 'type', in: 'path', required: true, schema: { type: 'string', enum: PROBLEM_TYPES } },
        { name: 'lang', in: 'query', required: false, schema: { type: 'string', enum: ['en', 'es'] } },
      ],
      responses: {
        ...UNREADABLE,
        200: {
          description: 'A short HTML page',
          content: {
            'text/html': {
              schema: { type: 'string' },
              example: '<!doctype html><html lang="en">…<h1>The request is not valid</h1>…</html>',
            },
          },
        },
        404: {
          description: 'No such problem type',
          content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
        },
      },
    },
  },
  '/metrics': {
    get: {
      operationId: 'getMetrics',
      summary: 'Prometheus metrics of this API process',
      description:
        'Request durations, trace stages and outcomes, alerts raised, webhook deliveries, live streams, the outbox and ' +
        'queue depth (README, "Operations → Metrics", lists each). Scraped by Prometheus on the internal network; it ' +
        'carries no personal data. Anyone who reaches the port may call it (no token).',
      tags: ['operations'],
      security: [],
      responses: {
        ...UNREADABLE,
        200: {
          description: 'Prometheus text exposition format',
          content: {
            'text/plain': {
              schema: { type: 'string' },
              example:
                '# TYPE rastreo_traces_finished_total counter\nrastreo_traces_finished_total{status="completed",outcome="purchaser_identified"} 12\n',
            },
          },
        },
      },
    },
  },
  '/openapi.json': {
    get: {
      operationId: 'getOpenapi',
      summary: 'This document',
      description:
        'The OpenAPI 3.1 description of every route, webhook and problem type; `/docs` renders it. Client generators ' +
        '(openapi-typescript, @hey-api/openapi-ts, orval) are checked against it in CI. Anyone may call it (no token).',
      tags: ['operations'],
      security: [],
      responses: { ...UNREADABLE, 200: plain('OpenAPI 3.1', { type: 'object' }, { openapi: '3.1.0' }) },
    },
  },
};
