/**
 * Tool-call throughput through HAProxy with 1 instance vs 3, on this machine:
 * `npm run bench:cluster -- [--rounds 2] [--duration 10] [--connections 16]`.
 *
 * One cluster of the multi-instance harness (test/cluster/support: three `workonward-mcp serve`
 * processes of the bundled CLI with OAuth, one PostgreSQL, HAProxy running deploy/haproxy.cfg).
 * For the 1-instance rounds instance2 and instance3 are put in maintenance through HAProxy's
 * runtime API (`disable server`), so the same processes, balancer and data serve both
 * contenders, interleaved round by round. The idle two still run (their outbox workers poll).
 *
 * Load: autocannon through the balancer, `tools/call projects.list` (the demo tenant's 8) in the
 * 2025-11-25 era, each connection with its own grant's Bearer token (bench-token.ts), as many
 * connected apps would: every call runs the real token check and the per-grant limit's counter
 * (set high enough never to refuse). Per round: req/s, p50/p99, and CPU per request of the
 * instances, of HAProxy and of this process (the load generator), from /proc. Asserts nothing.
 */
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { openStore } from '../src/store/open-store.js';
import { type Cluster, startCluster } from '../test/cluster/support/cluster.js';
import { createTestDatabase } from '../test/support/stores.js';
import { mintBenchToken } from './bench-token.js';
import { cpuMicros } from './process-readings.js';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '2' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '16' },
  },
});
const ROUNDS = Number(values.rounds);
const DURATION = Number(values.duration);
const CONNECTIONS = Number(values.connections);

const HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
  'mcp-protocol-version': '2025-11-25',
};
const BODY = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'tools/call',
  params: { name: 'projects.list', arguments: { limit: 20 } },
});

/** A process's CPU so far, µs; 0 for a process that never started. */
const cpuOf = (pid: number | undefined) => (pid === undefined ? 0 : cpuMicros(pid));

interface Sample {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  /** µs of CPU per request: all instances, HAProxy, the load generator. */
  instances: number;
  haproxy: number;
  generator: number;
  /** The same per instance: how the balancer spread the work. */
  perInstanceCpu: number[];
}

async function load(cluster: Cluster, tokens: readonly string[], seconds: number): Promise<Sample> {
  const pids = cluster.instances.map((i) => i.pid);
  const before = pids.map(cpuOf);
  const haproxyBefore = cpuOf(cluster.balancer.pid);
  const generatorBefore = cpuOf(process.pid);
  let next = 0;
  const result = await autocannon({
    url: `${cluster.url}/mcp`,
    method: 'POST',
    headers: HEADERS,
    body: BODY,
    connections: CONNECTIONS,
    duration: seconds,
    setupClient(client) {
      client.setHeaders({ ...HEADERS, authorization: `Bearer ${tokens[next++ % tokens.length] ?? ''}` });
    },
  });
  const total = Math.max(result.requests.total, 1);
  const perInstance = pids.map((pid, i) => (cpuOf(pid) - (before[i] ?? 0)) / total);
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx + result.timeouts,
    instances: perInstance.reduce((a, b) => a + b, 0),
    haproxy: (cpuOf(cluster.balancer.pid) - haproxyBefore) / total,
    generator: (cpuOf(process.pid) - generatorBefore) / total,
    perInstanceCpu: perInstance,
  };
}

/** Puts instance2 and instance3 in or out of maintenance, then waits until HAProxy agrees. */
async function serveWith(cluster: Cluster, count: 1 | 3): Promise<void> {
  for (const name of ['instance2', 'instance3'])
    await cluster.balancer.command(`${count === 1 ? 'disable' : 'enable'} server instances/${name}`);
  for (const deadline = Date.now() + 30_000; ;) {
    const status = await cluster.balancer.status();
    const up = Object.values(status).filter((s) => s === 'UP').length;
    if (up === count) return;
    if (Date.now() > deadline)
      throw new Error(`balancer did not reach ${count} UP: ${JSON.stringify(status)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const database = await createTestDatabase('postgres');
const cluster = await startCluster({
  databaseUrl: database.url,
  env: {
    WORKONWARD_LOG_LEVEL: 'warn',
    WORKONWARD_MCP_GRANT_CALLS_PER_MINUTE: '1000000',
  },
});
try {
  const store = openStore(database.url);
  const tenant = await store.db
    .selectFrom('tenants')
    .select('id')
    .where('slug', '=', 'summit-ridge')
    .executeTakeFirstOrThrow();
  const tokens: string[] = [];
  for (let i = 0; i < CONNECTIONS; i += 1)
    tokens.push(await mintBenchToken(store.db, tenant.id, cluster.url, new Date()));
  await store.close();

  // Before any load: the call answers the demo tenant's projects (8), so the figures measure real work.
  const check = await fetch(`${cluster.url}/mcp`, {
    method: 'POST',
    headers: { ...HEADERS, authorization: `Bearer ${tokens[0] ?? ''}` },
    body: BODY,
  });
  const answer = await check.text();
  const data = answer.includes('data: ') ? answer.slice(answer.indexOf('data: ') + 6) : answer;
  const result = (
    JSON.parse(data.split('\n')[0] ?? '{}') as {
      result?: { isError?: boolean; structuredContent?: Record<string, unknown> };
    }
  ).result;
  const items = Object.values(result?.structuredContent ?? {}).find(Array.isArray) as unknown[] | undefined;
  if (check.status !== 200 || result?.isError === true || (items?.length ?? 0) === 0)
    throw new Error(
      `projects.list through the balancer answered no projects: ${check.status} ${answer.slice(0, 500)}`,
    );

  console.log(
    `# tools/call projects.list through HAProxy: ${CONNECTIONS} connections, ${DURATION} s per round, ${ROUNDS} interleaved rounds`,
  );
  const samples: Record<1 | 3, Sample[]> = { 1: [], 3: [] };
  for (const count of [1, 3] as const) {
    await serveWith(cluster, count);
    await load(cluster, tokens, 2); // warm-up: JIT, connection pools, page cache
  }
  for (let round = 1; round <= ROUNDS; round += 1) {
    for (const count of [1, 3] as const) {
      await serveWith(cluster, count);
      const s = await load(cluster, tokens, DURATION);
      samples[count].push(s);
      console.log(
        `round ${round} ${count} instance${count === 1 ? ' ' : 's'}: ${s.rps.toFixed(0).padStart(5)} req/s  p50 ${s.p50} ms  p99 ${s.p99} ms  CPU µs/req: instances ${s.instances.toFixed(0)} (${s.perInstanceCpu.map((c) => c.toFixed(0)).join(' + ')}), haproxy ${s.haproxy.toFixed(0)}, load generator ${s.generator.toFixed(0)}${s.errors > 0 ? `  ERRORS ${s.errors}` : ''}`,
      );
    }
  }
  const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)] ?? 0;
  const one = median(samples[1].map((s) => s.rps));
  for (const count of [1, 3] as const) {
    const list = samples[count];
    const rps = median(list.map((s) => s.rps));
    console.log(
      `${count} instance${count === 1 ? ' ' : 's'} (medians of ${ROUNDS}): ${rps.toFixed(0)} req/s (${(rps / one).toFixed(2)}× one), p50 ${median(list.map((s) => s.p50))} ms, p99 ${median(list.map((s) => s.p99))} ms, CPU per request ${median(list.map((s) => s.instances + s.haproxy + s.generator)).toFixed(0)} µs (instances ${median(list.map((s) => s.instances)).toFixed(0)})`,
    );
  }
} finally {
  await cluster.stop();
  await database.dispose();
}
