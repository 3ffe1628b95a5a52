/**
 * Remote backend mode vs embedded: the latency of one MCP tool call through a front (front →
 * backend's /api/v1 → store) next to the same call on a server over its own store, measured in
 * the same run with the same SDK client. `npm run bench:remote [-- --calls 300]`.
 */
import { parseArgs } from 'node:util';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { stableId } from '../src/domain/demo/seeded.js';
import { startToolServer, type BackendKind } from '../test/support/tool-server.js';

const { values } = parseArgs({ options: { calls: { type: 'string', default: '300' } } });
const CALLS = Number(values.calls);
const CASES: [string, Record<string, unknown>][] = [
  ['projects.get', { id: stableId('summit-ridge', 'project', 'rmob') }],
  ['validate_recipients', { recipients: ['person@gitdate.ink', 'blocked@example.com'] }],
];

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

async function measure(backend: BackendKind): Promise<Record<string, { p50: number; p95: number }>> {
  const server = await startToolServer({
    backend,
    env: { WORKONWARD_MCP_RECIPIENT_ALLOWLIST: '@gitdate\\.ink$', WORKONWARD_API_RATE_PER_MINUTE: '1000000' },
  });
  const client = new Client({ name: 'bench-remote', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL('/mcp', server.url)));
  await client.listTools();
  const out: Record<string, { p50: number; p95: number }> = {};
  try {
    for (const [name, args] of CASES) {
      for (let i = 0; i < 20; i += 1) await client.callTool({ name, arguments: args }); // warm-up
      const times: number[] = [];
      for (let i = 0; i < CALLS; i += 1) {
        const started = performance.now();
        const result = await client.callTool({ name, arguments: args });
        times.push(performance.now() - started);
        if (result.isError === true)
          throw new Error(`${name} failed on ${backend}: ${JSON.stringify(result.content)}`);
      }
      times.sort((a, b) => a - b);
      out[name] = { p50: quantile(times, 0.5), p95: quantile(times, 0.95) };
    }
  } finally {
    await client.close();
    await server.stop();
  }
  return out;
}

const embedded = await measure('local');
const remote = await measure('remote');
const ms = (n: number) => `${n.toFixed(2)} ms`;
console.log(`tool-call latency, ${CALLS} sequential calls each, SQLite, one SDK client over HTTP (loopback)`);
console.log('tool | embedded p50 / p95 | remote p50 / p95 | remote ÷ embedded (p50)');
for (const [name] of CASES) {
  const e = embedded[name]!;
  const r = remote[name]!;
  console.log(
    `${name} | ${ms(e.p50)} / ${ms(e.p95)} | ${ms(r.p50)} / ${ms(r.p95)} | ${(r.p50 / e.p50).toFixed(2)}×`,
  );
}
