import { drainOutbox } from '../support/outbox-barrier.js';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../src/domain/audit/audit-log.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { startTestSmtpServer, type TestSmtpServer } from '../support/smtp.js';

/** The PING8 seed's "Safe First Prompt" and "real single-recipient test", word for word, over MCP. */
type Structured = Record<string, unknown>;

let smtp: TestSmtpServer;
let server: TestServer;
let client: Client;

async function call(name: string, args: Record<string, unknown>) {
  const result = await client.callTool({ name, arguments: args });
  return {
    isError: result.isError === true,
    data: result.structuredContent as Structured,
    text: JSON.stringify(result.content),
  };
}

beforeAll(async () => {
  smtp = await startTestSmtpServer();
  server = await startTestServer({
    env: {
      WORKONWARD_MCP_RECIPIENT_ALLOWLIST: '@gitdate\\.ink$',
      WORKONWARD_SMTP_URL: smtp.url,
      WORKONWARD_MAIL_FROM: 'PING8 <mail@gitdate.ink>',
      WORKONWARD_MAIL_POLL_MS: '50',
    },
  });
  client = new Client({ name: 'chatgpt-like', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL('/mcp', server.url)));
});
afterAll(async () => {
  await client.close();
  await server.stop();
  await smtp.close();
});

describe('PING8 seed over MCP', () => {
  it('lists the email tools with explicit annotations, and no batch tool unless enabled', async () => {
    const { tools } = await client.listTools();
    const byName = new Map(tools.map((t) => [t.name, t]));
    expect(byName.get('validate_recipients')?.annotations).toMatchObject({
      readOnlyHint: true,
      destructiveHint: false,
      openWorldHint: false,
    });
    expect(byName.get('preview_send')?.annotations).toMatchObject({
      readOnlyHint: true,
      openWorldHint: false,
    });
    expect(byName.get('send_email')?.annotations).toMatchObject({
      readOnlyHint: false,
      destructiveHint: true,
      openWorldHint: true,
    });
    expect(byName.has('get_send_status')).toBe(true);
    expect(byName.has('send_batch_email')).toBe(false);
    const sendProps = Object.keys(
      (byName.get('send_email')?.inputSchema as { properties: object }).properties,
    );
    expect(sendProps).not.toContain('from');
    expect(sendProps).not.toContain('bcc');
  });

  it('Safe First Prompt: validates person@gitdate.ink (allowed) and blocked@example.com (blocked, with reason), previews, does not send', async () => {
    const checked = await call('validate_recipients', {
      recipients: ['person@gitdate.ink', 'blocked@example.com'],
    });
    expect(checked.isError).toBe(false);
    const verdicts = checked.data.recipients as {
      canonical: string;
      allowed: boolean;
      reason: string | null;
    }[];
    expect(verdicts[0]).toMatchObject({ canonical: 'person@gitdate.ink', allowed: true, reason: null });
    expect(verdicts[1]).toMatchObject({ canonical: 'blocked@example.com', allowed: false });
    expect(verdicts[1]?.reason).toMatch(/allowlist/);

    const preview = await call('preview_send', {
      to: ['person@gitdate.ink'],
      subject: 'PING8 smoke test',
      text: 'Hello from PING8.',
    });
    expect(preview.isError).toBe(false);
    expect(preview.data).toMatchObject({
      sendable: true,
      envelope: { from: 'mail@gitdate.ink', to: ['person@gitdate.ink'] },
    });
    expect(String(preview.data.preview_id)).toMatch(/^pv_/);
    expect((preview.data.headers as Record<string, string>).Subject).toBe('PING8 smoke test');
    expect(smtp.connections()).toBe(0);
  });

  it('real single-recipient test: idempotency_key "chatgpt-smoke-001" twice → exactly one email, envelope exactly the approved address', async () => {
    const args = {
      to: ['person@gitdate.ink'],
      subject: 'PING8 smoke test',
      text: 'Hello from PING8.',
      idempotency_key: 'chatgpt-smoke-001',
    };
    const first = await call('send_email', args);
    expect(first.isError, first.text).toBe(false);
    expect(first.data).toMatchObject({
      status: 'queued',
      queued: true,
      replayed: false,
      recipients: ['person@gitdate.ink'],
    });
    const second = await call('send_email', args);
    expect(second.data).toMatchObject({ message_id: first.data.message_id, replayed: true });

    const [mail] = await smtp.waitFor(1);
    expect(await drainOutbox(server.runtime)).toEqual([]);
    expect(smtp.received).toHaveLength(1);
    expect(mail?.envelope.to).toEqual(['person@gitdate.ink']);
    expect(mail?.envelope.from).toBe('mail@gitdate.ink');
    expect(mail?.parsed.subject).toBe('PING8 smoke test');
    expect(mail?.parsed.messageId).toBe(`<${String(first.data.message_id)}@gitdate.ink>`);

    // The drained worker has recorded the delivery (drainOutbox waits for it).
    const status = await call('get_send_status', { idempotency_key: 'chatgpt-smoke-001' });
    expect((status.data.messages as { status: string }[])[0]?.status).toBe('sent');
    const byId = await call('get_send_status', { message_id: first.data.message_id });
    expect(byId.data.messages).toEqual(status.data.messages);

    const audit = await listAudit(
      server.runtime.store.db,
      (
        await server.runtime.store.db
          .selectFrom('tenants')
          .select('id')
          .where('slug', '=', 'summit-ridge')
          .executeTakeFirstOrThrow()
      ).id,
      { actionPrefix: 'email.' },
    );
    const actions = audit.map((a) => `${a.action}:${a.decision}`);
    expect(actions).toEqual(
      expect.arrayContaining([
        'email.send_email:queued',
        'email.send_email:replayed',
        'email.delivery:sent',
        'email.preview_send:previewed',
      ]),
    );
  });

  it('refuses the blocked recipient, a changed message under the same key, and a message differing from its preview', async () => {
    const blocked = await call('send_email', {
      to: ['blocked@example.com'],
      subject: 'x',
      text: 'y',
      idempotency_key: 'k-blocked',
    });
    expect(blocked.isError).toBe(true);
    expect(blocked.text).toMatch(/allowlist/);
    const reused = await call('send_email', {
      to: ['person@gitdate.ink'],
      subject: 'Different',
      text: 'Hello',
      idempotency_key: 'chatgpt-smoke-001',
    });
    expect(reused.isError).toBe(true);
    expect(reused.text).toMatch(/idempotency_key_reused/);
    const preview = await call('preview_send', {
      to: ['person@gitdate.ink'],
      subject: 'Exact',
      text: 'Body',
    });
    const changed = await call('send_email', {
      to: ['person@gitdate.ink'],
      subject: 'Exact',
      text: 'Body!',
      idempotency_key: 'k-preview',
      preview_id: preview.data.preview_id,
    });
    expect(changed.isError).toBe(true);
    expect(changed.text).toMatch(/preview_mismatch/);
    const exact = await call('send_email', {
      to: ['person@gitdate.ink'],
      subject: 'Exact',
      text: 'Body',
      idempotency_key: 'k-preview',
      preview_id: preview.data.preview_id,
    });
    expect(exact.isError, exact.text).toBe(false);
    expect(exact.data).toMatchObject({ status: 'queued', recipients: ['person@gitdate.ink'] });
    const extra = await client.callTool({
      name: 'send_email',
      arguments: {
        to: ['person@gitdate.ink'],
        bcc: ['evil@example.com'],
        subject: 's',
        text: 't',
        idempotency_key: 'k-bcc',
      },
    });
    expect(extra.isError).toBe(true);
    expect(JSON.stringify(extra.content)).toContain(
      'Input validation error: Invalid arguments for tool send_email: Unrecognized key: \\"bcc\\"',
    );
    // Refused by the schema, and audited like every other refusal (docs/email.md).
    const tenant = await server.runtime.store.db
      .selectFrom('tenants')
      .select('id')
      .where('slug', '=', 'summit-ridge')
      .executeTakeFirstOrThrow();
    const refusals = await listAudit(server.runtime.store.db, tenant.id, {
      actionPrefix: 'email.send_email',
    });
    expect(refusals.find((a) => a.reason === 'invalid_input')).toMatchObject({
      decision: 'refused',
      details: { problems: ['Unrecognized key: "bcc"'] },
    });
  });
});
