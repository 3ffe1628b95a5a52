import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult } from '../../src/cli/doctor/doctor-check.js';
import { proxyCheck } from '../../src/cli/doctor/proxy-check.js';
import { loadConfig } from '../../src/config/load.js';
import { ALL_SCOPES } from '../../src/domain/scopes.js';
import type { Store } from '../../src/store/open-store.js';
import { bundleCli } from '../cluster/support/instance.js';
import { freePort, serve, type ServerProcess } from '../ports/support/guide-processes.js';
import { startTlsProxy, type TlsProxy } from '../support/tls-proxy.js';
import { trustCertificateFor } from '../support/trusting-fetch.js';

/**
 * Issue 7: doctor's `proxy` check asks the running server what it saw of doctor's own request
 * (`GET /healthz/forwarded`) through the public issuer, and compares. Real server processes (the
 * bundled CLI), HAProxy running deploy/haproxy-tls.cfg in front of them (as written, or with one
 * known misconfiguration edited in), and a server asked directly with no proxy at all.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const FORWARD_FOR = '    option forwardfor\n';
const SET_PROTO = '    http-request set-header X-Forwarded-Proto https\n';

interface Deployment {
  readonly port: number;
  /** The environment it runs with, which doctor's shell shares unless a test says otherwise. */
  readonly env: Record<string, string>;
}

