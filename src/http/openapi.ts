import type { TSchema } from 'typebox';
import type { AnyRoute, ResponseSpec } from './api.ts';
import { exampleOf } from './openapi-examples.ts';
import { ProblemSchema } from '../shared/schemas.ts';
import { HEADERS, PARAMETERS, ROOT_PATHS } from './openapi-operations.ts';

const PROBLEM_RESPONSES: Record<number, string> = {
  400:
    'The body, query or a header fails its schema or a field rule; `errors` lists every failing field as a JSON Pointer ' +
    '(`/query/<name>` for a query parameter, `/header/<name>` for a header). Text containing U+0000 or an unpaired UTF-16 ' +
    'surrogate, text that is blank once trimmed of white space and format characters, dates before 1900-01-01, and a JSON ' +
    'body nested deeper than 32 levels or with more than 10,000 values (or 10,000 objects and arrays) are refused here too',
  401: 'Missing, invalid or revoked token, or deactivated user',
  403: 'The caller’s role may not do this',
  404: 'Not found, or outside the caller’s scope',
  409: 'State or business-rule conflict',
  412: '`If-Match` named other versions than the record’s: nothing changed; `ETag` is the current version',
  413: 'Body over 1 MiB',
  415: 'Unsupported request content type',
  429: 'Rate limited',
};

type Json = Record<string, unknown>;
const ref = (kind: string, name: string) => ({ $ref: `#/components/${kind}/${name}` });
const json = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
const headers = (...names: string[]) => Object.fromEntries(names.map((name) => [name, ref('headers', name)]));
/** Every answer under the API base carries these. */
const COMMON_HEADERS = ['X-Request-Id', 'Cache-Control', 'RateLimit', 'RateLimit-Policy'];

const problem = (description: string, ...extra: string[]) => ({
  description,
  headers: headers(...COMMON_HEADERS, ...extra),
  content: { 'application/problem+json': { schema: ref('schemas', 'Problem') } },
});

const openApiPath = (path: string) => path.replace(/:([A-Za-z]+)/g, '{$1}');

function parameters(route: AnyRoute) {
  const result: unknown[] = [];
  for (const [name, schema] of Object.entries((route.params?.properties ?? {}) as Record<string, TSchema>)) {
    result.push({ name, in: 'path', required: true, schema });
  }
  const query = route.query as { properties?: Record<string, TSchema>; required?: string[] } | undefined;
  for (const [name, schema] of Object.entries(query?.properties ?? {})) {
    const { description } = schema as { description?: string };
    result.push({
      name,
      in: 'query',
      required: query?.required?.includes(name) ?? false,
      schema,
      ...(description ? { description } : {}),
    });
  }
  if (route.idempotent) result.push(ref('parameters', 'IdempotencyKey'));
  if (route.conditional) result.push(ref('parameters', 'IfMatch'));
  return result;
}

function success(route: AnyRoute, status: number, spec: ResponseSpec) {
  const schema = spec.schema as Json | undefined;
  const names = [...COMMON_HEADERS, ...(spec.headers ?? [])];
  if (status === 201 && route.location) names.push('Location');
  if (schema?.['x-versioned'] || (route.conditional && status < 300)) names.push('ETag');
  if (status === 200 && (schema?.properties as Json | undefined)?.nextCursor) names.push('Link');
  if (route.idempotent) names.push('Idempotent-Replayed');
  const content = Object.fromEntries([
    ...(spec.schema ? [[spec.contentType ?? 'application/json', mediaType(spec.schema, spec.contentType)]] : []),
    ...Object.entries(spec.alternatives ?? {}).map(([type, alternative]) => [type, { schema: alternative }]),
  ]);
  return {
    description: spec.description,
    headers: headers(...names),
    ...(Object.keys(content).length ? { content } : {}),
  };
}

/** A JSON body with a whole example drawn from its schema; other media types as they are. */
function mediaType(schema: TSchema, contentType = 'application/json', given?: unknown) {
  if (!contentType.includes('json')) return { schema };
  return { schema, example: given ?? exampleOf(json(schema) as Json) };
}

