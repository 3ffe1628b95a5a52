import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestServer, type TestServer } from './support/server.js';
import { availableDialects } from './support/stores.js';
import { type StreamText, streamText } from './support/stream-text.js';

/** Health and readiness probes, and a SIGTERM that lets the request in flight finish. */
const dialects = await availableDialects();
const ROOT = path.resolve(import.meta.dirname, '..');

describe.each(dialects)('health probes on %s', (dialect) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ dialect });
  });
  afterAll(async () => {
    // The store was closed by a test; closing it again may throw, the rest must still stop.
    await server.stop().catch(() => undefined);
  });

  it('/healthz answers 200 while the process is up', async () => {
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('/readyz answers 200 while the store answers, naming the backend', async () => {
    const response = await fetch(`${server.url}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ready', backend: 'embedded' });
  });

  it('/readyz answers 503 with Retry-After once the store is closed, while /healthz stays 200', async () => {
    await server.runtime.store.close();
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(ready.headers.get('retry-after')).toBe('5');
    expect(await ready.json()).toMatchObject({ status: 'unavailable' });
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
  });
});

async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise<void>((resolve) =>
    probe.close(() => {
      resolve();
    }),
  );
  return port;
}

function connectable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      resolve(false);
    });
  });
}

describe('graceful shutdown of the CLI server', () => {
  let dir: string;
  let port: number;
  let child: ChildProcessWithoutNullStreams;
  let stderr: StreamText;
  let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'workonward-lifecycle-'));
    port = await freePort();
    child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        WORKONWARD_ENV: 'development',
        WORKONWARD_MCP_TRANSPORT: 'http',
        WORKONWARD_MCP_AUTH: 'none',
        WORKONWARD_MCP_HOST: '127.0.0.1',
        WORKONWARD_MCP_PORT: String(port),
        WORKONWARD_MCP_TENANT: 'summit-ridge',
        WORKONWARD_DATA_DIR: dir,
        WORKONWARD_LOG_LEVEL: 'info',
      },
    });
    stderr = streamText(child.stderr);
    exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        resolve({ code, signal });
      }),
    );
    await stderr.until('serving MCP over HTTP', 100_000);
  }, 120_000);

  afterAll(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('finishes the request in flight at SIGTERM, refuses new connections, and exits 0', async () => {
    const body = JSON.stringify({
      jsonrpc: '2.0',
      id: 7,
      method: 'tools/call',
      params: { name: 'bids.list', arguments: { status: 'negotiation', min_days_in_status: 14 } },
    });
    const split = Math.floor(body.length / 2);
    // A request whose body is still arriving is in flight for as long as the client takes; the
    // client keeps its connection alive, so the server must close it once the answer is sent.
    const request = http.request({
      host: '127.0.0.1',
      port,
      path: '/mcp',
      method: 'POST',
      agent: new http.Agent({ keepAlive: true }),
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-protocol-version': '2025-11-25',
        'content-length': Buffer.byteLength(body),
        // The server answers 100 Continue once it has parsed the headers: from then on the
        // request is in flight there. The test waits for that answer instead of sleeping.
        expect: '100-continue',
      },
    });
    const inFlight = new Promise<void>((resolve) =>
      request.once('continue', () => {
        resolve();
      }),
    );
    const answered = new Promise<{ status: number; text: string }>((resolve, reject) => {
      request.on('response', (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => {
          resolve({ status: response.statusCode ?? 0, text });
        });
      });
      request.on('error', reject);
    });
    request.flushHeaders();
    await inFlight;
    request.write(body.slice(0, split));

    child.kill('SIGTERM');
    await stderr.until('shutting down: finishing in-flight requests', 10_000);
    await vi.waitFor(
      async () => {
        expect(await connectable(port)).toBe(false);
      },
      { timeout: 5_000, interval: 50 },
    );
    expect(child.exitCode).toBeNull();

    request.end(body.slice(split));
    const response = await answered;
    expect(response.status).toBe(200);
    expect(response.text).toContain('"id":7');
    expect(response.text).toContain('#123');
    expect(response.text).not.toContain('isError');

    const started = Date.now();
    const { code, signal } = await exited;
    expect(signal).toBeNull();
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(5_000);
  }, 60_000);
});

describe('the stdio server', () => {
  it('exits 0 when the client closes its stdin, even with the outbox worker running', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'workonward-stdio-exit-'));
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '',
          WORKONWARD_ENV: 'development',
          WORKONWARD_MCP_TENANT: 'summit-ridge',
          WORKONWARD_DATA_DIR: dir,
          WORKONWARD_LOG_LEVEL: 'info',
        },
      });
      const stderr = streamText(child.stderr);
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      await stderr.until('serving MCP on stdio', 100_000);
      child.stdin.end();
      expect(await exited).toBe(0);
      expect(stderr.text()).toContain('stdin closed');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
