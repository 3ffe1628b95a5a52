import { drainOutbox } from '../support/outbox-barrier.js';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../src/domain/audit/audit-log.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { startTestSmtpServer } from '../support/smtp.js';
import { BACKENDS, startToolServer, type BackendKind } from '../support/tool-server.js';

const ALLOW = { WORKONWARD_MCP_RECIPIENT_ALLOWLIST: '@gitdate\\.ink$', WORKONWARD_MAIL_POLL_MS: '50' };
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** The suite runs once per adapter; `backend` is set by the enclosing describe. */
let backend: BackendKind = 'local';

async function setup(env: Record<string, string>) {
  const smtp = await startTestSmtpServer();
  const server = await startToolServer({ backend, env: { ...ALLOW, WORKONWARD_SMTP_URL: smtp.url, ...env } });
  const client = new Client({ name: 'test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL('/mcp', server.url)));
  cleanups.push(async () => {
    await client.close();
    await server.stop();
    await smtp.close();
  });
  return { smtp, server, client };
}

const tenantId = async (server: TestServer) =>
  (
    await server.runtime.store.db
      .selectFrom('tenants')
      .select('id')
      .where('slug', '=', 'summit-ridge')
      .executeTakeFirstOrThrow()
  ).id;

describe.each(BACKENDS)('email tools over HTTP, %s backend', (kind) => {
  beforeAll(() => {
    backend = kind;
  });

  it('dry-run: the send says plainly nothing was queued, 0 SMTP connections, audit rows present, status dry_run', async () => {
    const { smtp, server, client } = await setup({
      WORKONWARD_MCP_DRY_RUN: '1',
      WORKONWARD_MCP_BATCH_SEND: '1',
      WORKONWARD_MAIL_FROM_BY_TENANT:
        'harbor-line=Harbor <hello@harbor.example>; summit-ridge=Summit Ridge <office@gitdate.ink>',
    });
    const preview = await client.callTool({
      name: 'preview_send',
      arguments: { to: ['person@gitdate.ink'], subject: 's', text: 't' },
    });
    expect(preview.structuredContent).toMatchObject({
      envelope: { from: 'office@gitdate.ink' },
      message: { from: { name: 'Summit Ridge' } },
    });
    const args = {
      to: ['person@gitdate.ink'],
      subject: 'Dry',
      text: 'Run',
      idempotency_key: 'chatgpt-smoke-001',
    };
    const result = await client.callTool({ name: 'send_email', arguments: args });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ status: 'dry_run', queued: false, dry_run: true });
    expect(JSON.stringify(result.content)).toMatch(/NOT SENT — dry-run mode/);
    expect(JSON.stringify(result.content)).toMatch(/nothing was queued/);
    const batch = await client.callTool({
      name: 'send_batch_email',
      arguments: {
        idempotency_key: 'dry-batch',
        messages: [{ to: ['a@gitdate.ink'], subject: 's', text: 't' }],
      },
    });
    expect(batch.structuredContent).toMatchObject({ dry_run: true, queued_count: 0 });
    const status = await client.callTool({
      name: 'get_send_status',
      arguments: { idempotency_key: 'chatgpt-smoke-001' },
    });
    expect(status.structuredContent).toMatchObject({
      dry_run_enabled: true,
      messages: [{ status: 'dry_run' }],
    });
    expect(await drainOutbox(server.runtime)).toEqual([]);
    expect(smtp.connections()).toBe(0);
    const audit = await listAudit(server.runtime.store.db, await tenantId(server), {
      actionPrefix: 'email.',
    });
    expect(
      audit
        .filter((a) => a.decision === 'dry_run')
        .map((a) => a.action)
        .sort(),
    ).toEqual(['email.send_batch_email', 'email.send_email']);
    expect(audit.find((a) => a.action === 'email.send_email')?.details).toMatchObject({
      idempotency_key: 'chatgpt-smoke-001',
      dry_run: true,
    });
  });

  it('unset allowlist: validation and preview work, sending is refused with how to set it', async () => {
    const { client } = await setup({ WORKONWARD_MCP_RECIPIENT_ALLOWLIST: '' });
    const checked = await client.callTool({
      name: 'validate_recipients',
      arguments: { recipients: ['person@gitdate.ink'] },
    });
    expect(checked.structuredContent).toMatchObject({
      allowlist_configured: false,
      recipients: [{ canonical: 'person@gitdate.ink', allowed: false }],
    });
    const preview = await client.callTool({
      name: 'preview_send',
      arguments: { to: ['person@gitdate.ink'], subject: 's', text: 't' },
    });
    expect(preview.structuredContent).toMatchObject({ sendable: false, preview_id: null });
    const send = await client.callTool({
      name: 'send_email',
      arguments: { to: ['person@gitdate.ink'], subject: 's', text: 't', idempotency_key: 'k' },
    });
    expect(send.isError).toBe(true);
    expect(JSON.stringify(send.content)).toContain("WORKONWARD_MCP_RECIPIENT_ALLOWLIST='@gitdate\\\\.ink$'");
  });

  it('batch: offered only when switched on, per-message results, the cap enforced; concurrent HTTP sends over 10 keys deliver 10 emails', async () => {
    const { smtp, server, client } = await setup({
      WORKONWARD_MCP_BATCH_SEND: '1',
      WORKONWARD_MAIL_BATCH_MAX: '3',
      WORKONWARD_MAIL_RATE_PER_MINUTE: '1000',
    });
    expect((await client.listTools()).tools.map((t) => t.name)).toContain('send_batch_email');
    const batch = await client.callTool({
      name: 'send_batch_email',
      arguments: {
        idempotency_key: 'batch-1',
        messages: [
          { to: ['a@gitdate.ink'], subject: 'One', text: 't' },
          { to: ['b@example.com'], subject: 'Two', text: 't' },
        ],
      },
    });
    expect(batch.structuredContent).toMatchObject({
      queued_count: 1,
      refused_count: 1,
      results: [{ status: 'queued' }, { status: 'refused' }],
    });
    const tooMany = await client.callTool({
      name: 'send_batch_email',
      arguments: {
        idempotency_key: 'batch-2',
        messages: Array.from({ length: 4 }, () => ({ to: ['a@gitdate.ink'], subject: 's', text: 't' })),
      },
    });
    expect(tooMany.isError).toBe(true);
    expect(JSON.stringify(tooMany.content)).toMatch(/at most 3 messages/);

    const followUp = await client.callTool({
      name: 'send_email',
      arguments: {
        to: ['person@gitdate.ink'],
        subject: 'Bid #123',
        text: 'Following up',
        idempotency_key: 'bid-123',
        bid: '#123',
      },
    });
    expect(followUp.isError).toBeFalsy();
    const bid = await client.callTool({ name: 'bids.get', arguments: { bid: '#123' } });
    expect(JSON.stringify(bid.structuredContent)).toContain(
      `Follow-up email queued to person@gitdate.ink: \\"Bid #123\\"`,
    );

    const calls = Array.from({ length: 100 }, (_, i) =>
      client.callTool({
        name: 'send_email',
        arguments: {
          to: ['person@gitdate.ink'],
          subject: `Key ${i % 10}`,
          text: 'x',
          idempotency_key: `http-${i % 10}`,
        },
      }),
    );
    const results = await Promise.all(calls);
    const unexpected = results.filter(
      (r) => r.isError && !JSON.stringify(r.content).includes('idempotency_in_progress'),
    );
    expect(unexpected).toEqual([]);
    await smtp.waitFor(12);
    expect(await drainOutbox(server.runtime)).toEqual([]);
    expect(smtp.received).toHaveLength(12);
    expect(
      new Set(smtp.received.filter((m) => m.parsed.subject?.startsWith('Key')).map((m) => m.parsed.subject))
        .size,
    ).toBe(10);
    expect(smtp.received.every((m) => m.envelope.to.every((to) => to.endsWith('@gitdate.ink')))).toBe(true);
  });

  it('get_send_status: exactly one reference, and an unknown one is not found, each with a hint', async () => {
    const { client } = await setup({});
    const text = (result: Awaited<ReturnType<typeof client.callTool>>) => JSON.stringify(result.content);
    for (const args of [{}, { message_id: 'msg_x', idempotency_key: 'k' }]) {
      const result = await client.callTool({ name: 'get_send_status', arguments: args });
      expect(result.isError).toBe(true);
      expect(text(result)).toMatch(/exactly one of message_id or idempotency_key/);
    }
    const unknownId = await client.callTool({
      name: 'get_send_status',
      arguments: { message_id: 'msg_nope' },
    });
    expect(unknownId.isError).toBe(true);
    expect(text(unknownId)).toMatch(/msg_nope/);
    expect(text(unknownId)).toMatch(/Check the value/);
    const unknownKey = await client.callTool({
      name: 'get_send_status',
      arguments: { idempotency_key: 'never-sent' },
    });
    expect(unknownKey.isError).toBe(true);
    expect(text(unknownKey)).toMatch(/never-sent/);
  });

  it('an invalid or catastrophic allowlist stops start-up', async () => {
    await expect(
      startTestServer({ env: { WORKONWARD_MCP_RECIPIENT_ALLOWLIST: '(a*)*@x\\.com$' } }),
    ).rejects.toThrow(/backtrack/);
  });
});
