/**
 * Instructions per request, counted by valgrind (callgrind) in a server child: repeatable where
 * req/s and CPU µs swing ±20–40 % between rounds on this shared machine. Serves one target (the
 * same children and requests as bench/run.ts), sends `--warmup` requests over `--connections`
 * keep-alive connections (the JIT settles), zeroes the counters (`callgrind_control -z`), sends
 * `--requests` more, dumps (`callgrind_control -d`) and prints Ir per request. The dump is kept
 * for `callgrind_annotate`.
 *
 *   npx tsc -p bench/tsconfig.json   # after `npm run bench:tools` has generated the data once
 *   node dist/bench-run/bench/instructions.js --target tools26 [--requests 2000] [--root <checkout>]
 *
 * `--names 40` also prints the 40 largest self costs per request, JavaScript functions named.
 * It also prints how many times SQLite prepared a cached statement again, and at what cost (a
 * bound LIMIT does that on every run, src/store/row-limit.ts; so does a PRAGMA that sets
 * something, src/store/lazy-commit.ts).
 * Targets: echo, same (projects by hand), tools25, tools26, apps26 (tools/list declaring MCP
 * Apps), projects25, projects26, same-bids (bids by hand), bids25, bids26. `--root` serves another checkout's compiled children (a base
 * worktree) on the same data.
 */
import { execFileSync, fork } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { Agent, request } from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { callsTo, selfCosts } from './callgrind-names.js';
import { imageNodeFlags } from './node-flags.js';
import { APPS_META, BIDS, LIST, legacy, modern, PROJECTS } from './requests.js';

const { values } = parseArgs({
  options: {
    target: { type: 'string', default: 'tools26' },
    requests: { type: 'string', default: '2000' },
    warmup: { type: 'string', default: '3000' },
    connections: { type: 'string', default: '10' },
    root: { type: 'string' },
    db: { type: 'string' },
    /** Also print the top self costs, JavaScript functions named (bench/callgrind-names.ts). */
    names: { type: 'string' },
  },
});
const here = import.meta.dirname;
const sourceRoot = path.resolve(here, '../../..');
const root = path.resolve(values.root ?? sourceRoot);
const day = new Date().toISOString().slice(0, 10);
const database = values.db ?? path.join(sourceRoot, 'bench', 'results', `bench-${day}.sqlite`);

const TARGETS = {
  echo: ['echo-server.js', legacy(PROJECTS), '/'],
  same: ['same-work-server.js', legacy(PROJECTS), '/'],
  tools25: ['server-child.js', legacy(LIST), '/mcp'],
  tools26: ['server-child.js', modern(LIST), '/mcp'],
  apps26: ['server-child.js', modern(LIST, undefined, APPS_META), '/mcp'],
  projects25: ['server-child.js', legacy(PROJECTS), '/mcp'],
  projects26: ['server-child.js', modern(PROJECTS), '/mcp'],
  'same-bids': ['same-work-server.js', legacy(BIDS), '/'],
  bids25: ['server-child.js', legacy(BIDS), '/mcp'],
  bids26: ['server-child.js', modern(BIDS), '/mcp'],
} as const;
const target = TARGETS[values.target as keyof typeof TARGETS] as
  (typeof TARGETS)[keyof typeof TARGETS] | undefined;
if (target === undefined) throw new Error(`--target is one of ${Object.keys(TARGETS).join(', ')}`);
const [script, { headers, body }, urlPath] = target;

