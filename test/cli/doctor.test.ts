import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  allowlistCheck,
  dryRunCheck,
  issuerCheck,
  nodeCheck,
  toolsCheck,
} from '../../src/cli/doctor/config-checks.js';
import type { DoctorCheck, DoctorContext } from '../../src/cli/doctor/doctor-check.js';
import { mcpChallengeCheck, metadataCheck } from '../../src/cli/doctor/http-checks.js';
import { smtpCheck } from '../../src/cli/doctor/mail-checks.js';
import { proxyCheck } from '../../src/cli/doctor/proxy-check.js';
import { backendCheck } from '../../src/cli/doctor/backend-check.js';
import { outboxCheck, signInCheck } from '../../src/cli/doctor/store-checks.js';
import { loadConfig } from '../../src/config/load.js';
import { addUserToTenant, createTenant } from '../../src/domain/accounts/accounts-service.js';
import { ALL_SCOPES } from '../../src/domain/scopes.js';
import { systemClock } from '../../src/lib/clock.js';
import type { Store } from '../../src/store/open-store.js';
import { freePort, startOAuthServer, type OAuthTestServer } from '../oauth/support/oauth-server.js';
import { startTestSmtpServer, type TestSmtpServer } from '../support/smtp.js';
import { createTestStore } from '../support/stores.js';
import { cli } from './cli-harness.js';

/**
 * Issue 7 item 5: `doctor` answers each row of the PING8 guide's Troubleshooting table. Each
 * check runs against a real configuration, a real store, a real running server and a real SMTP
 * server, once where it passes and once where it fails.
 */
const production = (env: Record<string, string> = {}) =>
  loadConfig({
    WORKONWARD_ENV: 'production',
    WORKONWARD_MCP_TRANSPORT: 'http',
    WORKONWARD_MCP_AUTH: 'oauth',
    WORKONWARD_MCP_OAUTH_ISSUER: 'https://mcp.gitdate.ink',
    WORKONWARD_MCP_OAUTH_SIGNING_KEY: randomBytes(32).toString('hex'),
    WORKONWARD_MCP_OAUTH_ALLOWED_EMAILS: 'you@gitdate.ink',
    WORKONWARD_MCP_RECIPIENT_ALLOWLIST: '@gitdate\\.ink$',
    WORKONWARD_MCP_BEHIND_PROXY: '1',
    WORKONWARD_SMTP_URL: 'smtp://127.0.0.1:1',
    ...env,
  });

let store: Store & { url: string };
let server: OAuthTestServer;
let smtp: TestSmtpServer;
let closedUrl: string;

beforeAll(async () => {
  store = await createTestStore('sqlite');
  server = await startOAuthServer();
  smtp = await startTestSmtpServer();
  closedUrl = `http://127.0.0.1:${await freePort()}`;
}, 60_000);
afterAll(async () => {
  await server.stop();
  await smtp.close();
  await store.close();
});

function context(overrides: Partial<DoctorContext> = {}): DoctorContext {
  return {
    config: production(),
    url: 'https://mcp.gitdate.ink',
    scopes: ALL_SCOPES,
    store,
    timeoutMs: 5000,
    nodeVersion: '22.11.0',
    ...overrides,
  };
}

const run = (check: DoctorCheck, overrides: Partial<DoctorContext> = {}) => check.run(context(overrides));

