// npm run bench:profile -- <dir>: where the CPU time of the profiles a `BENCH_CPU_PROFILE=<dir> npm run bench` run wrote
// went — busy self time by function and by package, per profile (one per API or worker process), the largest first.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const dir = process.argv[2];
if (!dir) {
  console.error('usage: npm run bench:profile -- <dir with .cpuprofile files>');
  process.exit(2);
}

/** `node_modules/<package>` for dependencies, the source path for ours, `(node)` for Node's own. */
const owner = (url: string) => {
  const modules = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1]!;
  if (url.includes('/dist/') || url.includes('/src/')) return url.replace(/^.*?\/(dist\/)?(src|workers)\//, '$2/');
  return url.startsWith('node:') ? '(node)' : url ? url : '(vm: gc, idle, program)';
};

const top = (totals: Map<string, number>, all: number, n: number) =>
  [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(
      ([name, us]) =>
        `  ${((100 * us) / all).toFixed(1).padStart(5)} %  ${(us / 1000).toFixed(0).padStart(7)} ms  ${name}`,
    )
    .join('\n');

for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const byFunction = new Map<string, number>();
  const byOwner = new Map<string, number>();
  let all = 0;
  let idle = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id)!;
    const us = profile.timeDeltas[i] ?? 0;
    // Idle time (waiting for the network or the disk) is left out: the shares are of the time the CPU was busy.
    if (node.callFrame.functionName === '(idle)') {
      idle += us;
      return;
    }
    all += us;
    const where = owner(node.callFrame.url);
    const name = `${node.callFrame.functionName || '(anonymous)'} ${where}:${node.callFrame.lineNumber + 1}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
    byOwner.set(where, (byOwner.get(where) ?? 0) + us);
  });
  console.log(
    `\n${file}: ${(all / 1e6).toFixed(1)} s busy (${(idle / 1e6).toFixed(1)} s idle)\nby package or file:\n${top(byOwner, all, 15)}`,
  );
  console.log(`by function (self time):\n${top(byFunction, all, 25)}`);
}
