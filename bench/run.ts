/**
 * `npm run bench [-- --rounds 3 --duration 10 --connections 10 --profile]`
 *
 * autocannon against, in the same run and interleaved round by round:
 *   (a) a raw node:http JSON-RPC echo server (the floor of any Node HTTP server),
 *   (s) the same work as `projects.list` done by hand (bench/same-work-server.ts: node:http, the
 *       repository's prepared SQL for a page of 20, the same result shape; the limit for our core),
 *   (b) our server's tools/call `projects.list` (a page of 20),
 *   (c) our server's tools/call `bids.list` {status: negotiation, min_days_in_status: 14},
 *   (t) our server's tools/list with every scope (and once as ChatGPT asks it in 2026-07-28,
 *       declaring MCP Apps, so the tools are linked to their views),
 *   (d) (b) and (c) again on a second server in OAuth mode with a Bearer token,
 *   (m) (b) again on a server with Prometheus metrics on (WORKONWARD_METRICS_TOKEN set),
 * each MCP target in both protocol eras (2025-11-25 stateless POST; 2026-07-28 with `_meta`
 * and Mcp-Method/Mcp-Name), on a tenant with 10,000 projects and 50,000 bids. Every server runs
 * in its own child process; after each target's load its RSS is read from /proc/<pid>/status,
 * then once more after a forced full GC. Prints medians, ratios to the echo and to the same work,
 * and the RSS growth from the first round to the last. Prints figures only; it asserts nothing.
 * With --profile the server child runs under --cpu-prof and the top self-time functions are
 * summarised at the end (bench/profile-summary.ts). With --generator wrk the load comes from wrk
 * (a C load generator in its own process, bench/wrk.ts) instead of autocannon in this process;
 * either way each round also prints the generator's own CPU per request, and for the (m) targets
 * the server's own count of answered calls beside the generator's (bench/served-count.ts).
 * Every child runs under the node that runs this script (fork's default execPath) and the header
 * names its version: `/opt/node22/bin/node dist/bench-run/bench/run.js` in a checkout whose
 * node_modules were built for Node 22 measures the image's runtime (bench/README.md, eighth pass).
 */
// First: the generator's own GC flag (it may run this script again).
import './generator-flags.js';
import { type ChildProcess, execFileSync, fork } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { askChild } from './ask-child.js';
import { imageMallocEnvironment, imageNodeFlags } from './node-flags.js';
import { cpuMicros, rssMb } from './process-readings.js';
import { APPS_META, BIDS, LIST, legacy, modern, PROJECTS } from './requests.js';
import { summariseProfile } from './profile-summary.js';
import { pinToCpu, schedulingOf, schedulingSince } from './scheduling.js';
import { servedToolCalls } from './served-count.js';
import { type LoadResult, loadWithWrk, type Quantiles, requireWrk } from './wrk.js';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '10' },
    profile: { type: 'boolean', default: false },
    /**
     * The load generator (this process) on CPU 0, every server child on CPU 1 (taskset), every
     * target alike: the generator and the server stop taking each other's core.
     */
    pin: { type: 'boolean', default: false },
    only: { type: 'string' },
    /** Another checkout (e.g. a git worktree of the commit before an optimisation) served alongside, same data, same rounds. */
    compare: { type: 'string' },
    /**
     * `autocannon` (the default, in this Node process: every earlier figure) or `wrk` (wrk 4.1,
     * C, its own process, `-t1`): the generator's own stalls are not counted as server latency.
     */
    generator: { type: 'string', default: 'autocannon' },
  },
});
const generator = values.generator;
if (generator !== 'autocannon' && generator !== 'wrk')
  throw new Error(`--generator ${generator}: autocannon or wrk`);
