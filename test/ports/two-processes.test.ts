import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { bundleCli } from '../cluster/support/instance.js';
import { UserAgent } from '../oauth/support/user-agent.js';
import { startTestSmtpServer, type TestSmtpServer } from '../support/smtp.js';
import { startTlsProxy, type TlsProxy } from '../support/tls-proxy.js';
import { trustCertificateFor } from '../support/trusting-fetch.js';
import { ChatGptConnector, signInAndAllow } from './support/chatgpt-connector.js';
import { cliCommand, freePort, guideBlock, serve, type ServerProcess } from './support/guide-processes.js';

/**
 * Issue 7 "Done when": two real server processes. A backend over its embedded store with a real
 * SMTP catcher, and a front started with exactly the PING8 guide's export block (issuer and base
 * URL of a local run, the key made by the backend's CLI; only port and data directory added),
 * behind HAProxy terminating TLS (deploy/haproxy-tls.cfg). Then the guide, step by step: the
 * metadata curl, ChatGPT's OAuth (DCR, PKCE, the code mailed through the backend, consent), the
 * Safe First Prompt, the dry-run send, the block re-run with dry-run off (a new signing key) and
 * the connector reconnecting, `chatgpt-smoke-001` twice = one email; then the backend stopped
 * mid-way. The steps share one deployment, so they run in order.
 */
const YOU = 'you@gitdate.ink';
const PERSON = 'person@gitdate.ink';
const SCOPES = ['email:preview', 'email:send'];

interface ToolResult {
  isError?: boolean;
  content: { type: string; text?: string }[];
  structuredContent?: Record<string, unknown>;
}

