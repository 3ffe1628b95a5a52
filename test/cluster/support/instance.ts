import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { build } from 'esbuild';

const ROOT = path.resolve(import.meta.dirname, '../../..');

/**
 * The CLI bundled once per test process (packages stay external, resolved from node_modules):
 * plain `node` then starts an instance in about half the time the tsx loader takes, which
 * matters when a rolling restart starts seven of them on two cores.
 */
export async function bundleCli(): Promise<string> {
  const outfile = path.join(ROOT, 'dist', 'cluster-harness', `main-${process.pid}.mjs`);
  await build({
    entryPoints: [path.join(ROOT, 'src/main.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outfile,
    logLevel: 'warning',
  });
  return outfile;
}

/** One `workonward-mcp serve` process (the real CLI, as operators start it) on a fixed port. */
export interface Instance {
  readonly name: string;
  readonly port: number;
  readonly url: string;
  readonly running: boolean;
  /** Its process id while running (bench/cluster.ts reads its CPU time from /proc). */
  readonly pid: number | undefined;
  /** Its log lines so far (JSON, stderr), for diagnosing a failed test. */
  readonly log: () => string;
  start(): Promise<void>;
  /** SIGTERM: the graceful shutdown; resolves with the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL: no shutdown at all. */
  kill(): Promise<void>;
}

export function instance(name: string, port: number, env: Record<string, string>, cli: string): Instance {
  let child: ChildProcess | undefined;
  let exited: Promise<number | null> = Promise.resolve(null);
  let log = '';
  const url = `http://127.0.0.1:${port}`;
  const self: Instance = {
    name,
    port,
    url,
    get running() {
      return child !== undefined && child.exitCode === null && child.signalCode === null;
    },
    get pid() {
      return self.running ? child?.pid : undefined;
    },
    log: () => log,
    async start() {
      const started = spawn(process.execPath, [cli, 'serve'], {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '',
          WORKONWARD_MCP_TRANSPORT: 'http',
          WORKONWARD_MCP_HOST: '127.0.0.1',
          WORKONWARD_MCP_PORT: String(port),
          ...env,
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      child = started;
      started.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
      exited = new Promise((resolve) =>
        started.once('exit', (code) => {
          resolve(code);
        }),
      );
      // Ready = the store answers and the instance is not draining: what the balancer checks.
      try {
        for (const deadline = Date.now() + 90_000; ;) {
          if (started.exitCode !== null) throw new Error(`${name} exited at start:\n${log.slice(-3000)}`);
          if (Date.now() > deadline) throw new Error(`${name} not ready after 90 s:\n${log.slice(-3000)}`);
          const ready = await fetch(`${url}/readyz`).then(
            (r) => r.status === 200,
            () => false,
          );
          if (ready) return;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      } catch (error) {
        await self.kill(); // a start that failed leaves no process behind
        throw error;
      }
    },
    async stop() {
      if (self.running) child?.kill('SIGTERM');
      return exited;
    },
    async kill() {
      if (self.running) child?.kill('SIGKILL');
      await exited;
    },
  };
  return self;
}