function operationId(route: AnyRoute) {
  const words = openApiPath(route.path)
    .replace(/[{}]/g, '')
    .split('/')
    .map((s) => s.charAt(0).toUpperCase() + s.slice(1).replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase()));
  return `${route.method}${words.join('')}`;
}

function operation(route: AnyRoute, path: string) {
  const responses: Record<string, unknown> = {};
  for (const [status, spec] of Object.entries(route.responses))
    responses[status] = success(route, Number(status), spec);
  const codes = [400, 401, 403, 404, 409, 412, 413, 415, 429].filter((code) => {
    if (route.roles === 'public') return code === 400 || code === 429 || (code === 401 && path.endsWith('/sessions'));
    if (code === 403) return Array.isArray(route.roles);
    if (code === 404) return Boolean(route.params);
    if (code === 409) return route.method !== 'get';
    if (code === 412) return Boolean(route.conditional);
    if (code === 413 || code === 415) return Boolean(route.body ?? route.upload);
    return true;
  });
  const extra: Record<number, string[]> = { 401: ['WWW-Authenticate'], 412: ['ETag'], 429: ['Retry-After'] };
  for (const code of codes) responses[code] ??= problem(PROBLEM_RESPONSES[code]!, ...(extra[code] ?? []));
  responses.default = problem(
    'Unexpected error (never carries a stack trace or SQL); 503 with `Retry-After` while PostgreSQL or Redis is away',
    'Retry-After',
  );
  return {
    operationId: operationId(route),
    summary: route.summary,
    description: [route.description, callers(route)].filter(Boolean).join('\n\n'),
    tags: [route.tag],
    ...(route.roles === 'public' ? { security: [] } : {}),
    ...(Array.isArray(route.roles) ? { 'x-roles': route.roles } : {}),
    parameters: parameters(route),
    ...(route.upload
      ? { requestBody: { required: true, content: { 'multipart/form-data': { schema: route.upload } } } }
      : {}),
    ...(route.body
      ? {
          requestBody: {
            required: true,
            content: {
              'application/json': mediaType(route.documentedBody ?? route.body, 'application/json', route.bodyExample),
              ...Object.fromEntries((route.rawBodyTypes ?? []).map((type) => [type, { schema: { type: 'string' } }])),
            },
          },
        }
      : {}),
    responses,
  };
}

/** Who may call an operation, said in every operation's description (and as `x-roles`). */
const callers = (route: AnyRoute) =>
  route.roles === 'public'
    ? 'Anyone may call this, without a token.'
    : Array.isArray(route.roles)
      ? `Roles: ${route.roles.join(', ')}; other signed-in users get 403.`
      : 'Any signed-in user; what each sees is limited to their agency (or an advisor’s region).';

/**
 * ajv's `formatMinimum` (dates from 1900 on) is not a JSON Schema 2020-12 keyword: the document says it in words
 * (and as `x-formatMinimum`) instead.
 */
export function documented<T>(value: T): T {
  if (Array.isArray(value)) return value.map(documented) as T;
  if (value === null || typeof value !== 'object') return value;
  const { formatMinimum, ...rest } = value as Record<string, unknown>;
  const out = Object.fromEntries(Object.entries(rest).map(([key, item]) => [key, documented(item)]));
  if (typeof formatMinimum !== 'string') return out as T;
  const note = `Not before ${formatMinimum}.`;
  return {
    ...out,
    description: out.description ? `${String(out.description)} ${note}` : note,
    'x-formatMinimum': formatMinimum,
  } as T;
}

/**
 * A discriminated union names, for each value of its property, the component it means (`discriminator.mapping`):
 * generators that do not infer it from the members' `const` (hey-api's) would type the union as `never`. Only in the
 * document — ajv refuses `mapping`, and the schemas it validates with need none.
 */
