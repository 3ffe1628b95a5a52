import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const BASE_ENV = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };

export async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as net.AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/**
 * The PING8 guide's "Deploy The Remote MCP Server" block, line for line, with the values of a
 * local run; `openssl rand -hex 32` runs on every call, as it does each time the block is pasted.
 */
export function guideBlock(values: {
  apiKey: string;
  baseUrl: string;
  issuer: string;
  dryRun: '0' | '1';
}): Record<string, string> {
  return {
    WORKONWARD_API_KEY: values.apiKey,
    WORKONWARD_BASE_URL: values.baseUrl,
    WORKONWARD_MCP_TRANSPORT: 'http',
    WORKONWARD_MCP_AUTH: 'oauth',
    WORKONWARD_MCP_OAUTH_ISSUER: values.issuer,
    WORKONWARD_MCP_OAUTH_SIGNING_KEY: execFileSync('openssl', ['rand', '-hex', '32']).toString().trim(),
    WORKONWARD_MCP_OAUTH_ALLOWED_EMAILS: 'you@gitdate.ink',
    WORKONWARD_MCP_RECIPIENT_ALLOWLIST: '@gitdate\\.ink$',
    WORKONWARD_MCP_BEHIND_PROXY: '1',
    WORKONWARD_MCP_DRY_RUN: values.dryRun,
  };
}

export interface ServerProcess {
  readonly log: () => string;
  /** Resolves when the log shows the HTTP server listening; rejects if the process exits first. */
  started(): Promise<void>;
  /** SIGTERM (the graceful shutdown: the outbox worker finishes its round) and wait for the exit. */
  stop(): Promise<void>;
  /** SIGKILL: no shutdown at all. */
  kill(): Promise<void>;
}

/** `npx workonward-mcp` (the bundled CLI, no arguments) with exactly `env` besides PATH and HOME. */
export function serve(cli: string, env: Record<string, string>): ServerProcess {
  const child: ChildProcess = spawn(process.execPath, [cli], {
    cwd: ROOT,
    env: { ...BASE_ENV, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      resolve();
    }),
  );
  const signal = async (name: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(name);
    await exited;
  };
  return {
    log: () => log,
    async started() {
      for (const deadline = Date.now() + 90_000; !log.includes('serving MCP over HTTP');) {
        if (child.exitCode !== null) throw new Error(`exited at start:\n${log.slice(-3000)}`);
        if (Date.now() > deadline) throw new Error(`not started after 90 s:\n${log.slice(-3000)}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    stop: () => signal('SIGTERM'),
    kill: () => signal('SIGKILL'),
  };
}

/**
 * One CLI command against the store in `dataDir` (`api-key create`, `audit export`), its stdout;
 * `env` as the server had it where it picks the store (a front's `WORKONWARD_BASE_URL` and key).
 */
export function cliCommand(
  cli: string,
  dataDir: string,
  args: string[],
  env: Record<string, string> = {},
): string {
  return execFileSync(process.execPath, [cli, ...args], {
    cwd: ROOT,
    env: { ...BASE_ENV, WORKONWARD_DATA_DIR: dataDir, WORKONWARD_LOG_LEVEL: 'silent', ...env },
    // stderr kept (a failure's error carries it), not mixed into the test's output.
    stdio: ['ignore', 'pipe', 'pipe'],
  }).toString();
}
