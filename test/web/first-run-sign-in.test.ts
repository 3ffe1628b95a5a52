import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { createTenant } from '../../src/domain/accounts/accounts-service.js';
import { listAudit } from '../../src/domain/audit/audit-log.js';
import { systemClock } from '../../src/lib/clock.js';
import { startRuntime, type Runtime } from '../../src/runtime.js';
import { serveRuntime } from '../../src/serve.js';
import { launchChromium } from '../oauth/support/browser.js';
import { freePort } from '../oauth/support/oauth-server.js';
import { formField, UserAgent } from '../oauth/support/user-agent.js';
import { startTestSmtpServer, type TestSmtpServer } from '../support/smtp.js';
import { createTestDatabase } from '../support/stores.js';

/**
 * Issue 7 item 3: on a fresh production store, an address listed in
 * WORKONWARD_MCP_OAUTH_ALLOWED_EMAILS signs in without any CLI step; a refused sign-in shows the
 * same page but is logged (address masked, reason, fix) and audited.
 */
interface Deployment {
  readonly url: string;
  readonly runtime: Runtime;
  readonly log: string[];
  readonly databaseUrl: string;
  stop(): Promise<void>;
}

async function production(
  env: Record<string, string>,
  options: { databaseUrl?: string; codesPerAddress?: number } = {},
): Promise<Deployment> {
  const database =
    options.databaseUrl === undefined
      ? await createTestDatabase('sqlite')
      : { url: options.databaseUrl, dispose: () => Promise.resolve() };
  const port = await freePort();
  const log: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      log.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const config = loadConfig({
    WORKONWARD_ENV: 'production',
    WORKONWARD_MCP_TRANSPORT: 'http',
    WORKONWARD_MCP_AUTH: 'oauth',
    WORKONWARD_MCP_HOST: '127.0.0.1',
    WORKONWARD_MCP_PORT: String(port),
    WORKONWARD_MCP_OAUTH_ISSUER: `http://127.0.0.1:${port}`,
    WORKONWARD_MCP_OAUTH_SIGNING_KEY: randomBytes(32).toString('hex'),
    WORKONWARD_DATABASE_URL: database.url,
    WORKONWARD_MCP_DRY_RUN: '1',
    ...env,
  });
  const runtime = await startRuntime(config, { clock: systemClock, logger: pino({ level: 'info' }, sink) });
  const serving = await serveRuntime(runtime, {
    oauth: { signInCodesPerAddress: options.codesPerAddress ?? 5 },
  });
  return {
    url: `http://127.0.0.1:${port}`,
    runtime,
    log,
    databaseUrl: database.url,
    async stop() {
      await serving.stop();
      await runtime.close();
      await database.dispose();
    },
  };
}

const codeIn = (mail: { parsed: { text?: string | undefined } }) =>
  /sign-in code is (\d{8})/.exec(mail.parsed.text ?? '')?.[1] ?? '';

/** Asks for a code through the real pages; resolves once the queued row has been attempted. */
async function askForCode(server: Deployment, email: string) {
  const ua = new UserAgent(server.url);
  const csrf = formField(await (await ua.get('/login')).text(), 'csrf');
  const answer = await ua.post('/login', { csrf, next: '/settings/developer/connected-apps', email });
  const page = await answer.text();
  // Every queued row attempted once: mailed (gone) or, with the mail server down, kept for a retry.
  await server.runtime.signInQueue.settled();
  return { ua, csrf, status: answer.status, page };
}

const lines = (server: Deployment, event: string) =>
  server.log.map((line) => JSON.parse(line) as Record<string, unknown>).filter((l) => l.event === event);

