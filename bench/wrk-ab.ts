/**
 * `node dist/bench-run/bench/wrk-ab.js [--rounds 5 --duration 4 --warmup 6 --pin --era legacy]
 *   <label>=[<setting>,…] …` (after `npm run bench:tools` has generated today's tenant; hold
 * `flock /work/bench.lock`).
 *
 * A/B of the server's latency tail under wrk (bench/wrk.ts): `tools/call projects.list` (a page of
 * 20, era `legacy` 2025-11-25 or `modern` 2026-07-28) against server children that differ only by
 * their settings, loaded in turn and round after round, the order rotated every round, so each
 * meets the same minutes of a shared machine. A setting is a Node flag (`--max-semi-space-size=16`,
 * given after the image's own, so it wins), an environment variable of the server (`NAME=value`),
 * `by-hand` (bench/same-work-server.ts instead of our server), or `checkout=<dir>` (serve that
 * checkout's compiled dist/bench-run, e.g. a git worktree with a change to try, on the same data). Every child runs with
 * `--trace-gc-nvp`, parsed for its scavenges. Per target and round: wrk's p50/p90/p99/max, req/s,
 * server CPU µs per request, the server's wait for a CPU (main thread, and the other threads
 * summed), the other threads' CPU and wake-ups per second (V8's helpers, libuv's pool, the SQLite
 * checkpoint thread: bench/README.md, seventh pass), and scavenges per second with their pause.
 * Prints medians and every round's p99.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { imageMallocEnvironment, imageNodeFlags } from './node-flags.js';
import { cpuTimes } from './process-readings.js';
import { legacy, modern, PROJECTS } from './requests.js';
import { type TargetSpec, targetSpecs } from './target-settings.js';
import { todaysBenchDatabase } from './todays-data.js';
import { pinToCpu } from './scheduling.js';
import { loadWithWrk, requireWrk } from './wrk.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    rounds: { type: 'string', default: '5' },
    duration: { type: 'string', default: '4' },
    /** Seconds of load per target before the first round: the JIT settles (tail.ts's reason). */
    warmup: { type: 'string', default: '6' },
    pin: { type: 'boolean', default: false },
    era: { type: 'string', default: 'legacy' },
  },
});
requireWrk();
const here = import.meta.dirname;
const sourceRoot = path.resolve(here, '../../..');
const database = todaysBenchDatabase(sourceRoot);
if (values.pin) pinToCpu(process.pid, 0);
const request = values.era === 'modern' ? modern(PROJECTS) : legacy(PROJECTS);
const seconds = Number(values.duration);

/** One thread's counters: ns on a CPU, ns runnable but waiting, timeslices (wake-ups) run. */
interface ThreadTimes {
  run: number;
  wait: number;
  slices: number;
}
function threadsOf(pid: number): Map<string, ThreadTimes> {
  const threads = new Map<string, ThreadTimes>();
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      const [run = 0, wait = 0, slices = 0] = readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8')
        .split(' ')
        .map(Number);
      threads.set(task, { run, wait, slices });
    } catch {
      // A thread that ended between the listing and the read.
    }
  }
  return threads;
}

interface Target {
  readonly label: string;
  readonly child: ChildProcess;
  readonly url: string;
  /** Scavenges so far, and their pauses summed (ms), from --trace-gc-nvp. */
  readonly gc: { scavenges: number; pauseMs: number };
  readonly rounds: Record<string, number>[];
}

async function start({ label, settings, flags, checkout, env }: TargetSpec): Promise<Target> {
  const byHand = settings.includes('by-hand');
  const root = checkout === undefined ? here : path.resolve(checkout, 'dist/bench-run/bench');
  const child = fork(path.join(root, byHand ? 'same-work-server.js' : 'server-child.js'), [], {
    cwd: sourceRoot,
    execArgv: ['--expose-gc', ...imageNodeFlags(sourceRoot), ...flags, '--trace-gc-nvp'],
    env: { ...process.env, ...imageMallocEnvironment(sourceRoot), ...env, BENCH_DB: database },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  if (values.pin) pinToCpu(child.pid!, 1);
  const gc = { scavenges: 0, pauseMs: 0 };
  let pending = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (text: string) => {
    const lines = (pending + text).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (!/gc=s /.test(line)) continue;
      gc.scavenges += 1;
      gc.pauseMs += Number(/pause=([\d.]+)/.exec(line)?.[1] ?? 0);
    }
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => {
      reject(new Error(`${label} exited with ${code}`));
    });
    child.on('message', (message: { type: string; url?: string }) => {
      if (message.type === 'ready') resolve(byHand ? message.url! : `${message.url}/mcp`);
    });
  });
  return { label, child, url, gc, rounds: [] };
}

const targets: Target[] = [];
for (const spec of targetSpecs(positionals)) targets.push(await start(spec));
for (const target of targets) {
  const answer = await (
    await fetch(target.url, { method: 'POST', headers: request.headers, body: request.body })
  ).text();
  if (!answer.includes('structuredContent') || answer.includes('"isError":true'))
    throw new Error(`${target.label}: ${answer.slice(0, 300)}`);
  await loadWithWrk({ url: target.url, ...request }, Number(values.warmup), 10);
}

