/**
 * What an integrating team does with /openapi.json: generate a client with the tool it already uses and write code
 * against it. Each generator's client must compile with a small program — create a case, submit a trace, read the result
 * narrowed by outcome, list alerts by kind — and refuse a wrong alert kind (the `@ts-expect-error` lines fail the build
 * when the enum is lost, and a `never` result fails it on the first field read).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.ts';
import { createDb } from '../src/db/knex.ts';
import { createLogger } from '../src/logger.ts';

const run = promisify(execFile);
const bin = (name: string) => resolve('node_modules/.bin', name);
// Inside the project (untracked test-results/) so the programs resolve typescript's lib and the generators' runtimes.
mkdirSync('test-results', { recursive: true });
const dir = mkdtempSync(resolve('test-results/clients-'));
const spec = join(dir, 'openapi.json');

const WEAPON = `{ manufacturer: 'Glock', model: '17', caliber: '9mm', type: 'pistol', serialNumber: 'AB123456', countryOfManufacture: 'AT' }`;
const RECOVERY = `{ date: '2026-11-02', circumstance: 'seizure', country: 'SV', department: 'San Salvador' }`;

const PROGRAMS: Record<string, { generate: [string, string[]]; program: string }> = {
  'openapi-typescript': {
    // Without the flag, a field with a default (serialObliterated) would be required in requests too: the README says so.
    generate: [
      bin('openapi-typescript'),
      [spec, '--default-non-nullable', 'false', '-o', join(dir, 'openapi-typescript/schema.d.ts')],
    ],
    program: `
import type { components, paths } from './schema';
type Json<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;
type Answer<P extends keyof paths, M extends keyof paths[P], S extends number> = paths[P][M] extends { responses: { [K in S]: { content: { 'application/json': infer B } } } } ? B : never;
const kase: Json<'/api/v1/cases', 'post'> = { caseNumber: 'PNC-SV-2026-0147', title: 'Homicidio en Soyapango', offense: 'homicide' };
declare const created: Answer<'/api/v1/cases', 'post', 201>;
const trace: Json<'/api/v1/traces', 'post'> = { caseId: created.id, weapon: ${WEAPON}, recovery: ${RECOVERY} };
declare const read: Answer<'/api/v1/traces/{id}', 'get', 200>;
export function describeResult(result: components['schemas']['TraceResult'] | null = read.result): string {
  if (result?.outcome === 'purchaser_identified') return result.dealer.name + ' ' + result.timeToCrimeDays;
  if (result?.outcome === 'not_traceable') return result.outcome;
  return read.status;
}
type AlertQuery = NonNullable<paths['/api/v1/alerts']['get']['parameters']['query']>;
const byKind: AlertQuery = { kind: 'destroyed_weapon_recovered' };
// @ts-expect-error: not an alert kind
const wrong: AlertQuery = { kind: 'stolen' };
declare const alerts: Answer<'/api/v1/alerts', 'get', 200>;
const kinds: components['schemas']['Alert']['kind'][] = alerts.items.map((alert) => alert.kind);
export const used = [kase, trace, byKind, wrong, kinds];
`,
  },
  '@hey-api/openapi-ts': {
    generate: [bin('openapi-ts'), ['-i', spec, '-o', join(dir, 'hey-api')]],
    program: `
import { client } from './client.gen';
import { getAlerts, getTracesId, postCases, postTraces, postTracesIdSubmit } from './sdk.gen';
import type { TraceResult } from './types.gen';
export async function flow(token: string) {
  client.setConfig({ baseUrl: 'http://localhost:3000', auth: () => token });
  const kase = await postCases({ body: { caseNumber: 'PNC-SV-2026-0147', title: 'Homicidio en Soyapango', offense: 'homicide' }, throwOnError: true });
  const trace = await postTraces({ body: { caseId: kase.data.id, weapon: ${WEAPON}, recovery: ${RECOVERY} }, throwOnError: true });
  await postTracesIdSubmit({ path: { id: trace.data.id }, throwOnError: true });
  const read = await getTracesId({ path: { id: trace.data.id }, throwOnError: true });
  const result: TraceResult | null = read.data.result;
  const dealer = result?.outcome === 'dealer_identified' ? result.dealer.licenseNumber : undefined;
  const days = result?.outcome === 'purchaser_identified' ? result.timeToCrimeDays : undefined;
  const alerts = await getAlerts({ query: { kind: 'stolen_match', status: 'open' }, throwOnError: true });
  // @ts-expect-error: not an alert kind
  await getAlerts({ query: { kind: 'stolen' } });
  return { dealer, days, kinds: alerts.data.items.map((alert) => alert.kind satisfies 'stolen_match' | string) };
}
`,
  },
  orval: {
    generate: [bin('orval'), ['-i', spec, '-o', join(dir, 'orval/api.ts'), '--client', 'fetch', '--quiet']],
    program: `
import { getAlerts, getTracesId, postCases, postTraces, postTracesIdSubmit, type TraceResult } from './api';
export async function flow() {
  const kase = await postCases({ caseNumber: 'PNC-SV-2026-0147', title: 'Homicidio en Soyapango', offense: 'homicide' });
  if (kase.status !== 201) return kase.data.detail;
  const trace = await postTraces({ caseId: kase.data.id, weapon: ${WEAPON}, recovery: ${RECOVERY} });
  if (trace.status !== 201) return trace.data.detail;
  await postTracesIdSubmit(trace.data.id);
  const read = await getTracesId(trace.data.id);
  if (read.status !== 200) return read.data.detail;
  const result: TraceResult | null = read.data.result;
  if (result?.outcome === 'purchaser_identified') return result.dealer.name + ' ' + result.timeToCrimeDays;
  const alerts = await getAlerts({ kind: 'custody_weapon_recovered' });
  // @ts-expect-error: not an alert kind
  await getAlerts({ kind: 'stolen' });
  return alerts.status === 200 ? alerts.data.items.map((alert) => alert.kind).join() : alerts.data.title;
}
`,
  },
};

const TSCONFIG = {
  compilerOptions: {
    strict: true,
    noEmit: true,
    target: 'ES2022',
    module: 'ESNext',
    moduleResolution: 'Bundler',
    lib: ['ES2022', 'DOM', 'DOM.Iterable'],
    types: [],
    skipLibCheck: true,
    noUnusedLocals: false,
  },
};

beforeAll(async () => {
  const db = createDb('postgres://127.0.0.1:1/never-connected');
  const { openapi } = createApp({ db, logger: createLogger('silent') });
  writeFileSync(spec, JSON.stringify(openapi));
  await db.destroy();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('clients generated from /openapi.json compile with a program that uses them', () => {
  for (const [generator, { generate, program }] of Object.entries(PROGRAMS)) {
    it(`${generator}: generates, and the program type-checks`, async () => {
      const [command, args] = generate;
      await run(command, args, { cwd: dir, timeout: 120_000 });
      const out = resolve(dir, generator === 'orval' ? 'orval' : generator.replace('@hey-api/openapi-ts', 'hey-api'));
      writeFileSync(join(out, 'program.ts'), program);
      writeFileSync(join(out, 'tsconfig.json'), JSON.stringify({ ...TSCONFIG, files: ['program.ts'] }));
      const check = await run(bin('tsc'), ['-p', join(out, 'tsconfig.json')], { timeout: 120_000 }).then(
        () => '',
        (error: { stdout: string; stderr: string }) => `${error.stdout}${error.stderr}`,
      );
      expect(check).toBe('');
    }, 240_000);
  }

  it('can fail: a program that reads a field the result does not have is refused', async () => {
    const out = join(dir, 'openapi-typescript');
    writeFileSync(
      join(out, 'broken.ts'),
      `import type { components } from './schema';\ndeclare const r: components['schemas']['TraceResult'];\n` +
        `export const x = r.outcome === 'not_traceable' ? r.timeToCrimeDays : 0;\n`,
    );
    writeFileSync(join(out, 'tsconfig.broken.json'), JSON.stringify({ ...TSCONFIG, files: ['broken.ts'] }));
    const check = await run(bin('tsc'), ['-p', join(out, 'tsconfig.broken.json')], { timeout: 120_000 }).then(
      () => '',
      (error: { stdout: string }) => error.stdout,
    );
    expect(check).toMatch(/timeToCrimeDays/);
  }, 120_000);
});