describe('first-run sign-in on a fresh production store', () => {
  let smtp: TestSmtpServer;
  let browser: Browser;
  beforeAll(async () => {
    smtp = await startTestSmtpServer();
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser.close();
    await smtp.close();
  });

  it('lets the listed address sign in in Chromium with the mailed code, into a first tenant named from the issuer host, created and logged once', async () => {
    const server = await production({
      WORKONWARD_SMTP_URL: smtp.url,
      WORKONWARD_MCP_OAUTH_ALLOWED_EMAILS: 'you@gitdate.ink',
    });
    try {
      expect(lines(server, 'tenant.first_created')).toHaveLength(1);
      const page = await browser.newPage();
      const before = smtp.received.length;
      await page.goto(`${server.url}/login`);
      await page.getByLabel('Email').fill('you@gitdate.ink');
      await page.getByRole('button', { name: 'Send code' }).click();
      await page.getByLabel('Code').waitFor();
      const [mail] = (await smtp.waitFor(before + 1)).slice(before);
      expect(mail?.envelope.to).toEqual(['you@gitdate.ink']);
      await page.getByLabel('Code').fill(codeIn(mail!));
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(`${server.url}/settings/developer/connected-apps`);
      expect(await page.content()).toContain('No apps are connected.');
      await page.goto(`${server.url}/settings/tenants`);
      expect(await page.content()).toContain('127.0.0.1');
      await page.close();

      const tenants = await server.runtime.store.db.selectFrom('tenants').selectAll().execute();
      expect(tenants.map((t) => [t.slug, t.name])).toEqual([['127-0-0-1', '127.0.0.1']]);
      const member = await server.runtime.store.db
        .selectFrom('memberships as m')
        .innerJoin('users as u', 'u.id', 'm.user_id')
        .select(['u.email', 'm.role'])
        .execute();
      expect(member).toEqual([{ email: 'you@gitdate.ink', role: 'owner' }]);
      expect(lines(server, 'sign_in.code_sent')).toMatchObject([{ email: 'y***@gitdate.ink' }]);
      const audit = await listAudit(server.runtime.store.db, tenants[0]!.id);
      expect(audit.map((a) => [a.action, a.decision])).toEqual(
        expect.arrayContaining([
          ['web.sign_in_code', 'sent'],
          ['web.sign_in', 'allowed'],
        ]),
      );
    } finally {
      await server.runtime.signInQueue.settled();
      await server.stop();
    }
  }, 120_000);

  it('names the first tenant from WORKONWARD_TENANT_NAME and creates it once across restarts', async () => {
    const first = await production({
      WORKONWARD_SMTP_URL: smtp.url,
      WORKONWARD_MCP_OAUTH_ALLOWED_EMAILS: 'you@gitdate.ink',
      WORKONWARD_TENANT_NAME: 'PING8',
    });
    const databaseUrl = first.databaseUrl;
    const again = await production(
      { WORKONWARD_SMTP_URL: smtp.url, WORKONWARD_MCP_OAUTH_ALLOWED_EMAILS: 'you@gitdate.ink' },
      { databaseUrl },
    );
    try {
      expect(lines(first, 'tenant.first_created')).toMatchObject([{ tenant: 'ping8' }]);
      expect(lines(again, 'tenant.first_created')).toEqual([]);
      const tenants = await again.runtime.store.db.selectFrom('tenants').select('slug').execute();
      expect(tenants).toEqual([{ slug: 'ping8' }]);
    } finally {
      await again.stop();
      await first.stop();
    }
  }, 60_000);

  it('refuses an unlisted address with the same page, one masked log line with the fix, an audit entry, and no mail', async () => {
    const server = await production({
      WORKONWARD_SMTP_URL: smtp.url,
      WORKONWARD_MCP_OAUTH_ALLOWED_EMAILS: 'you@gitdate.ink',
    });
    try {
      const allowed = await askForCode(server, 'you@gitdate.ink');
      const before = smtp.received.length;
      const refused = await askForCode(server, 'stranger@example.com');
      expect(refused.status).toBe(allowed.status);
      expect(refused.page.replace(/value="[^"]*"/g, '')).toBe(
        allowed.page.replace(/value="[^"]*"/g, '').replace('you@gitdate.ink', 'stranger@example.com'),
      );
      expect(smtp.received.length).toBe(before);
      const [line] = lines(server, 'sign_in.code_not_sent');
      expect(line).toMatchObject({ email: 's***@example.com', level: 40 });
      expect(String(line?.msg)).toContain('not in WORKONWARD_MCP_OAUTH_ALLOWED_EMAILS. Fix:');
      expect(JSON.stringify(server.log)).not.toContain('stranger@');
      const [tenant] = await server.runtime.store.db.selectFrom('tenants').select('id').execute();
      const audit = await listAudit(server.runtime.store.db, tenant!.id, {
        actionPrefix: 'web.sign_in_code',
      });
      const denied = audit.find((a) => a.decision === 'denied');
      expect(denied?.reason).toBe('address not allowed');
      expect(String(denied?.details.why)).toContain('not in WORKONWARD_MCP_OAUTH_ALLOWED_EMAILS');
    } finally {
      await server.stop();
    }
  }, 60_000);

  it('lets an @domain address join when exactly one tenant exists, and refuses it (logged) when there are two', async () => {
    const server = await production({
      WORKONWARD_SMTP_URL: smtp.url,
      WORKONWARD_MCP_OAUTH_ALLOWED_EMAILS: 'you@gitdate.ink,@gitdate.ink',
    });
    try {
      const before = smtp.received.length;
      const asked = await askForCode(server, 'person@gitdate.ink');
      const [mail] = (await smtp.waitFor(before + 1)).slice(before);
      const verified = await asked.ua.post('/login/verify', {
        csrf: asked.csrf,
        next: '/settings/developer/connected-apps',
        email: 'person@gitdate.ink',
        code: codeIn(mail!),
      });
      expect(verified.status).toBe(303);
      const role = await server.runtime.store.db
        .selectFrom('memberships as m')
        .innerJoin('users as u', 'u.id', 'm.user_id')
        .select('m.role')
        .where('u.email', '=', 'person@gitdate.ink')
        .execute();
      expect(role).toEqual([{ role: 'member' }]);

      await createTenant(server.runtime.store.db, systemClock, { slug: 'second', name: 'Second' });
      const count = smtp.received.length;
      await askForCode(server, 'other@gitdate.ink');
      expect(smtp.received.length).toBe(count);
      const [line] = lines(server, 'sign_in.code_not_sent');
      expect(line).toMatchObject({ email: 'o***@gitdate.ink' });
      expect(String(line?.msg)).toContain('user add --email EMAIL --tenant SLUG');
    } finally {
      await server.stop();
    }
  }, 60_000);

  it('logs and audits a code that cannot be mailed, and a rate-limited request, behind the same page', async () => {
    const closedPort = await freePort();
    const server = await production(
      {
        WORKONWARD_SMTP_URL: `smtp://127.0.0.1:${closedPort}`,
        WORKONWARD_MCP_OAUTH_ALLOWED_EMAILS: 'you@gitdate.ink',
      },
      { codesPerAddress: 1 },
    );
    try {
      const failed = await askForCode(server, 'you@gitdate.ink');
      expect(failed.status).toBe(200);
      const limited = await askForCode(server, 'you@gitdate.ink');
      expect(limited.status).toBe(200);
      const reasons = lines(server, 'sign_in.code_not_sent').map((l) => String(l.msg));
      expect(reasons).toHaveLength(2);
      expect(reasons[0]).toMatch(
        /y\*\*\*@gitdate\.ink: the mail could not be sent \(.*ECONNREFUSED.*\)\. Fix: check WORKONWARD_SMTP_URL/,
      );
      expect(reasons[1]).toContain('rate limited');
      const [tenant] = await server.runtime.store.db.selectFrom('tenants').select('id').execute();
      const audit = await listAudit(server.runtime.store.db, tenant!.id, {
        actionPrefix: 'web.sign_in_code',
      });
      // Stable reasons (they label the refusal metric); the particulars are in the details.
      expect(audit.map((a) => a.reason).sort()).toEqual(['mail failed', 'rate limited']);
      expect(String(audit.find((a) => a.reason === 'mail failed')?.details.why)).toContain('ECONNREFUSED');
    } finally {
      await server.stop();
    }
  }, 60_000);

  it('remote backend mode with the backend down at start: the front starts, says so once, and a sign-in is refused with the doctor as the fix', async () => {
    const closedPort = await freePort();
    const server = await production({
      WORKONWARD_BASE_URL: `http://127.0.0.1:${closedPort}`,
      WORKONWARD_API_KEY: 'wk_live_unreachable',
      WORKONWARD_BACKEND_TIMEOUT_MS: '500',
      WORKONWARD_MCP_OAUTH_ALLOWED_EMAILS: 'you@gitdate.ink',
    });
    try {
      expect(lines(server, 'tenant.account_unavailable')).toHaveLength(1);
      expect(await server.runtime.store.db.selectFrom('tenants').select('id').execute()).toEqual([]);
      const asked = await askForCode(server, 'you@gitdate.ink');
      expect(asked.status).toBe(200);
      const [line] = lines(server, 'sign_in.code_not_sent');
      expect(String(line?.msg)).toContain(
        `the account of WORKONWARD_API_KEY at http://127.0.0.1:${closedPort} could not be read yet`,
      );
      expect(String(line?.msg)).toContain('npx workonward-mcp doctor');
    } finally {
      await server.stop();
    }
  }, 60_000);
});
