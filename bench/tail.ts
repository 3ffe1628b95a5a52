/**
 * What sets the latency tail: `node dist/bench-run/bench/tail.js [--duration 4 --connections 10
 * --rounds 1 --warmup 6 --pin --targets echo,same,projects,projects-2026]` (after
 * `npm run bench:tools` has generated today's tenant; hold `flock /work/bench.lock`).
 *
 * Each target is served by the same child as in bench:tools (the image's Node flags), with
 * bench/tail-probe.ts loaded into it, and loaded by autocannon from this process at 10
 * connections. Prints per target: the client's latency quantiles (every response timed, to the
 * µs); the server's own time per request, GC pauses (scavenge / mark-compact) and event-loop
 * delay; how long the server's threads and the load generator's were runnable but not running
 * (/proc schedstat: preempted, or waiting for a core); and for the requests at or above the
 * client's p99, how much of their time overlapped a server GC pause, time the server held a
 * request, and time it held none (the request was in a socket or in the generator).
 * With --pin the generator runs on CPU 0 and each server child on CPU 1 (taskset), every target
 * alike.
 */
// First: the generator's own GC flag (it may run this script again).
import './generator-flags.js';
import { type ChildProcess, fork } from 'node:child_process';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { askChild } from './ask-child.js';
import { imageMallocEnvironment, imageNodeFlags } from './node-flags.js';
import { legacy, modern, PROJECTS } from './requests.js';
import { pinToCpu, schedulingOf, schedulingSince } from './scheduling.js';
import type { TailRecords } from './tail-probe.js';
import { todaysBenchDatabase } from './todays-data.js';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '4' },
    connections: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '1' },
    /**
     * Seconds of load before the first measured round. Our server's JIT is still compiling
     * (TurboFan on V8's worker threads: 6 % of its samples 4–7 s into the load, 0.35 % at
     * 14–17 s; the by-hand server's 0.75 %), so a short warm-up measures that too.
     */
    warmup: { type: 'string', default: '6' },
    pin: { type: 'boolean', default: false },
    targets: { type: 'string', default: 'echo,same,projects,projects-2026' },
  },
});
const here = import.meta.dirname;
const sourceRoot = path.resolve(here, '../../..');
const database = todaysBenchDatabase(sourceRoot);
const now = () => performance.timeOrigin + performance.now();

const KINDS = {
  echo: { script: 'echo-server.js', request: legacy(PROJECTS), path: '' },
  same: { script: 'same-work-server.js', request: legacy(PROJECTS), path: '' },
  projects: { script: 'server-child.js', request: legacy(PROJECTS), path: '/mcp' },
  'projects-2026': { script: 'server-child.js', request: modern(PROJECTS), path: '/mcp' },
} as const;
type Kind = keyof typeof KINDS;

if (values.pin) pinToCpu(process.pid, 0);

function start(kind: Kind): Promise<[ChildProcess, string]> {
  const child = fork(path.join(here, KINDS[kind].script), [], {
    cwd: sourceRoot,
    execArgv: ['--expose-gc', ...imageNodeFlags(sourceRoot), '--import', path.join(here, 'tail-probe.js')],
    env: { ...process.env, ...imageMallocEnvironment(sourceRoot), BENCH_DB: database },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      reject(new Error(`${kind} exited with ${code}`));
    });
    child.on('message', (message: { type: string; url?: string }) => {
      if (message.type === 'ready') resolve([child, `${message.url}${KINDS[kind].path}`]);
    });
  });
}

const records = (child: ChildProcess) =>
  askChild<{ type: 'tail'; records: TailRecords }>(child, { type: 'tail' }).then((reply) => reply.records);

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
const ms = (value: number) => value.toFixed(2);