if (generator === 'wrk') requireWrk();
const rounds = Number(values.rounds);
const duration = Number(values.duration);
const connections = Number(values.connections);
const here = import.meta.dirname;
// `npm run bench` runs the compiled JavaScript (dist/bench-run, plain node, as production runs
// dist/); `node --import tsx bench/run.ts` runs the sources through tsx.
const compiled = import.meta.filename.endsWith('.js');
const sourceRoot = compiled ? path.resolve(here, '../../..') : path.resolve(here, '..');
const results = path.join(sourceRoot, 'bench', 'results');
if (values.pin) pinToCpu(process.pid, 0);
mkdirSync(results, { recursive: true });

/** The image's malloc settings (its Dockerfile's ENV), for every child as for the image's server. */
const IMAGE_MALLOC = imageMallocEnvironment(sourceRoot);

interface Ready {
  type: 'ready';
  url: string;
  token?: string;
}
interface Stats {
  type: 'stats';
  memory: NodeJS.MemoryUsage;
  poolCreated: number;
}

function start(
  script: string,
  env: Record<string, string>,
  execArgv: string[] = [],
  root = here,
): Promise<[ChildProcess, Ready]> {
  const child = fork(path.join(root, compiled ? script.replace(/\.ts$/, '.js') : script), [], {
    cwd: sourceRoot,
    execArgv: [...(compiled ? [] : ['--import', 'tsx']), ...execArgv],
    env: { ...process.env, ...IMAGE_MALLOC, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  if (values.pin) pinToCpu(child.pid!, 1);
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      reject(new Error(`${script} exited with ${code}`));
    });
    child.on('message', (message: Ready) => {
      if (message.type === 'ready' || message.type === ('generated' as string)) resolve([child, message]);
    });
  });
}

const ask = (child: ChildProcess, gc = false) => askChild<Stats>(child, { type: 'stats', gc });

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', () => {
      resolve();
    });
    child.send({ type: 'stop' });
  });
}

// ---- the data: generated once per day into bench/results (git-ignored), in its own process.
const day = new Date().toISOString().slice(0, 10);
const database = path.join(results, `bench-${day}.sqlite`);
/** The same seeded rows, in a file of its own, written by `root`'s own code (its own migrations). */
async function generated(file: string, root = here): Promise<void> {
  if (existsSync(file)) return;
  for (const stale of ['', '-wal', '-shm']) rmSync(`${file}${stale}`, { force: true });
  const [generator, done] = await start('server-child.ts', { BENCH_DB: file, BENCH_GENERATE: '1' }, [], root);
  console.log(`generated the bench tenant in ${(done as unknown as { ms: number }).ms} ms (${file})`);
  await new Promise((resolve) => generator.once('exit', resolve));
}
await generated(database);

// The comparison checkout is compiled the same way, and serves its own copy of the data: a store
// migrated by newer code is one an older checkout refuses to open (a migration it does not know).
if (values.compare !== undefined && compiled) {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'bench/tsconfig.json'], {
    cwd: values.compare,
    stdio: 'inherit',
  });
}
const compareRoot =
  values.compare === undefined
    ? undefined
    : compiled
      ? path.join(values.compare, 'dist/bench-run/bench')
      : path.join(values.compare, 'bench');
const compareDatabase = path.join(results, `bench-${day}-compare.sqlite`);
if (compareRoot !== undefined) await generated(compareDatabase, compareRoot);

const NODE_FLAGS = imageNodeFlags(sourceRoot);
/** Every serving child: the image's flags, and a GC the runner can force to read RSS after it. */
const SERVER_FLAGS = ['--expose-gc', ...NODE_FLAGS];
const profileDir = path.join(results, 'profiles');
if (values.profile) rmSync(profileDir, { recursive: true, force: true });
const [echo, echoReady] = await start('echo-server.ts', {}, SERVER_FLAGS);
const [sameWork, sameWorkReady] = await start('same-work-server.ts', { BENCH_DB: database }, SERVER_FLAGS);
// With --profile each server child writes its own profile (summarised apart at the end).
const profiled = (name: string) =>
  values.profile ? ['--cpu-prof', `--cpu-prof-dir=${path.join(profileDir, name)}`] : [];