const perSecond = (value: number) => value / seconds;
for (let round = 1; round <= Number(values.rounds); round += 1) {
  const load = os.loadavg()[0]!;
  // Rotated: no target always follows the same other one.
  const order = targets.map((_, index) => targets[(index + round - 1) % targets.length]!);
  for (const target of order) {
    const pid = target.child.pid!;
    const before = threadsOf(pid);
    const gcBefore = { ...target.gc };
    const cpuBefore = cpuTimes(pid);
    const result = await loadWithWrk({ url: target.url, ...request }, seconds, 10);
    const cpuAfter = cpuTimes(pid);
    const served = Math.max(result.requests, 1);
    const user = (cpuAfter.user - cpuBefore.user) / served;
    const system = (cpuAfter.system - cpuBefore.system) / served;
    const cpu = user + system;
    const after = threadsOf(pid);
    const main = String(pid);
    const others = { run: 0, wait: 0, slices: 0 };
    for (const [tid, now] of after) {
      if (tid === main) continue;
      const then = before.get(tid) ?? { run: 0, wait: 0, slices: 0 };
      others.run += now.run - then.run;
      others.wait += now.wait - then.wait;
      others.slices += now.slices - then.slices;
    }
    const mainThen = before.get(main)!;
    const mainNow = after.get(main)!;
    const figures = {
      load,
      rps: result.rps,
      p50: result.p50,
      p90: result.p90,
      p99: result.p99,
      max: result.max,
      cpu,
      user,
      system,
      // The main thread's time on a CPU per request, to the ns (schedstat), beside the ticks above.
      mainRun: (mainNow.run - mainThen.run) / 1000 / served,
      mainWait: perSecond((mainNow.wait - mainThen.wait) / 1e6),
      otherWait: perSecond(others.wait / 1e6),
      otherCpu: perSecond(others.run / 1e6),
      otherWakes: perSecond(others.slices),
      scavenges: perSecond(target.gc.scavenges - gcBefore.scavenges),
      gcMs: perSecond(target.gc.pauseMs - gcBefore.pauseMs),
      errors: result.errors,
    };
    target.rounds.push(figures);
    console.log(
      `round ${round} ${target.label.padEnd(12)} ${result.rps.toFixed(0)} req/s  p50 ${result.p50.toFixed(2)}  p90 ${result.p90.toFixed(2)}  p99 ${result.p99.toFixed(2)}  max ${result.max.toFixed(2)} ms  CPU ${cpu.toFixed(0)} µs/req (user ${user.toFixed(0)}, system ${system.toFixed(0)}; main thread ran ${figures.mainRun.toFixed(1)})  wait main ${figures.mainWait.toFixed(0)} others ${figures.otherWait.toFixed(0)} ms/s  other threads ${figures.otherCpu.toFixed(1)} ms/s CPU, ${figures.otherWakes.toFixed(0)} wake-ups/s  ${figures.scavenges.toFixed(1)} scavenges/s (${figures.gcMs.toFixed(1)} ms/s)  load ${load.toFixed(1)}${result.errors > 0 ? `  ERRORS ${result.errors}` : ''}`,
    );
  }
}

const median = (numbers: number[]) => {
  const sorted = [...numbers].sort((x, y) => x - y);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
console.log(
  `\nmedians of ${values.rounds} rounds × ${seconds} s, wrk -t1 -c10, ${values.era} era, ${values.pin ? 'wrk on CPU 0, servers on CPU 1' : 'not pinned'}, load average ${os.loadavg()[0]?.toFixed(1)} at the end`,
);
console.log(
  '| target | req/s | p50 ms | p90 ms | p99 ms | every round’s p99 | max ms | CPU µs/req | user / system | main thread µs/req | wait main / others ms/s | other threads CPU ms/s | wake-ups/s | scavenges/s (ms/s) |',
);
console.log('|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const target of targets) {
  const of = (field: string) => median(target.rounds.map((round) => round[field]!));
  console.log(
    `| ${target.label} | ${of('rps').toFixed(0)} | ${of('p50').toFixed(2)} | ${of('p90').toFixed(2)} | **${of('p99').toFixed(2)}** | ${target.rounds.map((round) => round.p99!.toFixed(1)).join(' ')} | ${of('max').toFixed(1)} | ${of('cpu').toFixed(0)} | ${of('user').toFixed(0)} / ${of('system').toFixed(0)} | ${of('mainRun').toFixed(1)} | ${of('mainWait').toFixed(0)} / ${of('otherWait').toFixed(0)} | ${of('otherCpu').toFixed(1)} | ${of('otherWakes').toFixed(0)} | ${of('scavenges').toFixed(1)} (${of('gcMs').toFixed(1)}) |`,
  );
}
for (const target of targets) target.child.send({ type: 'stop' });