describe('doctor checks, each passing and failing', () => {
  it('node: 22 passes, 20.19+ warns (oidc-provider), older fails', async () => {
    expect((await run(nodeCheck)).status).toBe('pass');
    expect((await run(nodeCheck, { nodeVersion: '20.20.0' })).status).toBe('warn');
    expect(await run(nodeCheck, { nodeVersion: '18.19.0' })).toMatchObject({
      status: 'fail',
      fix: expect.stringContaining('Node 22'),
    });
  });

  it('issuer: an https origin passes, plain http off loopback fails with the guide symptom', async () => {
    expect((await run(issuerCheck)).status).toBe('pass');
    const http = loadConfig({
      WORKONWARD_ENV: 'development',
      WORKONWARD_MCP_TRANSPORT: 'http',
      WORKONWARD_MCP_OAUTH_ISSUER: 'http://mcp.gitdate.ink',
    });
    expect(await run(issuerCheck, { config: http })).toMatchObject({
      status: 'fail',
      symptom: expect.stringContaining('OAuth fails'),
    });
  });

  it('proxy, with no deployment answering: judged from the configuration (an https issuer needs WORKONWARD_MCP_BEHIND_PROXY=1)', async () => {
    // What the running server sees through a real proxy: test/cli/doctor-proxy.test.ts.
    expect(await run(proxyCheck, { url: closedUrl })).toMatchObject({
      status: 'pass',
      detail: expect.stringContaining("judged from this shell's configuration only"),
    });
    const off = production({ WORKONWARD_MCP_BEHIND_PROXY: '0' });
    expect(await run(proxyCheck, { url: closedUrl, config: off })).toMatchObject({
      status: 'fail',
      fix: expect.stringContaining('WORKONWARD_MCP_BEHIND_PROXY=1'),
    });
  });

  it('metadata: both AS documents and the PRM name the issuer; another issuer or no server fails', async () => {
    expect((await run(metadataCheck, { config: server.config, url: server.url })).status).toBe('pass');
    const other = await run(metadataCheck, { url: server.url });
    expect(other.status).toBe('fail');
    expect(other.detail).toContain('instead of https://mcp.gitdate.ink');
    const down = await run(metadataCheck, { url: closedUrl });
    expect(down).toMatchObject({ status: 'fail', detail: expect.stringContaining('ECONNREFUSED') });
  });

  it('mcp-401: an anonymous call gets 401 with resource_metadata; a closed port fails', async () => {
    expect((await run(mcpChallengeCheck, { url: server.url })).status).toBe('pass');
    expect(await run(mcpChallengeCheck, { url: closedUrl })).toMatchObject({
      status: 'fail',
      symptom: 'Connector cannot be added',
    });
  });

  it('sign-in: a listed address passes on an empty store; unset, or one of two tenants without membership, fails', async () => {
    expect(await run(signInCheck)).toMatchObject({
      status: 'pass',
      detail: expect.stringContaining('first tenant is created at start'),
    });
    expect(
      (await run(signInCheck, { config: production({ WORKONWARD_MCP_OAUTH_ALLOWED_EMAILS: '' }) })).status,
    ).toBe('fail');
    await createTenant(store.db, systemClock, { slug: 'one', name: 'One' });
    await createTenant(store.db, systemClock, { slug: 'two', name: 'Two' });
    const refused = await run(signInCheck);
    expect(refused).toMatchObject({ status: 'fail', fix: expect.stringContaining('user add') });
    expect(refused.detail).toContain('you@gitdate.ink (member of none of the 2 tenants)');
    await addUserToTenant(store.db, systemClock, {
      email: 'you@gitdate.ink',
      tenantSlug: 'one',
      role: 'owner',
    });
    expect((await run(signInCheck)).status).toBe('pass');
  });

  it('smtp: a real SMTP server passes; a closed port fails', async () => {
    expect((await run(smtpCheck, { config: production({ WORKONWARD_SMTP_URL: smtp.url }) })).status).toBe(
      'pass',
    );
    expect(await run(smtpCheck)).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('ECONNREFUSED'),
    });
  });

  it('backend: skipped when embedded; in remote mode a live backend with a valid key passes on a front store, a wrong key, no backend or a store holding other tenants fails', async () => {
    expect((await run(backendCheck)).status).toBe('skip');
    const created = await cli(server.config.store.url, [
      'api-key',
      'create',
      '--tenant',
      'summit-ridge',
      '--json',
    ]);
    const key = (JSON.parse(created.stdout) as { key: string }).key;
    const remote = (base: string, apiKey: string) =>
      production({ WORKONWARD_BASE_URL: base, WORKONWARD_API_KEY: apiKey, WORKONWARD_SMTP_URL: '' });
    const frontStore = await createTestStore('sqlite');
    try {
      expect((await run(backendCheck, { config: remote(server.url, key), store: frontStore })).status).toBe(
        'pass',
      );
    } finally {
      await frontStore.close();
    }
    // This store holds the tenants `one` and `two` (the sign-in check made them): a front refuses it.
    expect(await run(backendCheck, { config: remote(server.url, key) })).toMatchObject({
      status: 'fail',
      detail: expect.stringMatching(/other than the account of WORKONWARD_API_KEY .*"One" \(one, id /),
      fix: expect.stringContaining('empty WORKONWARD_DATA_DIR'),
    });
    expect((await run(smtpCheck, { config: remote(server.url, key) })).status).toBe('skip');
    const refused = await run(backendCheck, { config: remote(server.url, `wk_live_${'x'.repeat(40)}`) });
    expect(refused).toMatchObject({ status: 'fail', fix: expect.stringContaining('api-key create') });
    expect((await run(backendCheck, { config: remote(closedUrl, key) })).status).toBe('fail');
  });

  it('tools: every scope lists the guide tools; a grant without email scopes fails, naming the scopes to grant', async () => {
    const all = await run(toolsCheck);
    expect(all.status).toBe('pass');
    expect(all.detail).toContain('send_batch_email is off');
    const narrow = await run(toolsCheck, { scopes: ['projects:read'] });
    expect(narrow).toMatchObject({ status: 'fail', symptom: 'Tools are missing' });
    expect(narrow.fix).toContain('email:preview');
    expect(narrow.fix).toContain('email:send');
  });

  it('allowlist: a pattern passes; unset fails (every send refused)', async () => {
    expect((await run(allowlistCheck)).status).toBe('pass');
    const unset = production({ WORKONWARD_MCP_RECIPIENT_ALLOWLIST: '', WORKONWARD_MCP_DRY_RUN: '1' });
    expect(await run(allowlistCheck, { config: unset })).toMatchObject({
      status: 'fail',
      symptom: 'Send appears to succeed but no email queues',
    });
  });

  it('dry-run: off passes; on warns with the guide row and the fix', async () => {
    expect((await run(dryRunCheck)).status).toBe('pass');
    expect(await run(dryRunCheck, { config: production({ WORKONWARD_MCP_DRY_RUN: '1' }) })).toMatchObject({
      status: 'warn',
      symptom: 'Send appears to succeed but no email queues',
      fix: expect.stringContaining('WORKONWARD_MCP_DRY_RUN=0'),
    });
  });

  it('outbox: nothing dead passes; a dead-lettered message fails', async () => {
    expect((await run(outboxCheck)).status).toBe('pass');
    const tenant = await store.db
      .selectFrom('tenants')
      .select('id')
      .where('slug', '=', 'one')
      .executeTakeFirstOrThrow();
    const now = new Date().toISOString();
    await store.db
      .insertInto('mail_outbox')
      .values({
        id: 'msg_dead',
        tenant_id: tenant.id,
        tool: 'send_email',
        idempotency_key: 'k',
        status: 'dead',
        user_id: null,
        client_id: null,
        from_header: 'a@gitdate.ink',
        envelope_from: 'a@gitdate.ink',
        envelope_to: '["person@gitdate.ink"]',
        message: '{}',
        content_hash: 'h',
        subject: 's',
        bid_id: null,
        attempts: 5,
        next_attempt_at: now,
        lease_owner: null,
        lease_until: null,
        last_error: '550 no',
        smtp_message_id: null,
        created_at: now,
        updated_at: now,
        sent_at: null,
      })
      .execute();
    expect(await run(outboxCheck)).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('1 message(s) dead-lettered'),
    });
  });
});

