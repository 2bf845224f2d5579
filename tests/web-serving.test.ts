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

  it('serves every picture the user guide shows as an image (a browser asks with Accept: image/…, */*), and a missing one is a 404', async () => {
    const { GUIDE } = await import('../src/web/help/guide.ts');
    const images = new Set(
      Object.values(GUIDE).flatMap((languages) =>
        Object.values(languages).flatMap((guide) => guide.steps.flatMap((step) => (step.image ? [step.image] : []))),
      ),
    );
    expect(images.size).toBeGreaterThan(5);
    const browserImage = { accept: 'image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8' };
    for (const image of images) {
      const res = await fetch(`${withUi.client.baseUrl}/guide/${image}.jpg`, { headers: browserImage });
      expect(res.status, image).toBe(200);
      expect(res.headers.get('content-type'), image).toBe('image/jpeg');
      const bytes = new Uint8Array(await res.arrayBuffer());
      expect([bytes[0], bytes[1], bytes[2]], image).toEqual([0xff, 0xd8, 0xff]);
    }
    const missing = await fetch(`${withUi.client.baseUrl}/guide/nope.jpg`, { headers: browserImage });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).not.toMatch(/^text\/html/);
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