const outDir = path.join(sourceRoot, 'bench', 'results', 'callgrind');
mkdirSync(outDir, { recursive: true });
const label = `${values.target}-${path.basename(root)}-${Date.now()}`;
const child = fork(path.join(root, 'dist/bench-run/bench', script), [], {
  cwd: root,
  execPath: 'valgrind',
  execArgv: [
    '--tool=callgrind',
    // V8 writes and rewrites machine code in the heap.
    '--smc-check=all-non-file',
    `--callgrind-out-file=${path.join(outDir, `${label}.out`)}`,
    // The node running this script: another runtime is counted by running it with that node (its
    // checkout's node_modules built for it); the printed line names the version.
    process.execPath,
    '--expose-gc',
    ...imageNodeFlags(root),
    ...(values.names === undefined ? [] : ['--perf-basic-prof']),
  ],
  env: { ...process.env, BENCH_DB: database },
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
const url = await new Promise<string>((resolve, reject) => {
  child.once('exit', (code) => {
    reject(new Error(`${script} exited with ${code}`));
  });
  child.on('message', (message: { type: string; url?: string }) => {
    if (message.type === 'ready' && message.url !== undefined) resolve(message.url);
  });
});
child.removeAllListeners('exit');
const { hostname, port } = new URL(url);
const agent = new Agent({ keepAlive: true, maxSockets: Number(values.connections) });

function once(): Promise<void> {
  return new Promise((resolve, reject) => {
    const sent = request({ hostname, port, path: urlPath, method: 'POST', headers, agent }, (response) => {
      if (response.statusCode !== 200) reject(new Error(`HTTP ${response.statusCode}`));
      response.on('data', () => undefined);
      response.on('end', resolve);
    });
    sent.on('error', reject);
    sent.end(body);
  });
}

/** `count` requests, `--connections` at a time (a closed loop, as autocannon's). */
async function send(count: number): Promise<void> {
  let left = count;
  const loop = async () => {
    while (left > 0) {
      left -= 1;
      await once();
    }
  };
  await Promise.all(Array.from({ length: Number(values.connections) }, loop));
}

const control = (option: string) => execFileSync('callgrind_control', [option, String(child.pid)]);
await send(Number(values.warmup));
control('-z');
const requests = Number(values.requests);
await send(requests);
control('-d');
child.kill('SIGKILL');
agent.destroy();

const dump = readdirSync(outDir)
  .filter((name) => name.startsWith(`${label}.out`))
  .map((name) => path.join(outDir, name))
  .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
const summary = /^summary: (\d+)/m.exec(readFileSync(dump ?? '', 'utf8'))?.[1];
if (summary === undefined) throw new Error(`no summary in ${dump}`);
/**
 * The GC's share (scavenges are few per count, each a fixed cost of root scanning, so ±1 of them
 * moves the total by a few %) and V8's helper threads' (concurrent marking, compilers): the
 * rest is the main thread's own work per request, the steadier figure for a change.
 */
const inclusive = execFileSync('callgrind_annotate', ['--inclusive=yes', '--threshold=100', dump ?? ''], {
  maxBuffer: 1 << 28,
}).toString();
const costOf = (pattern: RegExp) =>
  Number(
    new RegExp(`^\\s*([\\d,]+) .*${pattern.source}`, 'm').exec(inclusive)?.[1]?.replaceAll(',', '') ?? 0,
  );
const gc = costOf(/v8::internal::Heap::CollectGarbage\(/);
const helpers = costOf(/:start_thread /);
const per = (ir: number) => Math.round(ir / requests).toLocaleString('en');
console.log(
  `${values.target} (${root}, Node ${process.version}): ${per(Number(summary))} Ir per request over ${requests} requests, ` +
    `of which GC ${per(gc)}, helper threads ${per(helpers)}, the rest ${per(Number(summary) - gc - helpers)} (${dump})`,
);
const reprepares = callsTo(dump ?? '', 'sqlite3Reprepare');
console.log(
  `SQLite statements prepared again (sqlite3Reprepare): ${reprepares.calls} times over the ${requests} requests, ` +
    `${per(reprepares.ir)} Ir per request`,
);
if (values.names !== undefined && dump !== undefined)
  for (const [name, ir] of selfCosts(dump).slice(0, Number(values.names)))
    console.log(
      `${Math.round(ir / requests)
        .toString()
        .padStart(8)}  ${name.slice(0, 150)}`,
    );
process.exit(0);
