import type { TSchema } from 'typebox';
import type { AnyRoute } from './api.ts';
import { ProblemSchema } from './schemas.ts';

const PROBLEM_RESPONSES: Record<number, string> = {
  400: 'The body or query fails its schema or a field rule; `errors` lists every failing field as a JSON Pointer ' +
    '(`/query/<name>` for a query parameter). Text containing U+0000 or an unpaired UTF-16 surrogate, and dates before ' +
    '1900-01-01, are refused here too',
  401: 'Missing, invalid or revoked token, or deactivated user',
  403: 'The caller’s role may not do this',
  404: 'Not found, or outside the caller’s scope',
  409: 'State or business-rule conflict',
  413: 'Body over 1 MiB',
  415: 'Unsupported request content type',
  429: 'Rate limited',
};

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

const openApiPath = (path: string) => path.replace(/:([A-Za-z]+)/g, '{$1}');

function parameters(route: AnyRoute) {
  const result: unknown[] = [];
  for (const [name, schema] of Object.entries((route.params?.properties ?? {}) as Record<string, TSchema>)) {
    result.push({ name, in: 'path', required: true, schema });
  }
  const query = route.query as { properties?: Record<string, TSchema>; required?: string[] } | undefined;
  for (const [name, schema] of Object.entries(query?.properties ?? {})) {
    result.push({ name, in: 'query', required: query?.required?.includes(name) ?? false, schema });
  }
  if (route.idempotent) {
    result.push({
      name: 'Idempotency-Key', in: 'header', required: false,
      description: 'Same key + same user + same body within 24 h replays the first answer; a different body gets 409.',
      schema: { type: 'string', maxLength: 255 },
    });
  }
  return result;
}

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
  return { ...out, description: out.description ? `${String(out.description)} ${note}` : note, 'x-formatMinimum': formatMinimum } as T;
}

export function buildOpenApi(routes: readonly AnyRoute[], basePath: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = basePath + openApiPath(route.path);
    const responses: Record<string, unknown> = {};
    for (const [status, spec] of Object.entries(route.responses)) {
      const content = Object.fromEntries([
        ...(spec.schema ? [[spec.contentType ?? 'application/json', { schema: spec.schema }]] : []),
        ...Object.entries(spec.alternatives ?? {}).map(([type, schema]) => [type, { schema }]),
      ]);
      responses[status] = Object.keys(content).length ? { description: spec.description, content } : { description: spec.description };
    }
    const codes = [400, 401, 403, 404, 409, 413, 415, 429].filter((code) => {
      if (route.roles === 'public') return code === 400 || code === 429 || (code === 401 && path.endsWith('/sessions'));
      if (code === 403) return Array.isArray(route.roles);
      if (code === 404) return Boolean(route.params);
      if (code === 409) return route.method !== 'get';
      if (code === 413 || code === 415) return Boolean(route.body);
      return true;
    });
    for (const code of codes) responses[code] ??= problem(PROBLEM_RESPONSES[code]!);
    responses.default = problem('Unexpected error (never carries a stack trace or SQL)');
    paths[path] ??= {};
    paths[path][route.method] = {
      operationId: `${route.method}${openApiPath(route.path).replace(/[{}]/g, '').split('/').map((s) => s.charAt(0).toUpperCase() + s.slice(1).replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase())).join('')}`,
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      tags: [route.tag],
      ...(route.roles === 'public' ? { security: [] } : {}),
      ...(Array.isArray(route.roles) ? { 'x-roles': route.roles } : {}),
      parameters: parameters(route),
      ...(route.body
        ? {
            requestBody: {
              required: true,
              content: {
                'application/json': {
                  schema: route.documentedBody ?? route.body,
                  ...(route.bodyExample ? { examples: { example: { summary: 'Example', value: route.bodyExample } } } : {}),
                },
                ...Object.fromEntries((route.rawBodyTypes ?? []).map((type) => [type, { schema: { type: 'string' } }])),
              },
            },
          }
        : {}),
      responses,
    };
  }
  return documented({
    openapi: '3.1.0',
    info: {
      title: 'Rastreo API',
      version: '1.0.0',
      description: 'Firearms trace request workflow. Errors are RFC 9457 problem details; lists are keyset-paginated.',
      license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    tags: [...new Set(routes.map((route) => route.tag))].map((name) => ({ name, description: `${name} operations` })),
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An API token (rst_…) or a web session token (rss_…)' } },
      schemas: { Problem: ProblemSchema },
    },
  });
}