describe('npx workonward-mcp doctor', () => {
  it('prints every check with symptom and fix, and exits with the number of failures (--json too)', async () => {
    const env = {
      WORKONWARD_ENV: 'development',
      WORKONWARD_MCP_TRANSPORT: 'http',
      WORKONWARD_MCP_OAUTH_ISSUER: server.config.oauth.issuer,
      WORKONWARD_MCP_OAUTH_ALLOWED_EMAILS: 'you@gitdate.ink',
      WORKONWARD_MCP_RECIPIENT_ALLOWLIST: '@gitdate\\.ink$',
      WORKONWARD_SMTP_URL: 'smtp://127.0.0.1:1',
    };
    const text = await cli(store.url, ['doctor'], env);
    expect(text.stdout).toMatch(/^PASS {2}metadata/m);
    expect(text.stdout).toMatch(/^FAIL {2}smtp/m);
    expect(text.stdout).toContain('fix: check the host, port and credentials in WORKONWARD_SMTP_URL');
    const json = await cli(store.url, ['doctor', '--json'], env);
    const report = JSON.parse(json.stdout) as { failures: number; checks: { id: string; status: string }[] };
    expect(report.checks.map((c) => c.id)).toEqual([
      'node',
      'issuer',
      'proxy',
      'metadata',
      'mcp-401',
      'sign-in',
      'smtp',
      'backend',
      'tools',
      'allowlist',
      'dry-run',
      'outbox',
    ]);
    expect(report.failures).toBe(report.checks.filter((c) => c.status === 'fail').length);
    expect(report.failures).toBeGreaterThan(0);
    expect(json.code).toBe(report.failures);
    expect(text.code).toBe(report.failures);
  }, 60_000);
});
