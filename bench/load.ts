// The load generator, run as its own process so it never competes with the server inside one event loop.
// Input: a JSON LoadPlan as argv[2]; output: one JSON LoadResult line on stdout.
import { randomBytes } from 'node:crypto';
import autocannon from 'autocannon';

export interface LoadPlan {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  connections: number;
  durationSeconds?: number;
  amount?: number;
  /** POST bodies: `__UNIQUE__` in the template becomes a new serial number on every request. */
  bodyTemplate?: string;
  /** GET paths, taken in turn. */
  paths?: string[];
  /** Requests per second over all connections (a paced load), instead of as fast as possible. */
  overallRate?: number;
}

export interface LoadResult {
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  non2xx: number;
  errors: number;
  seconds: number;
}

const plan = JSON.parse(process.argv[2]!) as LoadPlan;
let n = 0;
const run = randomBytes(3).toString('hex').toUpperCase();
const result = await autocannon({
  url: plan.url,
  connections: plan.connections,
  ...(plan.durationSeconds ? { duration: plan.durationSeconds } : {}),
  ...(plan.amount ? { amount: plan.amount } : {}),
  ...(plan.overallRate ? { overallRate: plan.overallRate } : {}),
  method: plan.method,
  headers: plan.headers,
  requests: [
    {
      setupRequest: (request) => {
        n += 1;
        if (plan.paths) request.path = plan.paths[n % plan.paths.length]!;
        // Unique serials in a scattered order (n × an odd constant, modulo 2³², is a bijection): counting up in base 36 made
        // every 1,296 guns of a run one serial sequence of one make and model, a batch no real recovery looks like.
        if (plan.bodyTemplate)
          request.body = plan.bodyTemplate.replaceAll(
            '__UNIQUE__',
            `BN${run}${(Math.imul(n, 2654435761) >>> 0).toString(36).toUpperCase()}`,
          );
        return request;
      },
    },
  ],
});
const summary: LoadResult = {
  requests: result.requests.total,
  requestsPerSecond: Math.round((result.requests.total / result.duration) * 10) / 10,
  p50Ms: result.latency.p50,
  p99Ms: result.latency.p99,
  maxMs: result.latency.max,
  non2xx: result.non2xx,
  errors: result.errors,
  seconds: result.duration,
};
process.stdout.write(`${JSON.stringify(summary)}\n`);