describe('the PING8 guide, pasted: a front over a backend process, behind TLS', { timeout: 90_000 }, () => {
  const dirs: string[] = [];
  let cli: string;
  let smtp: TestSmtpServer;
  let proxy: TlsProxy;
  let restoreFetch: () => void;
  let backend: ServerProcess;
  let front: ServerProcess;
  let startBackend: () => Promise<void>;
  let startFront: (dryRun: '0' | '1') => Promise<void>;
  let backendDir: string;
  let frontDir: string;
  let backendUrl: string;
  /** The front's remote backend variables: with them the CLI reads the front's own store. */
  let frontRemote: Record<string, string>;
  const connector = new ChatGptConnector();
  let client: Client;

  /** Sign-in codes and sends all reach the backend's SMTP catcher: the front has none. */
  const mailTo = (address: string) => smtp.received.filter((mail) => mail.envelope.to.includes(address));
  const codeMailedTo = async (address: string, since: number) => {
    const mails = await smtp.waitForMailTo(address, since + 1, 20_000);
    const code = /sign-in code is (\d{8})/.exec(mails.at(-1)?.parsed.text ?? '')?.[1];
    if (code === undefined) throw new Error('no sign-in code in the mail');
    return code;
  };
  const call = async (name: string, args: Record<string, unknown>) =>
    (await client.callTool({ name, arguments: args })) as ToolResult;
  const text = (result: ToolResult) => result.content.map((c) => c.text ?? '').join('\n');
  const readyz = async () => {
    const response = await fetch(`${proxy.url}/readyz`);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  /** ChatGPT connecting: the SDK's discovery and registration, the person in the browser, the code exchange. */
  const connect = async () => {
    const mcpUrl = new URL('/mcp', proxy.url);
    connector.authorizationUrl = undefined;
    const attempt = new Client({ name: 'chatgpt', version: '1.0.0' });
    await expect(
      attempt.connect(new StreamableHTTPClientTransport(mcpUrl, { authProvider: connector })),
    ).rejects.toThrow(/Unauthorized/);
    const authorizationUrl = connector.authorizationUrl as URL | undefined;
    expect(authorizationUrl?.origin).toBe(proxy.url);
    expect(authorizationUrl?.searchParams.get('code_challenge_method')).toBe('S256');
    const since = mailTo(YOU).length;
    const allowed = await signInAndAllow(new UserAgent(proxy.url), authorizationUrl!, {
      email: YOU,
      scopes: SCOPES,
      readCode: () => codeMailedTo(YOU, since),
    });
    const transport = new StreamableHTTPClientTransport(mcpUrl, { authProvider: connector });
    await transport.finishAuth(allowed.callback);
    client = new Client({ name: 'chatgpt', version: '1.0.0' });
    await client.connect(transport);
    return allowed;
  };
  /** The audit log of `dataDir`'s store, as `audit export` prints it, for the email tools. */
  const emailAudit = (dataDir: string, env: Record<string, string> = {}) =>
    cliCommand(cli, dataDir, ['audit', 'export', '--tenant', 'summit-ridge'], env)
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { action: string; decision: string; details?: unknown })
      .filter((entry) => entry.action.startsWith('email.send_email'));

  beforeAll(async () => {
    cli = await bundleCli();
    smtp = await startTestSmtpServer();
    backendDir = mkdtempSync(path.join(tmpdir(), 'wk-backend-'));
    frontDir = mkdtempSync(path.join(tmpdir(), 'wk-front-'));
    dirs.push(backendDir, frontDir);
    const backendPort = await freePort();
    backendUrl = `http://127.0.0.1:${backendPort}`;
    startBackend = async () => {
      backend = serve(cli, {
        WORKONWARD_ENV: 'development',
        WORKONWARD_MCP_TRANSPORT: 'http',
        WORKONWARD_MCP_AUTH: 'none',
        WORKONWARD_MCP_TENANT: 'summit-ridge',
        WORKONWARD_MCP_PORT: String(backendPort),
        WORKONWARD_DATA_DIR: backendDir,
        WORKONWARD_SMTP_URL: smtp.url,
        WORKONWARD_MCP_RECIPIENT_ALLOWLIST: '@gitdate\\.ink$',
        WORKONWARD_MAIL_POLL_MS: '50',
      });
      await backend.started();
    };
    await startBackend();
    const created = cliCommand(cli, backendDir, [
      'api-key',
      'create',
      '--tenant',
      'summit-ridge',
      '--on-behalf-of',
    ]);
    const apiKey = /wk_live_[A-Za-z0-9_-]+/.exec(created)?.[0] ?? '';
    expect(apiKey, created).not.toBe('');
    frontRemote = { WORKONWARD_BASE_URL: backendUrl, WORKONWARD_API_KEY: apiKey };

    const frontPort = await freePort();
    proxy = await startTlsProxy({ port: await freePort(), upstream: `127.0.0.1:${frontPort}` });
    restoreFetch = trustCertificateFor(proxy.url, proxy.ca);
    startFront = async (dryRun) => {
      front = serve(cli, {
        ...guideBlock({ apiKey, baseUrl: backendUrl, issuer: proxy.url, dryRun }),
        WORKONWARD_MCP_PORT: String(frontPort),
        WORKONWARD_DATA_DIR: frontDir,
      });
      await front.started();
    };
    await startFront('1');
  }, 240_000);

  afterAll(async () => {
    await client?.close();
    restoreFetch?.();
    await front?.kill();
    await backend?.kill();
    await proxy?.stop();
    await smtp?.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it("starts without WORKONWARD_SMTP_URL; the guide's curl of the metadata works over TLS", async () => {
    const metadata = JSON.parse(
      execFileSync('curl', [
        '-fsSL',
        '--cacert',
        proxy.caFile,
        `${proxy.url}/.well-known/oauth-authorization-server`,
      ]).toString(),
    ) as Record<string, unknown>;
    expect(metadata.issuer).toBe(proxy.url);
    expect(metadata.registration_endpoint).toBe(`${proxy.url}/oauth/register`);
    expect(metadata.code_challenge_methods_supported).toEqual(['S256']);
    expect(await readyz()).toEqual({
      status: 200,
      body: { status: 'ready', backend: 'remote', backend_url: backendUrl },
    });
  });

  it('ChatGPT connects as you@gitdate.ink: DCR, PKCE, the code mailed through the backend, consent', async () => {
    const { consentPage } = await connect();
    expect(connector.registrations).toBe(1);
    expect(connector.clientInformation()?.client_secret).toBeTruthy();
    // The code went out through the backend's mail: its SMTP server is the only one there is.
    expect(mailTo(YOU)).toHaveLength(1);
    expect(mailTo(YOU)[0]?.envelope.to).toEqual([YOU]);
    // The front acts in the key's account: consent names it, with nothing to choose.
    expect(consentPage).toContain('Summit Ridge Builders');
    const names = (await client.listTools()).tools.map((tool) => tool.name);
    expect(names).toEqual(expect.arrayContaining(['validate_recipients', 'preview_send', 'send_email']));
    expect(names).not.toContain('send_batch_email');
  });

  it('Safe First Prompt: validate person@gitdate.ink and blocked@example.com, preview one email, send nothing', async () => {
    const validated = await call('validate_recipients', { recipients: [PERSON, 'blocked@example.com'] });
    expect(validated.isError).toBeFalsy();
    expect(validated.structuredContent).toMatchObject({
      dry_run: true,
      all_allowed: false,
      recipients: [
        { allowed: true },
        { allowed: false, reason: expect.stringContaining('does not match the recipient allowlist') },
      ],
    });
    const preview = await call('preview_send', { to: [PERSON], subject: 'Hello', text: 'First test' });
    expect(preview.isError, text(preview)).toBeFalsy();
    expect(preview.structuredContent).toMatchObject({ dry_run: true });
    expect(mailTo(PERSON)).toEqual([]);
  });

  const smoke = {
    to: [PERSON],
    subject: 'PING8 smoke',
    text: 'One email.',
    idempotency_key: 'chatgpt-smoke-001',
  };

  it('the dry-run send with chatgpt-smoke-001 answers NOT SENT, is audited, and queues nothing', async () => {
    const sent = await call('send_email', smoke);
    expect(sent.isError, text(sent)).toBeFalsy();
    expect(sent.structuredContent).toMatchObject({ status: 'dry_run', queued: false, dry_run: true });
    expect(text(sent)).toContain('NOT SENT');
    const status = await call('get_send_status', { idempotency_key: 'chatgpt-smoke-001' });
    expect(status.structuredContent?.messages).toEqual([expect.objectContaining({ status: 'dry_run' })]);
    expect(emailAudit(frontDir, frontRemote).map((entry) => entry.decision)).toEqual(['dry_run']);
    expect(mailTo(PERSON)).toEqual([]);
  });

  it('the block re-run with WORKONWARD_MCP_DRY_RUN=0 (a new signing key) starts, and ChatGPT reconnects', async () => {
    await front.stop();
    await startFront('0');
    expect(front.log()).toContain('"event":"oauth.signing_key_changed"');
    // ChatGPT's registration (a client secret) did not survive the key change: the SDK is told
    // invalid_client, registers again on its own, and the person signs in and allows again.
    await connect();
    expect(connector.registrations).toBe(2);
    expect(mailTo(YOU)).toHaveLength(2);
    expect((await readyz()).status).toBe(200);
  });

  it('chatgpt-smoke-001 sent twice delivers exactly one email, to exactly person@gitdate.ink; both audit logs show it', async () => {
    const first = await call('send_email', smoke);
    expect(first.structuredContent, text(first)).toMatchObject({ status: 'queued', replayed: false });
    const second = await call('send_email', smoke);
    expect(second.structuredContent, text(second)).toMatchObject({ replayed: true });
    await vi.waitFor(
      async () => {
        const status = await call('get_send_status', { idempotency_key: 'chatgpt-smoke-001' });
        expect(status.structuredContent?.messages).toContainEqual(
          expect.objectContaining({ status: 'sent' }),
        );
      },
      { timeout: 20_000, interval: 200 },
    );
    const delivered = smtp.received.filter((mail) => mail.parsed.subject === 'PING8 smoke');
    expect(delivered.map((mail) => mail.envelope.to)).toEqual([[PERSON]]);
    expect(emailAudit(frontDir, frontRemote).map((entry) => entry.decision)).toEqual([
      'dry_run',
      'queued',
      'replayed',
    ]);
    const backendAudit = emailAudit(backendDir);
    // The front passed the dry run on as one, and the backend recorded it as such.
    expect(backendAudit.map((entry) => entry.decision)).toEqual(['dry_run', 'queued', 'replayed']);
    expect(JSON.stringify(backendAudit)).toContain('chatgpt-smoke-001');
  });

  it('backend stopped mid-way: a clear tool error, /readyz says why, and nothing is sent twice once it is back', async () => {
    await backend.kill();
    const again = { ...smoke, subject: 'PING8 smoke 2', idempotency_key: 'chatgpt-smoke-002' };
    const refused = await call('send_email', again);
    expect(refused.isError).toBe(true);
    expect(text(refused)).toMatch(/backend at http:\/\/127\.0\.0\.1:\d+ is unreachable \(ECONNREFUSED\)/);
    expect(text(refused)).toMatch(/Hint: .*SAME idempotency_key/);
    await vi.waitFor(
      async () => {
        const ready = await readyz();
        expect(ready.status).toBe(503);
        expect(ready.body.reason).toMatch(/^backend: .*unreachable \(ECONNREFUSED\)/);
      },
      { timeout: 15_000, interval: 500 },
    );

    await startBackend();
    await vi.waitFor(
      async () => {
        expect((await readyz()).status).toBe(200);
      },
      { timeout: 15_000 },
    );
    // The model retries with the same key, and repeats the first send too: one new email in all.
    expect((await call('send_email', again)).structuredContent).toMatchObject({
      status: 'queued',
      replayed: false,
    });
    expect((await call('send_email', again)).structuredContent).toMatchObject({ replayed: true });
    expect((await call('send_email', smoke)).structuredContent).toMatchObject({ replayed: true });
    await vi.waitFor(
      async () => {
        const status = await call('get_send_status', { idempotency_key: 'chatgpt-smoke-002' });
        expect(status.structuredContent?.messages).toEqual([expect.objectContaining({ status: 'sent' })]);
      },
      { timeout: 20_000, interval: 200 },
    );
    // Barrier: the backend shut down gracefully holds nothing more to send.
    await backend.stop();
    const outbox = new Database(path.join(backendDir, 'workonward.sqlite'), { readonly: true });
    const waiting = outbox
      .prepare("SELECT id FROM mail_outbox WHERE status IN ('queued', 'sending', 'failed')")
      .all();
    outbox.close();
    expect(waiting).toEqual([]);
    const delivered = smtp.received.filter((mail) => mail.parsed.subject?.startsWith('PING8 smoke'));
    expect(delivered.map((mail) => [mail.parsed.subject, mail.envelope.to])).toEqual([
      ['PING8 smoke', [PERSON]],
      ['PING8 smoke 2', [PERSON]],
    ]);
  });
});
