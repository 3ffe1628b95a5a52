import { type ChildProcessWithoutNullStreams, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestSmtpServer, type TestSmtpServer } from '../support/smtp.js';

/**
 * Issue 7 "Done when", first part: two real server processes — a backend over its embedded store
 * with a real SMTP catcher, and a front started with the PING8 guide's export block (issuer and
 * base URL on loopback, the key made by the backend's CLI; only port and data directory added).
 * The front starts without SMTP, the guide's metadata curl works, /readyz names the backend, and
 * once the backend is killed /readyz says why. (The OAuth + MCP flow through the front is not
 * in this test yet.)
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const BASE_ENV = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };

async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as net.AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

function serve(env: Record<string, string>): { child: ChildProcessWithoutNullStreams; log: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { ...BASE_ENV, ...env },
  });
  let log = '';
  child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => (log += chunk.toString()));
  return { child, log: () => log };
}

describe('the PING8 guide block as a front for a backend process', () => {
  const dirs: string[] = [];
  let smtp: TestSmtpServer;
  let backend: ReturnType<typeof serve>;
  let front: ReturnType<typeof serve>;
  let backendUrl: string;
  let frontUrl: string;

  beforeAll(async () => {
    smtp = await startTestSmtpServer();
    const backendDir = mkdtempSync(path.join(tmpdir(), 'wk-backend-'));
    const frontDir = mkdtempSync(path.join(tmpdir(), 'wk-front-'));
    dirs.push(backendDir, frontDir);
    const backendPort = await freePort();
    backendUrl = `http://127.0.0.1:${backendPort}`;
    backend = serve({
      WORKONWARD_ENV: 'development',
      WORKONWARD_MCP_TRANSPORT: 'http',
      WORKONWARD_MCP_AUTH: 'none',
      WORKONWARD_MCP_TENANT: 'summit-ridge',
      WORKONWARD_MCP_PORT: String(backendPort),
      WORKONWARD_DATA_DIR: backendDir,
      WORKONWARD_SMTP_URL: smtp.url,
      WORKONWARD_MCP_RECIPIENT_ALLOWLIST: '@gitdate\\.ink$',
    });
    await vi.waitFor(
      () => {
        expect(backend.log()).toContain('serving MCP over HTTP');
      },
      {
        timeout: 100_000,
        interval: 200,
      },
    );
    const created = execFileSync(
      process.execPath,
      ['--import', 'tsx', 'src/main.ts', 'api-key', 'create', '--tenant', 'summit-ridge', '--on-behalf-of'],
      { cwd: ROOT, env: { ...BASE_ENV, WORKONWARD_DATA_DIR: backendDir, WORKONWARD_LOG_LEVEL: 'silent' } },
    ).toString();
    const key = /wk_live_[A-Za-z0-9_-]+/.exec(created)?.[0];
    expect(key, created).toBeDefined();

    const frontPort = await freePort();
    frontUrl = `http://127.0.0.1:${frontPort}`;
    // The guide's block, values for a local run; only WORKONWARD_MCP_PORT and WORKONWARD_DATA_DIR added.
    front = serve({
      WORKONWARD_API_KEY: key ?? '',
      WORKONWARD_BASE_URL: backendUrl,
      WORKONWARD_MCP_TRANSPORT: 'http',
      WORKONWARD_MCP_AUTH: 'oauth',
      WORKONWARD_MCP_OAUTH_ISSUER: frontUrl,
      WORKONWARD_MCP_OAUTH_SIGNING_KEY: execFileSync('openssl', ['rand', '-hex', '32']).toString().trim(),
      WORKONWARD_MCP_OAUTH_ALLOWED_EMAILS: 'you@gitdate.ink',
      WORKONWARD_MCP_RECIPIENT_ALLOWLIST: '@gitdate\\.ink$',
      WORKONWARD_MCP_BEHIND_PROXY: '1',
      WORKONWARD_MCP_DRY_RUN: '1',
      WORKONWARD_MCP_PORT: String(frontPort),
      WORKONWARD_DATA_DIR: frontDir,
    });
    await vi.waitFor(
      () => {
        expect(front.log()).toContain('serving MCP over HTTP');
      },
      {
        timeout: 100_000,
        interval: 200,
      },
    );
  }, 240_000);

  afterAll(async () => {
    for (const { child } of [front, backend]) if (child.exitCode === null) child.kill('SIGKILL');
    await smtp.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('starts without WORKONWARD_SMTP_URL, serves the metadata the guide curls, and /readyz names the backend', async () => {
    const metadata = await fetch(`${frontUrl}/.well-known/oauth-authorization-server`);
    expect(metadata.status).toBe(200);
    expect(((await metadata.json()) as { issuer: string }).issuer).toBe(frontUrl);
    const ready = await fetch(`${frontUrl}/readyz`);
    expect(await ready.json()).toEqual({ status: 'ready', backend: 'remote', backend_url: backendUrl });
  });

  it('backend killed: /readyz on the front answers 503 and says the backend is unreachable', async () => {
    backend.child.kill('SIGKILL');
    await new Promise((resolve) => backend.child.once('exit', resolve));
    await vi.waitFor(
      async () => {
        const ready = await fetch(`${frontUrl}/readyz`);
        expect(ready.status).toBe(503);
        expect(((await ready.json()) as { reason: string }).reason).toMatch(
          /^backend: .*unreachable \(ECONNREFUSED\)/,
        );
      },
      { timeout: 15_000, interval: 500 },
    );
  });
});
