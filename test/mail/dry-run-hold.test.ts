import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { outboxPage } from '../../src/domain/mail/outbox-admin.js';
import { sendMessages } from '../../src/domain/mail/send.js';
import { sendStatus } from '../../src/domain/mail/status.js';
import { createLogger } from '../../src/lib/logger.js';
import { localPrincipal, startRuntime, type Runtime } from '../../src/runtime.js';
import { drainOutbox } from '../support/outbox-barrier.js';
import { startTestSmtpServer, type TestSmtpServer } from '../support/smtp.js';
import { availableDialects, createTestDatabase, type TestDatabase } from '../support/stores.js';

/**
 * Issue 9, finding 8: with WORKONWARD_MCP_DRY_RUN=1 nothing leaves, not even mail queued before
 * dry-run was switched on. Three processes in turn over one database and a real SMTP server.
 */
const dialects = await availableDialects();

describe.each(dialects)('dry-run holds mail queued earlier on %s', (dialect) => {
  let database: TestDatabase;
  let smtp: TestSmtpServer;
  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    smtp = await startTestSmtpServer();
  });
  afterAll(async () => {
    await smtp.close();
    await database.dispose();
  });

  const runtime = (env: Record<string, string>): Promise<Runtime> =>
    startRuntime(
      loadConfig({
        WORKONWARD_ENV: 'development',
        WORKONWARD_MCP_TRANSPORT: 'http',
        WORKONWARD_MCP_AUTH: 'none',
        WORKONWARD_MCP_TENANT: 'summit-ridge',
        WORKONWARD_DATABASE_URL: database.url,
        WORKONWARD_MCP_RECIPIENT_ALLOWLIST: '@gitdate\\.ink$',
        WORKONWARD_SMTP_URL: smtp.url,
        WORKONWARD_MAIL_FROM: 'PING8 <mail@gitdate.ink>',
        WORKONWARD_MAIL_POLL_MS: '20',
        ...env,
      }),
      { logger: createLogger('silent') },
    );

  it('sends nothing while dry-run is on, says why the row is held, and sends it once dry-run is off', async () => {
    // 1. A server without dry-run (and without a worker) queues a message.
    const before = await runtime({ WORKONWARD_MCP_DRY_RUN: '0', WORKONWARD_MAIL_WORKER: '0' });
    const principal = await localPrincipal(before);
    const queued = await sendMessages(before.mailDeps, principal, {
      tool: 'send_email',
      key: `held-${dialect}`,
      items: [{ message: { to: ['held@gitdate.ink'], subject: 'Queued before dry-run', text: 'Hello' } }],
    });
    const id = queued.results[0]?.message_id ?? '';
    expect(queued.dry_run).toBe(false);
    await before.close();

    // 2. The operator restarts it with dry-run on: its worker runs, and nothing leaves.
    const dry = await runtime({ WORKONWARD_MCP_DRY_RUN: '1' });
    try {
      // A barrier, not a wait: the worker's first round starts with it, and stopping the worker
      // waits for the round in flight and for anything it sent to be recorded.
      dry.mailDeps.onQueued?.();
      expect(await drainOutbox(dry)).toEqual([{ id, status: 'queued' }]);
      expect(smtp.connections()).toBe(0);
      const status = await sendStatus(dry.mailDeps, principal, { message_id: id });
      expect(status.dry_run_enabled).toBe(true);
      expect(status.messages[0]).toMatchObject({ message_id: id, status: 'queued', attempts: 0 });
      expect(status.messages[0]?.explanation).toMatch(/^Held: .*WORKONWARD_MCP_DRY_RUN=1.*queued before/);
      const page = await outboxPage(dry.store.db, principal.tenantId, { dryRun: true });
      expect(page.find((m) => m.message_id === id)?.explanation).toMatch(/^Held: /);
    } finally {
      await dry.close();
    }
    expect(smtp.connections()).toBe(0);

    // 3. Dry-run off again: the held message is delivered, once.
    const after = await runtime({ WORKONWARD_MCP_DRY_RUN: '0' });
    try {
      after.mailDeps.onQueued?.();
      const [received] = await smtp.waitFor(1);
      expect(received?.envelope.to).toEqual(['held@gitdate.ink']);
      const status = await sendStatus(after.mailDeps, principal, { message_id: id });
      expect(status.messages[0]?.explanation).not.toMatch(/Held/);
    } finally {
      await after.close();
    }
    expect(smtp.received).toHaveLength(1);
  });
});