describe('doctor proxy: what the server saw, through HAProxy and directly', { timeout: 120_000 }, () => {
  const dirs: string[] = [];
  const servers: ServerProcess[] = [];
  let cli: string;
  let publicPort: number;
  let issuer: string;
  /** BEHIND_PROXY=1, issuer https://localhost:publicPort: the guide's deployment. */
  let trusting: Deployment;
  /** BEHIND_PROXY=0, a loopback http issuer: a local run with no proxy. */
  let plain: Deployment;
  /** BEHIND_PROXY=1 with a loopback http issuer: the guide's block pasted for a local run. */
  let local: Deployment;
  let proxy: TlsProxy | undefined;
  let restoreFetch: (() => void) | undefined;

  /** One server process started with `env` (given its port) on a fresh data directory. */
  async function startServer(env: (port: number) => Record<string, string>): Promise<Deployment> {
    const port = await freePort();
    const dataDir = mkdtempSync(path.join(tmpdir(), 'wk-doctor-proxy-'));
    dirs.push(dataDir);
    const full = {
      WORKONWARD_MCP_TRANSPORT: 'http',
      WORKONWARD_MCP_AUTH: 'oauth',
      WORKONWARD_MCP_OAUTH_SIGNING_KEY: randomBytes(32).toString('hex'),
      WORKONWARD_MCP_OAUTH_ALLOWED_EMAILS: 'you@gitdate.ink',
      // Production requires one; nobody signs in here, so nothing is ever sent to it.
      WORKONWARD_SMTP_URL: 'smtp://127.0.0.1:1',
      WORKONWARD_MCP_PORT: String(port),
      WORKONWARD_DATA_DIR: dataDir,
      ...env(port),
    };
    servers.push(serve(cli, full));
    return { port, env: full };
  }

  /** HAProxy on the issuer's port in front of `upstream`, trusted by this process's fetch. */
  async function proxyTo(port: number, edit?: (config: string) => string) {
    proxy = await startTlsProxy({ port: publicPort, upstream: `127.0.0.1:${port}`, ...(edit && { edit }) });
    restoreFetch = trustCertificateFor(issuer, proxy.ca);
  }

  /** doctor's proxy check as run in the shell of `env` (the server's own, unless a test says otherwise). */
  const check = (env: Record<string, string>, url = env.WORKONWARD_MCP_OAUTH_ISSUER ?? '') =>
    proxyCheck.run({
      config: loadConfig(env),
      url,
      scopes: ALL_SCOPES,
      store: undefined as unknown as Store, // the proxy check reads no store
      timeoutMs: 10_000,
      nodeVersion: process.versions.node,
    });

  beforeAll(async () => {
    cli = await bundleCli();
    publicPort = await freePort();
    issuer = `https://localhost:${publicPort}`;
    trusting = await startServer(() => ({
      WORKONWARD_MCP_OAUTH_ISSUER: issuer,
      WORKONWARD_MCP_BEHIND_PROXY: '1',
    }));
    plain = await startServer((port) => ({ WORKONWARD_MCP_OAUTH_ISSUER: `http://127.0.0.1:${port}` }));
    local = await startServer((port) => ({
      WORKONWARD_MCP_OAUTH_ISSUER: `http://127.0.0.1:${port}`,
      WORKONWARD_MCP_BEHIND_PROXY: '1',
    }));
    await Promise.all(servers.map((server) => server.started()));
  }, 240_000);

  afterEach(async () => {
    restoreFetch?.();
    restoreFetch = undefined;
    await proxy?.stop();
    proxy = undefined;
  });

  afterAll(async () => {
    for (const server of servers) await server.kill();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('deploy/haproxy-tls.cfg in front of BEHIND_PROXY=1: pass; the server saw both headers and derived the issuer', async () => {
    await proxyTo(trusting.port);
    const result = await check(trusting.env);
    expect(result).toMatchObject({
      status: 'pass',
      observed: {
        behind_proxy: true,
        headers_seen: ['x-forwarded-for', 'x-forwarded-proto'],
        origin: issuer,
      },
    });
    expect(result.detail).toContain(`through ${issuer}`);
    // Presence only: neither the address a client claims nor the one the proxy appends comes back.
    const answer = await fetch(`${issuer}/healthz/forwarded`, {
      headers: { 'x-forwarded-for': '203.0.113.7' },
    });
    expect(answer.headers.get('cache-control')).toBe('no-store');
    const body = await answer.text();
    expect(body).not.toMatch(/203\.0\.113\.7|127\.0\.0\.1/);
    expect(JSON.parse(body)).toEqual(result.observed);
  });

  it('the same proxy in front of BEHIND_PROXY=0: fail with the guide symptom and WORKONWARD_MCP_BEHIND_PROXY=1 as the fix', async () => {
    await proxyTo(plain.port);
    // The shell that runs doctor has the https issuer; the server runs without BEHIND_PROXY.
    const result = await check({ ...plain.env, WORKONWARD_MCP_OAUTH_ISSUER: issuer });
    expect(result).toMatchObject({
      status: 'fail',
      symptom: 'OAuth fails (verify issuer, HTTPS, metadata endpoints, and allowed login email)',
      fix: expect.stringContaining('set WORKONWARD_MCP_BEHIND_PROXY=1'),
      observed: { behind_proxy: false, origin: `http://localhost:${publicPort}` },
    });
    expect(result.detail).toContain('every client looks like the proxy');
  });

  it('a proxy that sends only Forwarded (no X-Forwarded-*) in front of BEHIND_PROXY=1: fail, naming the headers to set', async () => {
    await proxyTo(trusting.port, (config) =>
      config
        .replace(FORWARD_FOR, '')
        .replace(SET_PROTO, '    http-request set-header Forwarded "for=%[src];proto=https"\n'),
    );
    const result = await check(trusting.env);
    expect(result).toMatchObject({
      status: 'fail',
      fix: expect.stringContaining('X-Forwarded-For'),
      observed: { behind_proxy: true, headers_seen: ['forwarded'] },
    });
    expect(result.detail).toContain('only Forwarded, which this server does not read');
  });

  it('a proxy that sets no X-Forwarded-Proto: the server derives http://…, not the issuer: fail', async () => {
    await proxyTo(trusting.port, (config) => config.replace(SET_PROTO, ''));
    const result = await check(trusting.env);
    expect(result).toMatchObject({
      status: 'fail',
      fix: expect.stringContaining('X-Forwarded-Proto'),
      observed: { headers_seen: ['x-forwarded-for'], origin: `http://localhost:${publicPort}` },
    });
    expect(result.detail).toContain(`arrive as http://localhost:${publicPort}`);
  });

  it('a proxy that rewrites Host: fail, the connector symptom (the MCP endpoint answers only the issuer host)', async () => {
    await proxyTo(trusting.port, (config) =>
      config.replace(SET_PROTO, `${SET_PROTO}    http-request set-header Host backend.internal:8787\n`),
    );
    const result = await check(trusting.env);
    expect(result).toMatchObject({
      status: 'fail',
      symptom: 'Connector cannot be added',
      fix: expect.stringContaining('Host'),
      observed: { origin: 'https://backend.internal:8787' },
    });
  });

  it('no proxy, BEHIND_PROXY=0, asked directly at its loopback issuer: pass', async () => {
    const result = await check(plain.env);
    expect(result).toMatchObject({
      status: 'pass',
      observed: { behind_proxy: false, headers_seen: [], origin: `http://127.0.0.1:${plain.port}` },
    });
    expect(result.detail).toMatch(/^no proxy/);
  });

  it('no proxy but BEHIND_PROXY=1 (the guide block on a local run): warn, forwarded headers trusted from anyone', async () => {
    const result = await check(local.env);
    expect(result).toMatchObject({
      status: 'warn',
      fix: expect.stringContaining('unset WORKONWARD_MCP_BEHIND_PROXY'),
      observed: { behind_proxy: true, headers_seen: [] },
    });
    expect(result.detail).toContain('the request reached the server directly');
  });

  it('--url past the proxy: the configuration is judged, with the server’s own BEHIND_PROXY; a shell that differs is named', async () => {
    const direct = `http://127.0.0.1:${trusting.port}`;
    expect(await check(trusting.env, direct)).toMatchObject({
      status: 'pass',
      detail: expect.stringContaining(`asked at ${direct}, not through the issuer`),
    });
    const shell: CheckResult = await check({ ...trusting.env, WORKONWARD_MCP_BEHIND_PROXY: '0' }, direct);
    expect(shell.status).toBe('pass');
    expect(shell.detail).toContain("the running server's value counts");
  });

  it('`doctor --json` through the proxy carries the server’s answer under the proxy check', async () => {
    await proxyTo(trusting.port);
    const run = spawnSync(process.execPath, [cli, 'doctor', '--json'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        ...trusting.env,
        WORKONWARD_LOG_LEVEL: 'silent',
        NODE_EXTRA_CA_CERTS: proxy!.caFile,
      },
      encoding: 'utf8',
    });
    const report = JSON.parse(run.stdout) as { checks: CheckResult[]; failures: number };
    expect(run.status).toBe(report.failures);
    expect(report.checks.find((c) => c.id === 'proxy')).toMatchObject({
      status: 'pass',
      observed: {
        behind_proxy: true,
        headers_seen: ['x-forwarded-for', 'x-forwarded-proto'],
        origin: issuer,
      },
    });
    // The same proxy serves the metadata the issuer names: both checks agree.
    expect(report.checks.find((c) => c.id === 'metadata')?.status).toBe('pass');
  });
});
