import { readdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startApp, type TestApp } from './support/harness.ts';

let withUi: TestApp;
let withoutUi: TestApp;
const html = { accept: 'text/html,application/xhtml+xml' };

beforeAll(async () => {
  withUi = await startApp({ webUi: true });
  withoutUi = await startApp();
});

afterAll(async () => {
  await withUi?.close();
  await withoutUi?.close();
});

describe('the web UI is served by the API process', () => {
  it('serves index.html at / and at every app route, never cached, under a strict CSP', async () => {
    for (const path of ['/', '/traces/6f1c1c7e-0000-4000-8000-000000000000', '/destructions/new']) {
      const res = await fetch(withUi.client.baseUrl + path, { headers: html });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(await res.text()).toContain('<div id="root"></div>');
      const csp = res.headers.get('content-security-policy')!;
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('upgrade-insecure-requests');
    }
  });

  it('serves hashed assets for a year, and a missing asset is a 404, not the app', async () => {
    const [script] = (await readdir(`${inject('webRoot')}/assets`)).filter((name) => name.endsWith('.js'));
    const asset = await fetch(`${withUi.client.baseUrl}/assets/${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    const missing = await fetch(`${withUi.client.baseUrl}/assets/nope-123.js`, { headers: html });
    expect(missing.status).toBe(404);
  });

  it('leaves the API and the operations routes to themselves, even when the client asks for HTML', async () => {
    const api = await fetch(`${withUi.client.baseUrl}/api/v1/nothing-here`, { headers: html });
    expect(api.status).toBe(404);
    expect(api.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const me = await fetch(`${withUi.client.baseUrl}/api/v1/me`, { headers: html });
    expect(me.status).toBe(401);
    expect((await fetch(`${withUi.client.baseUrl}/healthz`, { headers: html })).status).toBe(200);
    const json = await fetch(`${withUi.client.baseUrl}/somewhere`, { headers: { accept: 'application/json' } });
    expect(json.status).toBe(404);
    expect(json.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('without a built web UI, / is an honest 404', async () => {
    const res = await fetch(`${withoutUi.client.baseUrl}/`, { headers: html });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });
});
