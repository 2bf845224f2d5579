import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.ts';
import { documented } from '../src/http/openapi.ts';
import { NO_EXAMPLE } from '../src/http/openapi-examples.ts';
import { createLogger } from '../src/logger.ts';
import { Contract } from './support/contract.ts';
import { useWorld } from './support/harness.ts';

const t = useWorld();
type Json = Record<string, any>;
let doc: Json;
let contract: Contract;

beforeAll(async () => {
  doc = (await t.client.get('/openapi.json')).body;
  contract = new Contract(doc);
});

/** The schema with every `$ref` replaced by what it names, and the naming keywords gone: what the route declared. */
function inlined(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(inlined);
  if (value === null || typeof value !== 'object') return value;
  const { $ref, 'x-component': _name, 'x-versioned': _versioned, ...rest } = value as Json;
  if (typeof $ref === 'string')
    return inlined(
      $ref
        .split('/')
        .slice(1)
        .reduce((node: Json, key) => node[key], doc),
    );
  return Object.fromEntries(Object.entries(rest).map(([key, item]) => [key, inlined(item)]));
}

const operations = () =>
  Object.entries(doc.paths as Record<string, Json>).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({ path, method, operation: operation as Json })),
  );

describe('/openapi.json', () => {
  it('documents every route the Express router serves, with the body schema the route validates', async () => {
    expect(doc.openapi).toBe('3.1.0');
    const { api } = createApp({ db: t.db, logger: createLogger('silent') });
    const served = (api.router.stack as { route?: { path: string; methods: Record<string, boolean> } }[]).flatMap(
      (layer) =>
        Object.keys(layer.route?.methods ?? {})
          .filter((m) => m !== '_all')
          .map((method) => [method, layer.route!.path] as const),
    );
    expect(served.length).toBeGreaterThan(40);
    for (const [method, path] of served) {
      const operation = doc.paths[`/api/v1${path.replace(/:([A-Za-z]+)/g, '{$1}')}`]?.[method];
      expect(operation, `${method.toUpperCase()} ${path}`).toBeDefined();
      expect(Object.keys(operation.responses).some((code) => code.startsWith('2'))).toBe(true);
    }
    for (const route of api.routes) {
      const operation = doc.paths[`/api/v1${route.path.replace(/:([A-Za-z]+)/g, '{$1}')}`][route.method];
      if (route.body) {
        expect(
          inlined(operation.requestBody.content['application/json'].schema),
          `${route.method} ${route.path}`,
        ).toEqual(inlined(documented(JSON.parse(JSON.stringify(route.documentedBody ?? route.body)))));
      }
      if (route.roles !== 'public')
        expect(operation.responses['401'].content).toHaveProperty('application/problem+json');
    }
    for (const root of ['/healthz', '/readyz', '/metrics', '/openapi.json'])
      expect(doc.paths[root]?.get, root).toBeDefined();
  });

  it('names its schemas: records are components, referred to by $ref, and a trace result is a union by outcome', () => {
    const schemas = doc.components.schemas as Json;
    for (const name of [
      'Trace',
      'Case',
      'CaseDetail',
      'Weapon',
      'StockpileItem',
      'Destruction',
      'Problem',
      'TraceCreate',
      'TraceResult',
    ]) {
      expect(schemas, name).toHaveProperty(name);
    }
    expect(doc.paths['/api/v1/traces/{id}'].get.responses['200'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/Trace',
    });
    const result = schemas.TraceResult;
    expect(result.discriminator.propertyName).toBe('outcome');
    const outcomes = (result.anyOf ?? result.oneOf)
      .map((branch: Json) => inlined(branch) as Json)
      .map((branch: Json) => branch.properties.outcome.const);
    expect(outcomes.sort()).toEqual([
      'dealer_identified',
      'exporter_identified',
      'importer_identified',
      'not_traceable',
      'purchaser_identified',
    ]);
    // Each outcome mapped to its component, for generators that do not read the members' const (hey-api).
    expect(Object.keys(result.discriminator.mapping).sort()).toEqual(outcomes.sort());
    for (const [outcome, ref] of Object.entries(result.discriminator.mapping as Record<string, string>))
      expect((inlined({ $ref: ref }) as Json).properties.outcome.const).toBe(outcome);
    expect(JSON.stringify(doc)).not.toContain('x-component');
  });

  it('documents the HTTP semantics: Location, ETag, If-Match → 412, WWW-Authenticate, Retry-After, Content-Disposition', () => {
    const headersOf = (response: Json) => Object.keys(response.headers ?? {});
    const create = doc.paths['/api/v1/traces'].post;
    expect(headersOf(create.responses['201'])).toEqual(
      expect.arrayContaining(['Location', 'ETag', 'X-Request-Id', 'Cache-Control', 'Idempotent-Replayed']),
    );
    const patch = doc.paths['/api/v1/traces/{id}'].patch;
    expect(patch.parameters).toContainEqual({ $ref: '#/components/parameters/IfMatch' });
    expect(headersOf(patch.responses['412'])).toContain('ETag');
    expect(headersOf(patch.responses['401'])).toContain('WWW-Authenticate');
    expect(headersOf(patch.responses['429'])).toContain('Retry-After');
    expect(headersOf(doc.paths['/api/v1/traces/{id}'].get.responses['200'])).toContain('ETag');
    expect(headersOf(doc.paths['/api/v1/reports/traces'].get.responses['200'])).toContain('Content-Disposition');
    expect(headersOf(doc.paths['/api/v1/destructions/{id}/certificate'].get.responses['200'])).toContain(
      'Content-Disposition',
    );
    for (const { path, method, operation } of operations()) {
      if (!path.startsWith('/api/v1/')) continue;
      for (const [status, response] of Object.entries(operation.responses as Record<string, Json>)) {
        expect(headersOf(response), `${method} ${path} ${status}`).toContain('X-Request-Id');
      }
      const conditional = operation.parameters.some((p: Json) => p.$ref === '#/components/parameters/IfMatch');
      expect(Boolean(operation.responses['412']), `${method} ${path}`).toBe(conditional);
    }
  });

  it('gives whole-body examples for every request and every JSON answer, each valid against its own schema', () => {
    let checked = 0;
    for (const { path, method, operation } of operations()) {
      const media = [
        ...Object.entries(operation.requestBody?.content ?? {}),
        ...Object.values(operation.responses as Record<string, Json>).flatMap((response) =>
          Object.entries(response.content ?? {}),
        ),
      ].filter(([type]) => type.includes('json')) as [string, Json][];
      for (const [type, { schema, example }] of media) {
        if (type === 'application/problem+json' && example === undefined) continue;
        expect(example, `${method} ${path} ${type}`).toBeDefined();
        expect(contract.errors(schema, example), `${method} ${path} ${type}`).toEqual([]);
        checked++;
      }
    }
    for (const parameter of Object.values(doc.components.parameters as Record<string, Json>)) {
      expect(contract.errors(parameter.schema, parameter.example)).toEqual([]);
    }
    expect(checked).toBeGreaterThan(60);
    // Cut to a field's maxLength, the placeholder keeps at least its first words.
    const placeholders = JSON.stringify(doc).split(`"${NO_EXAMPLE.slice(0, 10)}`).length - 1;
    expect(placeholders, 'example strings with no realistic value (name the field in openapi-examples.ts)').toBe(0);
  });

  it('can fail: the suite-wide answer check refuses undeclared fields, missing fields and wrong types', async () => {
    const trace = (await t.as('investigator').get('/traces?limit=1')).body.items[0] ?? undefined;
    const page = { items: trace ? [trace] : [], nextCursor: null };
    expect(contract.check('GET', '/api/v1/traces', 200, 'application/json', page)).toBeUndefined();
    expect(contract.check('GET', '/api/v1/traces', 200, 'application/json', { ...page, total: 3 })).toMatch(
      /additional/,
    );
    expect(contract.check('GET', '/api/v1/traces', 200, 'application/json', { items: [] })).toMatch(/nextCursor/);
    expect(
      contract.check('GET', '/api/v1/cases/3f6c2a9e-8b1d-4c7e-9a53-2d0f7b6e1c48', 404, 'application/problem+json', {
        type: 1,
        title: 'Not Found',
        status: 404,
        detail: 'Case not found.',
        instance: '/api/v1/cases/3f6c2a9e-8b1d-4c7e-9a53-2d0f7b6e1c48',
        requestId: 'r-1',
      }),
    ).toMatch(/must be string/);
    // A problem without `instance` and `requestId` disagrees with the document.
    expect(
      contract.check('GET', '/api/v1/cases/3f6c2a9e-8b1d-4c7e-9a53-2d0f7b6e1c48', 404, 'application/problem+json', {
        type: '/problems/not-found',
        title: 'Not Found',
        status: 404,
        detail: 'Case not found.',
      }),
    ).toMatch(/instance/);
    expect(
      contract.check('GET', '/api/v1/cases/3f6c2a9e-8b1d-4c7e-9a53-2d0f7b6e1c48', 200, 'text/html', '<p>'),
    ).toMatch(/text\/html/);
    expect(contract.check('PUT', '/api/v1/nothing-here', 200, 'application/json', {})).toMatch(/no such operation/);
    // Headers too: a Link the document does not declare, a Retry-After that is no integer, a 503 that does not say when.
    const cases = '/api/v1/cases/3f6c2a9e-8b1d-4c7e-9a53-2d0f7b6e1c48';
    const link = new Headers({ link: '</api/v1/traces?cursor=x>; rel="next"' });
    expect(contract.check('GET', '/api/v1/traces', 200, 'application/json', page, link)).toBeUndefined();
    expect(contract.check('GET', cases, 404, 'application/problem+json', undefined, link)).toMatch(
      /link is sent but not declared/,
    );
    expect(
      contract.check(
        'GET',
        '/readyz',
        503,
        'application/problem+json',
        undefined,
        new Headers({ 'retry-after': 'soon' }),
      ),
    ).toMatch(/retry-after/);
    expect(contract.check('GET', '/readyz', 503, 'application/problem+json', undefined)).toMatch(/without Retry-After/);
  });

  it('passes `redocly lint` with the recommended-strict ruleset: no errors, no warnings', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'rastreo-openapi-')), 'openapi.json');
    writeFileSync(file, JSON.stringify(doc));
    const { stdout } = await promisify(execFile)(
      'node_modules/.bin/redocly',
      ['lint', file, '--extends=recommended-strict', '--format=json'],
      { timeout: 60_000 },
    ).catch((error: { stdout: string }) => ({ stdout: error.stdout }));
    const report = JSON.parse(stdout.slice(stdout.indexOf('{')));
    expect(report.problems).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  });
});