const [server, serverReady] = await start('server-child.ts', { BENCH_DB: database }, [
  ...SERVER_FLAGS,
  ...profiled('auth-none'),
]);
const [metricsServer, metricsReady] = await start(
  'server-child.ts',
  { BENCH_DB: database, BENCH_METRICS: '1' },
  SERVER_FLAGS,
);
const [authServer, authReady] = await start('server-child.ts', { BENCH_DB: database, BENCH_AUTH: 'oauth' }, [
  ...SERVER_FLAGS,
  ...profiled('bearer'),
]);
const compare =
  compareRoot === undefined
    ? undefined
    : await start('server-child.ts', { BENCH_DB: compareDatabase }, SERVER_FLAGS, compareRoot);

// ---- the requests: bench/requests.ts
interface Target {
  name: string;
  url: string;
  /** The child process serving it (CPU, RSS and GC are read from it). */
  child: ChildProcess;
  headers: Record<string, string>;
  body: string;
}
const mcpUrl = `${serverReady.url}/mcp`;
const authUrl = `${authReady.url}/mcp`;
const token = authReady.token;
const ECHO = '(a) raw node:http echo';
const SAME_WORK = '(s) same work by hand: projects';
const SAME_WORK_BIDS = '(s) same work by hand: bids';
/** Each tool is compared with the same work of its own query shape; everything else with projects'. */
const sameWorkOf = (name: string) => (name.includes('bids') ? SAME_WORK_BIDS : SAME_WORK);
const targets: Target[] = [
  { name: ECHO, url: echoReady.url, child: echo, ...legacy(PROJECTS) },
  { name: SAME_WORK, url: sameWorkReady.url, child: sameWork, ...legacy(PROJECTS) },
  { name: SAME_WORK_BIDS, url: sameWorkReady.url, child: sameWork, ...legacy(BIDS) },
  { name: '(b) projects.list 2025-11-25', url: mcpUrl, child: server, ...legacy(PROJECTS) },
  { name: '(b) projects.list 2026-07-28', url: mcpUrl, child: server, ...modern(PROJECTS) },
  {
    name: '(m) projects.list metrics on 2025-11-25',
    url: `${metricsReady.url}/mcp`,
    child: metricsServer,
    ...legacy(PROJECTS),
  },
  {
    name: '(m) projects.list metrics on 2026-07-28',
    url: `${metricsReady.url}/mcp`,
    child: metricsServer,
    ...modern(PROJECTS),
  },
  { name: '(c) bids.list 2025-11-25', url: mcpUrl, child: server, ...legacy(BIDS) },
  { name: '(c) bids.list 2026-07-28', url: mcpUrl, child: server, ...modern(BIDS) },
  { name: '(t) tools/list all scopes 2025-11-25', url: mcpUrl, child: server, ...legacy(LIST) },
  { name: '(t) tools/list all scopes 2026-07-28', url: mcpUrl, child: server, ...modern(LIST) },
  {
    name: '(t) tools/list all scopes 2026-07-28 Apps',
    url: mcpUrl,
    child: server,
    ...modern(LIST, undefined, APPS_META),
  },
  {
    name: '(d) projects.list Bearer 2025-11-25',
    url: authUrl,
    child: authServer,
    ...legacy(PROJECTS, token),
  },
  {
    name: '(d) projects.list Bearer 2026-07-28',
    url: authUrl,
    child: authServer,
    ...modern(PROJECTS, token),
  },
  { name: '(d) bids.list Bearer 2025-11-25', url: authUrl, child: authServer, ...legacy(BIDS, token) },
  { name: '(d) bids.list Bearer 2026-07-28', url: authUrl, child: authServer, ...modern(BIDS, token) },
  ...(compare === undefined
    ? []
    : (['2025-11-25', '2026-07-28'] as const).flatMap((era) =>
        [PROJECTS, BIDS, LIST].map((params) => ({
          name: `[before] ${params === LIST ? 'tools/list all scopes' : params.name} ${era}`,
          url: `${compare[1].url}/mcp`,
          child: compare[0],
          ...(era === '2025-11-25' ? legacy(params) : modern(params)),
        })),
      )),
  ...(compare === undefined
    ? []
    : [
        {
          name: '[before] tools/list all scopes 2026-07-28 Apps',
          url: `${compare[1].url}/mcp`,
          child: compare[0],
          ...modern(LIST, undefined, APPS_META),
        },
      ]),
].filter(
  (target) =>
    values.only === undefined ||
    target.name.includes(values.only) ||
    target.name === ECHO ||
    target.name.startsWith('(s)'),
);

