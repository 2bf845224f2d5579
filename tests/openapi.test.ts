import { describe, expect, it } from 'vitest';
import { createApp } from '../src/app.ts';
import { documented } from '../src/http/openapi.ts';
import { createLogger } from '../src/logger.ts';
import { useWorld } from './support/harness.ts';

const t = useWorld();

describe('/openapi.json', () => {
  it('is OpenAPI 3.1 and documents every API route with its schemas and problem responses', async () => {
    const res = await t.client.get('/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    const { api } = createApp({ db: t.db, logger: createLogger('silent') });
    for (const route of api.routes) {
      const path = `/api/v1${route.path.replace(/:([A-Za-z]+)/g, '{$1}')}`;
      const operation = res.body.paths[path]?.[route.method];
      expect(operation, `${route.method} ${path}`).toBeDefined();
      if (route.body) expect(operation.requestBody.content['application/json'].schema).toEqual(documented(JSON.parse(JSON.stringify(route.documentedBody ?? route.body))));
      if (route.roles !== 'public') expect(operation.responses['401'].content).toHaveProperty('application/problem+json');
    }
    expect(res.body.paths['/api/v1/traces'].post.parameters.map((p: { name: string }) => p.name)).toContain('Idempotency-Key');
    expect(res.body.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });
});