/** Total overlap (ms) of [from, to] with a set of intervals sorted by start. */
function overlap(from: number, to: number, intervals: [number, number][]): number {
  let sum = 0;
  for (const [start, end] of intervals) {
    if (start >= to) break;
    if (end > from) sum += Math.min(end, to) - Math.max(start, from);
  }
  return sum;
}
/** The union of intervals, sorted and merged. */
function union(intervals: [number, number][]): [number, number][] {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [start, end] of sorted) {
    const last = merged.at(-1);
    if (last !== undefined && start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}

async function measure(kind: Kind): Promise<void> {
  const [child, url] = await start(kind);
  if (values.pin) pinToCpu(child.pid!, 1);
  const { headers, body } = KINDS[kind].request;
  const options = { url, method: 'POST' as const, headers, body, connections: Number(values.connections) };
  await autocannon({ ...options, duration: Number(values.warmup) });
  for (let round = 1; round <= Number(values.rounds); round += 1) {
    await records(child);
    const serverBefore = schedulingOf(child.pid!);
    const generatorLoop = monitorEventLoopDelay({ resolution: 1 });
    generatorLoop.enable();
    const generatorBefore = schedulingOf('self');
    const responses: [number, number][] = [];
    // A run is a promise and an emitter of every response (with its latency, to the µs).
    const instance = autocannon({
      ...options,
      duration: Number(values.duration),
    }) as Promise<autocannon.Result> & autocannon.Instance;
    void instance.on('response', (_client: unknown, _status: number, _bytes: number, latency: number) => {
      responses.push([now(), latency]);
    });
    const result = await instance;
    generatorLoop.disable();
    const generator = schedulingSince(generatorBefore, 'self');
    const server = await records(child);
    const sched = schedulingSince(serverBefore, child.pid!);
    const seconds = Number(values.duration);

    const latencies = responses.map(([, latency]) => latency).sort((a, b) => a - b);
    const p99 = quantile(latencies, 0.99);
    const inServer = server.requests.map(([, took]) => took).sort((a, b) => a - b);
    const held = union(server.requests.map(([start, took]) => [start, start + took]));
    const gcPauses: [number, number][] = server.gc.map((pause) => [pause.start, pause.start + pause.ms]);
    const major = server.gc.filter((pause) => pause.kind === 2);
    const minor = server.gc.filter((pause) => pause.kind === 1);
    const slow = responses.filter(([, latency]) => latency >= p99);
    let slowGc = 0;
    let slowHeld = 0;
    let slowTotal = 0;
    let slowWithMajor = 0;
    for (const [end, latency] of slow) {
      const from = end - latency;
      slowTotal += latency;
      slowGc += overlap(from, end, gcPauses);
      slowHeld += overlap(from, end, held);
      if (major.some((pause) => pause.start < end && pause.start + pause.ms > from)) slowWithMajor += 1;
    }
    const share = (part: number) => `${((100 * part) / Math.max(slowTotal, 1e-9)).toFixed(0)} %`;
    const sum = (pauses: { ms: number }[]) => pauses.reduce((total, pause) => total + pause.ms, 0);
    const maxOf = (pauses: { ms: number }[]) => Math.max(0, ...pauses.map((pause) => pause.ms));
    console.log(
      [
        `${kind}${values.pin ? ' (pinned)' : ''} round ${round}: ${(responses.length / seconds).toFixed(0)} req/s (autocannon ${result.requests.average}), errors ${result.errors + result.non2xx}`,
        `  client ms  p50 ${ms(quantile(latencies, 0.5))}  p90 ${ms(quantile(latencies, 0.9))}  p97.5 ${ms(quantile(latencies, 0.975))}  p99 ${ms(p99)}  max ${ms(latencies.at(-1) ?? 0)}  (autocannon p99 ${result.latency.p99})`,
        `  server ms  in-server p50 ${ms(quantile(inServer, 0.5))} p99 ${ms(quantile(inServer, 0.99))} max ${ms(inServer.at(-1) ?? 0)}  loop delay p50 ${ms(server.loop.p50)} p99 ${ms(server.loop.p99)} max ${ms(server.loop.max)}`,
        `  server GC  ${minor.length} scavenges (${ms(sum(minor))} ms, max ${ms(maxOf(minor))}), ${major.length} mark-compact (${ms(sum(major))} ms, max ${ms(maxOf(major))}), other ${server.gc.length - minor.length - major.length}`,
        `  scheduling per second: server on CPU ${ms(sched.runNs / 1e6 / seconds)} ms, runnable-waiting ${ms(sched.waitNs / 1e6 / seconds)} ms, ${(sched.preemptions / seconds).toFixed(0)} preemptions; generator on CPU ${ms(generator.runNs / 1e6 / seconds)} ms, runnable-waiting ${ms(generator.waitNs / 1e6 / seconds)} ms, loop delay p99 ${ms(generatorLoop.percentile(99) / 1e6)} max ${ms(generatorLoop.max / 1e6)}`,
        `  the ${slow.length} requests ≥ p99: ${share(slowGc)} of their time in a server GC pause, ${share(slowHeld - slowGc)} the server held a request otherwise, ${share(slowTotal - slowHeld)} it held none (in a socket or the generator); ${slowWithMajor} overlapped a mark-compact`,
      ].join('\n'),
    );
  }
  child.send({ type: 'stop' });
  await new Promise((resolve) => child.once('exit', resolve));
}

console.log(
  `${os.cpus().length} CPUs, Node ${process.version}, ${values.connections} connections, ${values.duration} s, flags ${imageNodeFlags(sourceRoot).join(' ')}, load average ${os.loadavg()[0]?.toFixed(1)}`,
);
for (const kind of (values.targets ?? '').split(',') as Kind[]) await measure(kind);