/** For a tools/list answer: how many tools name an MCP Apps view. */
function linkedViews(result: unknown): string {
  const tools = (result as { tools?: { _meta?: { ui?: unknown } }[] } | undefined)?.tools;
  return tools === undefined
    ? ''
    : `, ${tools.filter((tool) => tool._meta?.ui !== undefined).length} linked to a view`;
}

// ---- what a client actually gets back (checked once, before the load)
for (const target of targets) {
  const response = await fetch(target.url, { method: 'POST', headers: target.headers, body: target.body });
  const text = await response.text();
  const json = text.startsWith('event:') ? (/^data: (.*)$/m.exec(text)?.[1] ?? '') : text;
  const parsed = JSON.parse(json) as {
    error?: unknown;
    result?: { isError?: boolean; structuredContent?: Record<string, unknown[]> };
  };
  const items = (
    Object.values({ ...parsed.result?.structuredContent, ...parsed.result }).find(Array.isArray) as
      unknown[] | undefined
  )?.length;
  const verdict = parsed.error !== undefined || parsed.result?.isError === true ? 'ERROR' : 'ok';
  console.log(
    `${target.name.padEnd(34)} HTTP ${response.status} ${response.headers.get('content-type')} ${Buffer.byteLength(text)} B (${response.headers.get('content-length') ?? '?'} B on the wire${response.headers.has('content-encoding') ? `, ${response.headers.get('content-encoding')}` : ''}), ${verdict}${items === undefined ? '' : `, ${items} items`}${linkedViews(parsed.result)}`,
  );
  if (verdict !== 'ok') throw new Error(`${target.name} answered ${text.slice(0, 400)}`);
}

interface Sample extends Quantiles {
  rps: number;
  /** ms per second the server's threads were runnable but waiting for a CPU (bench/scheduling.ts). */
  cpuWait: number;
  /** Server CPU (user + system) per completed request: far less sensitive to a busy machine than req/s. */
  cpu: number;
  /** The load generator's own CPU (user + system) per completed request, µs. */
  generatorCpu: number;
  errors: number;
  rss: number;
  rssAfterGc: number;
}
const samples = new Map<string, Sample[]>(targets.map((target) => [target.name, []]));
/** The server's RSS and heap after each round, once after the load and once after a full GC. */
const memoryAfterRound: { rss: number; rssAfterGc: number; heapAfterGc: number }[] = [];

