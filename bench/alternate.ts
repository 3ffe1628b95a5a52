/**
 * `node dist/bench-run/bench/alternate.js <rounds> <seconds> <label>=<checkout>:<auth>:<era> …`
 *
 * A/B of `tools/call projects.list` (a page of 20) between server children — of this checkout or
 * another one's compiled `dist/bench-run` (a `git worktree` of the base), auth `none` or `oauth`
 * (a Bearer token, as bench/server-child.ts mints it), or `same-work` (bench/same-work-server.ts),
 * in era `legacy` (2025-11-25) or `modern` (2026-07-28) — loaded in turn, target after target,
 * round after round, so every target meets the same minutes of a shared machine. Per target and
 * round: req/s, server CPU µs per request (/proc), and from the server's `--trace-gc-nvp` lines
 * the bytes allocated per request, the scavenges' pause per request and the bytes promoted per
 * request, bracketed by forced full GCs. Bytes do not depend on the machine's load; CPU does
 * less than req/s. Prints medians and every round's CPU. Hold `flock /work/bench.lock`.
 */
import { type ChildProcess, fork } from 'node:child_process';
import path from 'node:path';
import autocannon from 'autocannon';
import { askChild } from './ask-child.js';
import { cpuMicros } from './process-readings.js';

const [rounds = '3', seconds = '3', ...specs] = process.argv.slice(2);
const here = import.meta.dirname;
const day = new Date().toISOString().slice(0, 10);
const database = process.env.BENCH_DB ?? path.resolve(here, `../../../bench/results/bench-${day}.sqlite`);
const META = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientCapabilities': {},
  'io.modelcontextprotocol/clientInfo': { name: 'bench', version: '1.0.0' },
};
const PROJECTS = { name: 'projects.list', arguments: { limit: 20 } };

interface Server {
  readonly child: ChildProcess;
  readonly url: string;
  readonly token: string | undefined;
  /** Sums of the `--trace-gc-nvp` lines so far. */
  readonly gc: { allocated: number; scavenges: number; pauseMs: number; promoted: number };
}

const servers = new Map<string, Server>();
async function serverOf(checkout: string, auth: string): Promise<Server> {
  const key = `${checkout}:${auth}`;
  const known = servers.get(key);
  if (known !== undefined) return known;
  const script = auth === 'same-work' ? 'same-work-server.js' : 'server-child.js';
  const child = fork(path.join(checkout, 'dist/bench-run/bench', script), [], {
    cwd: checkout,
    execArgv: ['--expose-gc', '--max-semi-space-size=8', '--no-parallel-scavenge', '--trace-gc-nvp'],
    env: { ...process.env, BENCH_DB: database, ...(auth === 'oauth' && { BENCH_AUTH: 'oauth' }) },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const gc = { allocated: 0, scavenges: 0, pauseMs: 0, promoted: 0 };
  let pending = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (text: string) => {
    pending += text;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      gc.allocated += Number(/allocated=(\d+)/.exec(line)?.[1] ?? 0);
      if (!/gc=s /.test(line)) continue;
      gc.scavenges += 1;
      gc.pauseMs += Number(/pause=([\d.]+)/.exec(line)?.[1] ?? 0);
      gc.promoted += Number(/promoted=(\d+)/.exec(line)?.[1] ?? 0);
    }
  });
  const ready = await new Promise<{ url: string; token?: string }>((resolve) => {
    child.on('message', (message: { type: string; url: string; token?: string }) => {
      if (message.type === 'ready') resolve(message);
    });
  });
  const server = { child, url: ready.url, token: ready.token, gc };
  servers.set(key, server);
  return server;
}

function requestOf(era: string, token: string | undefined) {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    'accept-encoding': 'gzip, deflate, br',
    ...(token !== undefined && { authorization: `Bearer ${token}` }),
  };
  if (era === 'legacy')
    return {
      headers: { ...headers, 'mcp-protocol-version': '2025-11-25' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: PROJECTS }),
    };
  return {
    headers: {
      ...headers,
      'mcp-protocol-version': '2026-07-28',
      'mcp-method': 'tools/call',
      'mcp-name': PROJECTS.name,
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { ...PROJECTS, _meta: META },
    }),
  };
}

interface Target {
  readonly label: string;
  readonly server: Server;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly cpu: number[];
  readonly rps: number[];
}
const targets: Target[] = [];
for (const spec of specs) {
  const [label = spec, what = ''] = spec.split('=');
  const [checkout = '.', auth = 'none', era = 'legacy'] = what.split(':');
  const server = await serverOf(path.resolve(checkout), auth);
  targets.push({ label, server, ...requestOf(era, server.token), cpu: [], rps: [] });
}

const fullGc = (server: Server) =>
  askChild(server.child, { type: 'stats', gc: true }).then(
    () =>
      new Promise<void>((resolve) => {
        setTimeout(resolve, 200);
      }),
  );
const load = (target: Target, duration: number) =>
  autocannon({
    url: `${target.server.url}/mcp`,
    method: 'POST',
    headers: target.headers,
    body: target.body,
    connections: 10,
    duration,
  });

for (const target of targets) {
  const answer = await (
    await fetch(`${target.server.url}/mcp`, { method: 'POST', headers: target.headers, body: target.body })
  ).text();
  if (!answer.includes('structuredContent') || answer.includes('"isError":true'))
    throw new Error(`${target.label}: ${answer.slice(0, 300)}`);
  await load(target, 2);
}
const bytes = new Map<string, number[]>();
for (let round = 1; round <= Number(rounds); round += 1)
  for (const target of targets) {
    const { child, gc } = target.server;
    await fullGc(target.server);
    const before = { ...gc, cpu: cpuMicros(child.pid!) };
    const result = await load(target, Number(seconds));
    const cpu = (cpuMicros(child.pid!) - before.cpu) / result.requests.total;
    await fullGc(target.server);
    const perRequest = (value: number) => value / result.requests.total;
    const kb = perRequest(gc.allocated - before.allocated) / 1024;
    target.cpu.push(cpu);
    target.rps.push(result.requests.average);
    bytes.set(target.label, [...(bytes.get(target.label) ?? []), kb]);
    console.log(
      `round ${round} ${target.label.padEnd(16)} ${result.requests.average.toFixed(0)} req/s  ${cpu.toFixed(0)} µs/req  ${kb.toFixed(1)} KB/req  ${gc.scavenges - before.scavenges} scavenges, pause ${(perRequest(gc.pauseMs - before.pauseMs) * 1000).toFixed(1)} µs/req, promoted ${perRequest(gc.promoted - before.promoted).toFixed(0)} B/req${result.non2xx + result.errors > 0 ? `  ERRORS ${result.non2xx + result.errors}` : ''}`,
    );
  }
const median = (values: number[]) => {
  const sorted = [...values].sort((x, y) => x - y);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
for (const target of targets)
  console.log(
    `median ${target.label.padEnd(16)} ${median(target.rps).toFixed(0)} req/s  ${median(target.cpu).toFixed(0)} µs/req [${target.cpu.map((cpu) => cpu.toFixed(0)).join(' ')}]  ${median(bytes.get(target.label) ?? []).toFixed(1)} KB/req`,
  );
for (const server of servers.values()) server.child.send({ type: 'stop' });
