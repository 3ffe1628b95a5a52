/**
 * The real server, in its own process so its RSS and CPU profile are its own. Started by
 * bench/run.ts with an IPC channel. With BENCH_GENERATE=1 it writes the benchmark tenant into the
 * SQLite file named by BENCH_DB and exits; otherwise it serves HTTP on an ephemeral loopback port
 * through `serveRuntime` itself (WORKONWARD_MCP_AUTH=none, or with BENCH_AUTH=oauth the built-in
 * authorization server and a bearer token minted for the run, sent back in the `ready` message),
 * and answers `stats` (memory, pool size) and `stop` messages.
 */
import { createHash } from 'node:crypto';
import { createServer } from 'node:net';
import { getHeapSpaceStatistics } from 'node:v8';
import { loadConfig } from '../src/config/load.js';
import { createLogger } from '../src/lib/logger.js';
import { startRuntime } from '../src/runtime.js';
import { serveRuntime } from '../src/serve.js';
import { mintBenchToken } from './bench-token.js';
import { BENCH_TENANT, generateBenchTenant } from './generate.js';
import { BENCH_METRICS_TOKEN } from './served-count.js';

const database = process.env.BENCH_DB ?? '';
const oauth = process.env.BENCH_AUTH === 'oauth';
// The issuer names the port, so the OAuth run listens on a port chosen before the config is built.
const port = oauth
  ? await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address() as { port: number };
        probe.close(() => {
          resolve(free);
        });
      });
    })
  : 0;
const config = loadConfig({
  WORKONWARD_ENV: 'production',
  WORKONWARD_MCP_TRANSPORT: 'http',
  WORKONWARD_MCP_AUTH: oauth ? 'oauth' : 'none',
  WORKONWARD_MCP_HOST: '127.0.0.1',
  WORKONWARD_MCP_PORT: String(port),
  ...(oauth && {
    // Fixed, so the keys stored in the bench database decrypt on every run (not a secret).
    WORKONWARD_MCP_OAUTH_SIGNING_KEY: createHash('sha256').update('workonward-bench').digest('hex'),
    // Required in production with OAuth (sign-in codes); the benchmark signs nobody in.
    WORKONWARD_SMTP_URL: 'smtp://127.0.0.1:9',
    // Far above the load, so every call is admitted and does the tool's work; each still pays the
    // per-grant count (a read and a compare-and-set write), as every OAuth tools/call does. At the
    // default (300 a minute) most calls of a round were `rate_limited` refusals, not tool calls.
    WORKONWARD_MCP_GRANT_CALLS_PER_MINUTE: '1000000',
  }),
  WORKONWARD_MCP_TENANT: BENCH_TENANT,
  WORKONWARD_DATABASE_URL: `sqlite:${database}`,
  WORKONWARD_LOG_LEVEL: 'warn',
  // (m) targets: Prometheus metrics on (a token turns them on), to measure what they cost.
  ...(process.env.BENCH_METRICS === '1' && {
    WORKONWARD_METRICS_TOKEN: BENCH_METRICS_TOKEN,
  }),
});
const logger = createLogger('warn');
const runtime = await startRuntime(config, { logger });
if (process.env.BENCH_GENERATE === '1') {
  // A separate first process writes the data, so the serving process's RSS is not the generator's.
  const started = Date.now();
  const generated = await generateBenchTenant(runtime.store.db, new Date());
  await runtime.close();
  process.send?.({ type: 'generated', generated, ms: Date.now() - started });
  process.exit(0);
}

const serving = await serveRuntime(runtime);
const tenant = await runtime.store.db
  .selectFrom('tenants')
  .select('id')
  .where('slug', '=', BENCH_TENANT)
  .executeTakeFirstOrThrow();
const token = oauth
  ? await mintBenchToken(runtime.store.db, tenant.id, config.oauth.issuer, new Date())
  : undefined;

// Other message types are bench/tail-probe.ts's, when it is loaded.
type Message = { type: 'stats'; gc?: boolean } | { type: 'stop' } | { type: 'tail' };
process.on('message', (message: Message) => {
  if (message.type === 'stats') {
    if (message.gc === true) globalThis.gc?.();
    const memory = process.memoryUsage();
    // Committed bytes per V8 space: which of them an RSS change comes from (young or old).
    const spaces = Object.fromEntries(
      getHeapSpaceStatistics().map((space) => [space.space_name, space.space_size]),
    );
    process.send?.({ type: 'stats', memory, spaces, poolCreated: serving.mcpServersBuilt?.() ?? 0 });
  } else if (message.type === 'stop') {
    void (async () => {
      await serving.stop();
      await runtime.close();
      // A normal exit writes the --cpu-prof profile.
      process.exit(0);
    })();
  }
});
process.send?.({ type: 'ready', url: serving.url, token });

// Never outlive the benchmark runner.
process.on('disconnect', () => process.exit(0));