function withMapping(schema: Json, schemas: Record<string, unknown>): Json {
  const discriminator = schema.discriminator as { propertyName?: string } | undefined;
  const members = (schema.anyOf ?? schema.oneOf) as Json[] | undefined;
  if (!discriminator?.propertyName || !members) return schema;
  const mapping: Record<string, string> = {};
  for (const member of members) {
    const target = typeof member.$ref === 'string' ? member.$ref : undefined;
    const resolved = target ? (schemas[target.split('/').at(-1)!] as Json | undefined) : undefined;
    const value = ((resolved?.properties as Json | undefined)?.[discriminator.propertyName] as Json | undefined)?.const;
    if (!target || typeof value !== 'string') return schema;
    mapping[value] = target;
  }
  return { ...schema, discriminator: { ...discriminator, mapping } };
}

/**
 * Every schema named with `component()` moves to `components.schemas` and is referred to by `$ref` wherever it is used.
 * Two different schemas under one name would make generated clients lie, so that is an error at start-up.
 */
function hoistComponents(value: unknown, schemas: Record<string, unknown>): unknown {
  if (Array.isArray(value)) return value.map((item) => hoistComponents(item, schemas));
  if (value === null || typeof value !== 'object') return value;
  const { 'x-component': name, 'x-versioned': _versioned, ...rest } = value as Json;
  const inner = withMapping(
    Object.fromEntries(Object.entries(rest).map(([key, item]) => [key, hoistComponents(item, schemas)])),
    schemas,
  );
  if (typeof name !== 'string') return inner;
  const known = schemas[name];
  if (known !== undefined && JSON.stringify(known) !== JSON.stringify(inner))
    throw new Error(`Two different schemas are named ${name}`);
  schemas[name] = inner;
  return ref('schemas', name);
}

/** The document; `webhooks`: what the service sends out (OpenAPI 3.1 `webhooks`), described by the domain that sends it. */
export function buildOpenApi(routes: readonly AnyRoute[], basePath: string, webhooks: Record<string, unknown> = {}) {
  const paths: Record<string, Record<string, unknown>> = json(ROOT_PATHS);
  for (const route of routes) {
    const path = basePath + openApiPath(route.path);
    paths[path] ??= {};
    paths[path][route.method] = operation(route, path);
  }
  const schemas: Record<string, unknown> = {};
  const hoisted = hoistComponents(
    documented(json({ paths, parameters: PARAMETERS, problem: ProblemSchema, webhooks })),
    schemas,
  ) as { paths: unknown; parameters: unknown; webhooks: unknown };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Rastreo API',
      version: '1.0.0',
      description:
        'Firearms trace request workflow. Errors are RFC 9457 problem details; lists are keyset-paginated. ' +
        'A method a path does not support answers 405 with `Allow`; `OPTIONS` answers 204 with `Allow`. Records with a ' +
        'version (traces, cases, stockpile items, destruction events) carry a strong `ETag`; send it back in `If-Match` ' +
        'on a change to get 412 instead of overwriting someone else’s change. Text a person types is trimmed of white space and ' +
        "format characters before it is stored or matched. One request's bad data never fails another's: a value the " +
        'database would refuse is refused by validation first (400 at its field), and a row that still fails a statement ' +
        'shared by several requests is retried alone, so only its own request gets the error (400 or 409). Every problem ' +
        'carries `instance` (the request path) and `requestId`.',
      license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
      contact: {
        name: 'Rastreo integrations',
        email: 'integraciones@rastreo.example',
        url: 'https://rastreo.example/docs/',
      },
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    tags: [...new Set(['operations', ...routes.map((route) => route.tag)])].map((name) => ({
      name,
      description: `${name} operations`,
    })),
    paths: hoisted.paths,
    webhooks: hoisted.webhooks,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'An API token (rst_…) or a web session token (rss_…)' },
      },
      schemas: Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => a.localeCompare(b))),
      parameters: hoisted.parameters,
      headers: HEADERS,
    },
  };
}