const REFUSED = /"isError":true|"error":\{"code"/;

async function load(target: Target, seconds: number): Promise<LoadResult> {
  if (generator === 'wrk') return loadWithWrk(target, seconds, connections);
  const cpuBefore = process.cpuUsage();
  const result = await autocannon({
    url: target.url,
    method: 'POST',
    headers: target.headers,
    body: target.body,
    connections,
    duration: seconds,
    // A refusal answered with 200 (a JSON-RPC error, an `isError` result such as `rate_limited`)
    // is not the work being measured: it is counted as an error, never as a request served.
    verifyBody: (body) => typeof body === 'string' && !REFUSED.test(body),
  });
  const cpu = process.cpuUsage(cpuBefore);
  return {
    rps: result.requests.average,
    requests: result.requests.total,
    ...result.latency,
    errors: result.errors + result.non2xx + result.timeouts + result.mismatches,
    // This whole process: autocannon and the bench's own bookkeeping (little during a load).
    generatorCpu: (cpu.user + cpu.system) / Math.max(result.requests.total, 1),
  };
}

/** The server's own count of answered tool calls, for the targets whose server has metrics on. */
const counted = (target: Target) =>
  target.child === metricsServer ? servedToolCalls(metricsReady.url) : Promise.resolve(undefined);

// Warm-up: JIT, SQLite page cache, pool instances.
for (const target of targets) await load(target, 2);

/** The 1-minute load average at the start of each round and at the end. */
const loadAverages: number[] = [];
/** ms with autocannon (integers), to the µs with wrk. */
const ms = (value: number) => (generator === 'wrk' ? value.toFixed(2) : String(value));
for (let round = 1; round <= rounds; round += 1) {
  loadAverages.push(os.loadavg()[0]!);
  for (const target of targets) {
    const pid = target.child.pid!;
    const servedBefore = await counted(target);
    const cpuBefore = cpuMicros(pid);
    const scheduled = schedulingOf(pid);
    const result = await load(target, duration);
    const sample = {
      rps: result.rps,
      p50: result.p50,
      p75: result.p75,
      p90: result.p90,
      p97_5: result.p97_5,
      p99: result.p99,
      max: result.max,
      cpuWait: schedulingSince(scheduled, pid).waitNs / 1e6 / duration,
      cpu: (cpuMicros(pid) - cpuBefore) / Math.max(result.requests, 1),
      generatorCpu: result.generatorCpu,
      errors: result.errors,
      rss: rssMb(pid),
      rssAfterGc: await ask(target.child, true).then(() => rssMb(pid)),
    };
    const servedAfter = await counted(target);
    samples.get(target.name)!.push(sample);
    // The server may have answered up to one request per connection that the generator stopped waiting for.
    const served =
      servedBefore === undefined || servedAfter === undefined
        ? ''
        : `  server counted ${servedAfter - servedBefore} answers, ${generator} ${result.requests}${servedAfter - servedBefore - result.requests < 0 || servedAfter - servedBefore - result.requests > connections ? ' MISMATCH' : ''}`;
    console.log(
      `round ${round} ${target.name.padEnd(34)} ${sample.rps.toFixed(0).padStart(6)} req/s  p50 ${ms(sample.p50)} ms  p99 ${ms(sample.p99)} ms (p75 ${ms(sample.p75)}, p90 ${ms(sample.p90)}, p97.5 ${ms(sample.p97_5)}, max ${ms(sample.max)}; server waited for a CPU ${sample.cpuWait.toFixed(0)} ms/s)  CPU ${sample.cpu.toFixed(0)} µs/req, ${generator} ${sample.generatorCpu.toFixed(1)} µs/req  RSS ${sample.rss.toFixed(0)} / ${sample.rssAfterGc.toFixed(0)} MB after GC${sample.errors > 0 ? `  ERRORS ${sample.errors}` : ''}${served}`,
    );
  }
  const rss = rssMb(server.pid!);
  const stats = await ask(server, true);
  memoryAfterRound.push({
    rss,
    rssAfterGc: rssMb(server.pid!),
    heapAfterGc: stats.memory.heapUsed / 1048576,
  });
}

// ---- report
const median = (numbers: number[]) => {
  const sorted = [...numbers].sort((x, y) => x - y);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const medianOf = (name: string, field: 'rps' | 'cpu') =>
  median((samples.get(name) ?? []).map((s) => s[field]));
const echoRps = medianOf(ECHO, 'rps');
const echoCpu = medianOf(ECHO, 'cpu');
/** The image's Node flags and malloc settings, as every child got them. */
const SERVER_SETTINGS =
  [...NODE_FLAGS, ...Object.entries(IMAGE_MALLOC).map(([name, value]) => `${name}=${value}`)].join(' ') ||
  '(none)';
console.log(
  `\n${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, ${compiled ? 'compiled JS' : 'tsx'}, ${connections} connections, ${duration} s × ${rounds} interleaved rounds (medians), servers and load generator (${generator === 'wrk' ? 'wrk 4.1, -t1, its own process' : 'autocannon, in the bench process'}) on one machine${values.pin ? ' (generator pinned to CPU 0, every server to CPU 1)' : ' (not pinned)'}, server settings ${SERVER_SETTINGS}; load average ${[...loadAverages, os.loadavg()[0]!].map((average) => average.toFixed(1)).join(' → ')} (each round's start, the end)`,
);
console.log(
  '| target | req/s | × echo | × same work | p50 ms | p99 ms | server CPU µs/req | × same work (CPU) | RSS MB after load | RSS MB after GC | p75 / p90 / p97.5 / max ms | server waited for a CPU ms/s | generator CPU µs/req |',
);
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const target of targets) {
  const list = samples.get(target.name)!;
  const rps = median(list.map((s) => s.rps));
  const cpu = median(list.map((s) => s.cpu));
  const sameWorkRps = medianOf(sameWorkOf(target.name), 'rps');
  const sameWorkCpu = medianOf(sameWorkOf(target.name), 'cpu');
  console.log(
    `| ${target.name} | ${rps.toFixed(0)} | ${(rps / echoRps).toFixed(3)} | ${(rps / sameWorkRps).toFixed(3)} | ${ms(median(list.map((s) => s.p50)))} | ${ms(median(list.map((s) => s.p99)))} | ${cpu.toFixed(0)} | ${(sameWorkCpu / cpu).toFixed(3)} | ${median(list.map((s) => s.rss)).toFixed(0)} | ${median(list.map((s) => s.rssAfterGc)).toFixed(0)} | ${(['p75', 'p90', 'p97_5', 'max'] as const).map((field) => ms(median(list.map((s) => s[field])))).join(' / ')} | ${median(list.map((s) => s.cpuWait)).toFixed(0)} | ${median(list.map((s) => s.generatorCpu)).toFixed(1)} |`,
  );
}
console.log(`(echo: ${echoCpu.toFixed(0)} µs of server CPU per request)`);
// One generator process loads every target; where it spends more CPU per answer than the server
// does, it (not the server) sets the rate on 2 shared cores. autocannon turns every body chunk into
// a string, compressed or not (its pipelined request queue), ~80 µs per 6.6 KB gzip `tools/list`.
const generatorBound = targets.filter((target) => {
  const list = samples.get(target.name)!;
  return median(list.map((s) => s.generatorCpu)) >= median(list.map((s) => s.cpu));
});
if (generatorBound.length > 0)
  console.log(
    `generator-bound (the ${generator} process spent at least the server's CPU per request, so req/s measures it too; --generator wrk costs less per answer): ${generatorBound.map((t) => t.name).join(', ')}`,
  );
const failed = targets.filter((target) => samples.get(target.name)!.some((s) => s.errors > 0));
if (failed.length > 0)
  console.log(
    `refused or failed answers under load (see the rounds above): ${failed.map((t) => t.name).join(', ')}`,
  );
const stats = await ask(server, true);
const first = memoryAfterRound[0]!;
const last = memoryAfterRound.at(-1)!;
console.log(
  `\nserver memory after each round (RSS after load / RSS after full GC / heap used after GC, MB): ${memoryAfterRound
    .map((m) => `${m.rss.toFixed(0)} / ${m.rssAfterGc.toFixed(0)} / ${m.heapAfterGc.toFixed(1)}`)
    .join(' → ')}`,
);
console.log(
  `growth from round 1 to round ${rounds} after GC: RSS ${(last.rssAfterGc - first.rssAfterGc).toFixed(1)} MB, heap ${(last.heapAfterGc - first.heapAfterGc).toFixed(1)} MB; McpServer instances ever built (pool.created): ${stats.poolCreated}`,
);

await stop(echo);
await stop(sameWork);
await stop(server);
await stop(authServer);
await stop(metricsServer);
if (compare !== undefined) await stop(compare[0]);
if (values.profile)
  for (const name of ['auth-none', 'bearer']) {
    const served = targets.some((target) => target.child === (name === 'bearer' ? authServer : server));
    if (!served) continue;
    console.log(`\nserver CPU profile (${name}), top self time:`);
    console.log(summariseProfile(path.join(profileDir, name)));
  }
