import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../../oauth/support/oauth-server.js';
import { availableDialects, createTestDatabase } from '../../support/stores.js';
import { type Balancer, startBalancer } from './haproxy.js';
import { type Instance, bundleCli, instance } from './instance.js';

/**
 * The multi-instance harness: three `workonward-mcp serve` processes on one PostgreSQL schema
 * (fresh per cluster, as test/support/stores.ts makes them) behind HAProxy running
 * deploy/haproxy.cfg, every port ephemeral. The issuer is the balancer's URL, as in production.
 */
export interface Cluster {
  /** The balancer: what clients use. */
  readonly url: string;
  readonly instances: readonly Instance[];
  readonly balancer: Balancer;
  readonly databaseUrl: string;
  /** Resolves once the balancer sees every running instance UP (and every stopped one DOWN). */
  settled(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startCluster(
  options: { env?: Record<string, string>; databaseUrl?: string; count?: number } = {},
): Promise<Cluster> {
  if (options.databaseUrl === undefined && !(await availableDialects()).includes('postgres'))
    throw new Error('The multi-instance harness needs PostgreSQL (see test/support/stores.ts).');
  const databaseUrl = options.databaseUrl ?? (await createTestDatabase('postgres')).url;
  const dir = mkdtempSync(path.join(tmpdir(), 'workonward-cluster-'));
  const lbPort = await freePort();
  const ports = [await freePort(), await freePort(), await freePort()];
  const env = {
    WORKONWARD_ENV: 'development',
    WORKONWARD_MCP_AUTH: 'oauth',
    WORKONWARD_DATABASE_URL: databaseUrl,
    WORKONWARD_MCP_OAUTH_ISSUER: `http://127.0.0.1:${lbPort}`,
    // One deployment, one root secret: cookies, tokens and cursors made by one instance verify on the others.
    WORKONWARD_MCP_OAUTH_SIGNING_KEY: randomBytes(32).toString('hex'),
    WORKONWARD_MCP_DRAIN_MS: '3000',
    WORKONWARD_LOG_LEVEL: 'info',
    ...options.env,
  };
  const cli = await bundleCli();
  const instances = ports
    .slice(0, options.count ?? 3)
    .map((port, i) => instance(`instance${i + 1}`, port, env, cli));
  let balancer: Balancer | undefined;
  const stop = async () => {
    await balancer?.stop();
    await Promise.all(instances.map((i) => i.kill()));
    rmSync(dir, { recursive: true, force: true });
    rmSync(cli, { force: true });
  };
  try {
    await startAll(instances);
    balancer = await startBalancer({
      port: lbPort,
      // Unstarted servers of a smaller cluster point at a closed port: the balancer sees them DOWN.
      instances: ports.map((port) => `127.0.0.1:${port}`),
      dir,
    });
    await settledOn(balancer, instances)();
  } catch (error) {
    await stop(); // a cluster that failed to start leaves no process behind
    throw error;
  }
  const settled = settledOn(balancer, instances);
  return { url: balancer.url, instances, balancer, databaseUrl, settled, stop };
}

/** Resolves once the balancer sees every running instance UP and every stopped one DOWN. */
function settledOn(balancer: Balancer, instances: readonly Instance[]) {
  return async (timeoutMs = 15_000) => {
    for (const deadline = Date.now() + timeoutMs; ;) {
      const status = await balancer.status();
      const agree = instances.every((i) => (status[i.name] === 'UP') === i.running);
      if (agree) return;
      if (Date.now() > deadline) throw new Error(`balancer did not settle: ${JSON.stringify(status)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
}

/**
 * Starts the first instance (it migrates and loads the demo data), then the others at once. If
 * any fails, every one is killed once none is still starting, and the first failure is thrown:
 * a failed start leaves no instance running.
 */
export async function startAll(instances: readonly Instance[]): Promise<void> {
  const [first, ...rest] = instances;
  const migrating: Promise<void>[] = first === undefined ? [] : [first.start()];
  const outcomes = await Promise.allSettled(migrating);
  if (!outcomes.some((o) => o.status === 'rejected'))
    outcomes.push(...(await Promise.allSettled(rest.map((i) => i.start()))));
  const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failed === undefined) return;
  await Promise.all(instances.map((i) => i.kill()));
  throw failed.reason;
}
