import { createServer, type Server, type Socket } from 'node:net';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { createApiKey, listApiKeys, revokeApiKey } from '../../src/domain/api-keys/api-keys.js';
import { listAudit } from '../../src/domain/audit/audit-log.js';
import { checkBackend } from '../../src/ports/remote/check-backend.js';
import { READY_CACHE_MS } from '../../src/ports/remote/remote-backend.js';
import { ManualClock } from '../support/clock.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { startTestSmtpServer, type TestSmtpServer } from '../support/smtp.js';
import { startToolServer, type ToolServer } from '../support/tool-server.js';

/**
 * Remote backend mode (issue 7 item 2): a front with WORKONWARD_BASE_URL + WORKONWARD_API_KEY
 * serves every tool from the backend's /api/v1. What is particular to it: the front's own
 * dry-run and allowlist, Idempotency-Key passed through, the backend failing in each way (down,
 * key refused, hanging) giving a tool error with a hint and a /readyz that says why.
 */
interface Result {
  isError?: boolean;
  content: { type: string; text?: string }[];
  structuredContent?: unknown;
}

const ALLOW = { WORKONWARD_MCP_RECIPIENT_ALLOWLIST: '@gitdate\\.ink$', WORKONWARD_MAIL_POLL_MS: '50' };
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function connect(url: string): Promise<Client> {
  const client = new Client({ name: 'remote-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL('/mcp', url)));
  await client.listTools();
  cleanups.push(() => client.close());
  return client;
}

const call = async (client: Client, name: string, args: Record<string, unknown>) =>
  (await client.callTool({ name, arguments: args })) as Result;
const text = (result: Result) => result.content.map((c) => c.text ?? '').join('\n');
const readyz = async (url: string) => {
  const response = await fetch(`${url}/readyz`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

/** The backend's outbox rows with this subject (the store behind `runtime`, which owns the data). */
const outboxRows = (server: ToolServer, subject: string) =>
  server.runtime.store.db
    .selectFrom('mail_outbox')
    .select(['id', 'status'])
    .where('subject', '=', subject)
    .execute();

/** A second front over `backend` with its own settings (and its own key for summit-ridge). */
async function frontOf(
  backend: TestServer,
  env: Record<string, string>,
): Promise<{ front: TestServer; client: Client }> {
  const { key } = await createApiKey(backend.runtime.store.db, backend.runtime.clock, {
    tenantSlug: 'summit-ridge',
    onBehalfOf: true,
    createdBy: 'test',
  });
  const front = await startTestServer({
    env: { ...env, WORKONWARD_BASE_URL: backend.url, WORKONWARD_API_KEY: key },
  });
  cleanups.push(() => front.stop());
  return { front, client: await connect(front.url) };
}

describe('a front over a live backend', () => {
  let smtp: TestSmtpServer;
  let server: ToolServer;
  let client: Client;
  beforeAll(async () => {
    smtp = await startTestSmtpServer();
    cleanups.push(() => smtp.close());
    server = await startToolServer({
      backend: 'remote',
      env: { ...ALLOW, WORKONWARD_SMTP_URL: smtp.url },
    });
    cleanups.push(() => server.stop());
    client = await connect(server.url);
  });

  it('keeps no CRM data of its own: every answer comes from the backend', async () => {
    const front = server.front!.runtime.store.db;
    expect(await front.selectFrom('projects').select('id').execute()).toEqual([]);
    // Its one tenant is the key's account, mirrored (so its audit log exports under that slug).
    const { tenant } = await server.front!.runtime.backendAccount!.account();
    expect(await front.selectFrom('tenants').select(['id', 'slug', 'name']).execute()).toEqual([
      { id: tenant.id, slug: 'summit-ridge', name: 'Summit Ridge Builders' },
    ]);
    const result = await call(client, 'projects.list', { status: 'active' });
    expect((result.structuredContent as { projects: unknown[] }).projects.length).toBe(4);
  });

  it('/readyz names the remote backend', async () => {
    expect(await readyz(server.url)).toEqual({
      status: 200,
      body: {
        status: 'ready',
        backend: 'remote',
        backend_url: new URL(server.front!.config.ping8.baseUrl!).origin,
      },
    });
  });

  it('passes the idempotency key through: the same key twice sends one email, and both audit logs show it', async () => {
    const args = {
      to: ['person@gitdate.ink'],
      subject: 'Once',
      text: 'Only once',
      idempotency_key: 'remote-001',
    };
    const first = await call(client, 'send_email', args);
    expect(first.structuredContent).toMatchObject({ status: 'queued', replayed: false });
    const second = await call(client, 'send_email', args);
    expect(second.structuredContent).toMatchObject({ replayed: true });
    const [mail] = await smtp.waitFor(1);
    expect(mail?.envelope.to).toEqual(['person@gitdate.ink']);
    // One email, proven by state rather than a wait: the backend's outbox holds one row for it,
    // and a message is only ever sent from its own row.
    expect(await outboxRows(server, 'Once')).toHaveLength(1);
    expect(smtp.received.filter((m) => m.parsed.subject === 'Once')).toHaveLength(1);

    const tenant = (await server.front!.runtime.backendAccount!.account()).tenant.id;
    const frontAudit = await listAudit(server.front!.runtime.store.db, tenant, {
      actionPrefix: 'email.send_email',
    });
    expect(frontAudit.map((row) => row.decision).sort()).toEqual(['queued', 'replayed']);
    const backendAudit = await listAudit(server.runtime.store.db, tenant, {
      actionPrefix: 'email.send_email',
    });
    expect(backendAudit.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(backendAudit)).toContain('remote-001');
  });

  it('a CRM change is shown but not made through the front; both are audited there, with what it would change', async () => {
    const args = { bid: '#123', status: 'won', reason: 'Signed contract', idempotency_key: 'front-123' };
    const shown = (await call(client, 'bids.update_status', args)).structuredContent as { change_id: string };
    const refused = await call(client, 'bids.update_status', { ...args, change_id: shown.change_id });
    expect(refused.isError).toBe(true);
    expect(text(refused)).toContain('make this change in the backend deployment itself');
    const tenant = (await server.front!.runtime.backendAccount!.account()).tenant.id;
    const rows = await listAudit(server.front!.runtime.store.db, tenant, {
      actionPrefix: 'crm.bids.update_status',
    });
    expect(rows.map((row) => row.decision).sort()).toEqual(['proposed', 'refused']);
    for (const row of rows)
      expect(row.details).toMatchObject({
        target: { label: expect.stringContaining('#123') },
        from: 'negotiation',
        to: 'won',
        reason: 'Signed contract',
        via: 'remote front',
      });
  });

  it("the front's dry-run holds even though the backend would send", async () => {
    const { client: dry } = await frontOf(server.backend, { ...ALLOW, WORKONWARD_MCP_DRY_RUN: '1' });
    const validated = await call(dry, 'validate_recipients', { recipients: ['person@gitdate.ink'] });
    expect(validated.structuredContent).toMatchObject({ dry_run: true, all_allowed: true });
    const sent = await call(dry, 'send_email', {
      to: ['person@gitdate.ink'],
      subject: 'Dry on the front',
      text: 'Never leaves',
      idempotency_key: 'front-dry-001',
    });
    expect(sent.structuredContent).toMatchObject({ status: 'dry_run', queued: false, dry_run: true });
    expect(text(sent)).toContain('NOT SENT');
    // Never leaves: the backend recorded it as a dry run, a final status no worker ever leases.
    expect(await outboxRows(server, 'Dry on the front')).toEqual([
      { id: expect.any(String), status: 'dry_run' },
    ]);
    expect(smtp.received.filter((m) => m.parsed.subject === 'Dry on the front')).toEqual([]);
  });

  it("the front's allowlist narrows the backend's", async () => {
    const { client: narrow } = await frontOf(server.backend, {
      WORKONWARD_MCP_RECIPIENT_ALLOWLIST: '^person@gitdate\\.ink$',
    });
    const validated = await call(narrow, 'validate_recipients', {
      recipients: ['person@gitdate.ink', 'other@gitdate.ink'],
    });
    expect(validated.structuredContent).toMatchObject({
      all_allowed: false,
      recipients: [{ allowed: true }, { allowed: false, reason: expect.stringContaining('narrows') }],
    });
    const refused = await call(narrow, 'send_email', {
      to: ['other@gitdate.ink'],
      subject: 'Off the front list',
      text: 'x',
      idempotency_key: 'narrow-001',
    });
    expect(refused.isError).toBe(true);
    expect(text(refused)).toMatch(/WORKONWARD_MCP_RECIPIENT_ALLOWLIST[\s\S]*Hint:/);
  });
});

describe('a backend that fails', () => {
  it('stopped: tools answer unavailable with a retry hint, /readyz says the backend is unreachable', async () => {
    const clock = new ManualClock();
    const server = await startToolServer({ backend: 'remote', env: ALLOW, clock });
    cleanups.push(() => server.front!.stop());
    const client = await connect(server.url);
    expect((await call(client, 'projects.list', {})).isError).toBeFalsy();
    expect((await readyz(server.url)).status).toBe(200);
    await server.backend.stop();
    const result = await call(client, 'send_email', {
      to: ['person@gitdate.ink'],
      subject: 's',
      text: 't',
      idempotency_key: 'down-001',
    });
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/backend at http:\/\/127\.0\.0\.1:\d+ is unreachable \(ECONNREFUSED\)/);
    expect(text(result)).toMatch(/Hint: .*SAME idempotency_key/);
    expect((await readyz(server.url)).status).toBe(200); // the cached answer: probes are paced
    clock.advance(READY_CACHE_MS + 1);
    const ready = await readyz(server.url);
    expect(ready.status).toBe(503);
    expect(ready.body.reason).toMatch(/^backend: .*unreachable \(ECONNREFUSED\)/);
  });

  it('refusing the key (revoked): a tool error naming WORKONWARD_API_KEY, and /readyz says so', async () => {
    const clock = new ManualClock();
    const server = await startToolServer({ backend: 'remote', env: ALLOW, clock });
    cleanups.push(() => server.stop());
    const client = await connect(server.url);
    expect((await readyz(server.url)).status).toBe(200);
    const [key] = await listApiKeys(server.runtime.store.db, 'summit-ridge');
    await revokeApiKey(server.runtime.store.db, server.runtime.clock, key!.id, { label: 'test' });
    const result = await call(client, 'projects.list', {});
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(
      /refused this server's API key \(WORKONWARD_API_KEY\)[\s\S]*Hint: .*retrying will not help/,
    );
    clock.advance(READY_CACHE_MS + 1);
    const ready = await readyz(server.url);
    expect(ready.status).toBe(503);
    expect(ready.body.reason).toMatch(/WORKONWARD_API_KEY/);
    const check = await checkBackend(server.front!.config);
    expect(check).toMatchObject({ ok: false, fix: expect.stringContaining('api-key create') });
  });

  it('hanging: the call is abandoned after the timeout (retried once), never a hang', async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    cleanups.push(
      () =>
        new Promise((resolve) => {
          for (const socket of sockets) socket.destroy();
          silent.close(resolve);
        }),
    );
    const port = (silent.address() as { port: number }).port;
    const env = {
      ...ALLOW,
      WORKONWARD_BASE_URL: `http://127.0.0.1:${port}`,
      WORKONWARD_API_KEY: 'wk_live_unused',
      WORKONWARD_BACKEND_TIMEOUT_MS: '300',
    };
    let started = performance.now();
    const check = await checkBackend(
      loadConfig({ WORKONWARD_ENV: 'development', WORKONWARD_MCP_TRANSPORT: 'http', ...env }),
    );
    expect(check).toMatchObject({ ok: false, detail: expect.stringMatching(/did not answer within 300 ms/) });
    expect(performance.now() - started).toBeLessThan(2000);
    // With WORKONWARD_MCP_AUTH=none the front needs the key's account to start: it says why it cannot.
    started = performance.now();
    await expect(startTestServer({ env })).rejects.toThrow(/did not answer within 300 ms/);
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});

describe('configuration of remote backend mode', () => {
  const base = {
    WORKONWARD_ENV: 'production',
    WORKONWARD_MCP_TRANSPORT: 'http',
    WORKONWARD_MCP_AUTH: 'oauth',
    WORKONWARD_MCP_OAUTH_ISSUER: 'https://mcp.gitdate.ink',
    WORKONWARD_MCP_OAUTH_SIGNING_KEY: '8f3a1c9e2b7d4f6a0e5c3b1d9f7a2e4c6b8d0f1a3c5e7b9d2f4a6c8e0b1d3f5a',
    WORKONWARD_MCP_RECIPIENT_ALLOWLIST: '@gitdate\\.ink$',
    WORKONWARD_MCP_DRY_RUN: '1',
  };
  const problems = (env: Record<string, string>) => {
    try {
      loadConfig({ ...base, ...env });
      return '';
    } catch (error) {
      return (error as Error).message;
    }
  };

  it('needs no WORKONWARD_SMTP_URL in production when the backend delivers the mail', () => {
    expect(problems({})).toMatch(/WORKONWARD_SMTP_URL: required in production/);
    expect(
      problems({ WORKONWARD_BASE_URL: 'https://mail.gitdate.ink', WORKONWARD_API_KEY: 'wk_live_x' }),
    ).toBe('');
  });

  it('refuses a plain-http backend off loopback, and one half of the pair', () => {
    expect(
      problems({ WORKONWARD_BASE_URL: 'http://mail.gitdate.ink', WORKONWARD_API_KEY: 'wk_live_x' }),
    ).toMatch(/WORKONWARD_BASE_URL: must be https/);
    expect(problems({ WORKONWARD_BASE_URL: 'http://127.0.0.1:8080', WORKONWARD_API_KEY: 'wk_live_x' })).toBe(
      '',
    );
    expect(problems({ WORKONWARD_BASE_URL: 'https://mail.gitdate.ink' })).toMatch(
      /WORKONWARD_API_KEY: required with WORKONWARD_BASE_URL/,
    );
  });
});
