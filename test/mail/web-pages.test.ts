import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendMessages } from '../../src/domain/mail/send.js';
import { ALL_SCOPES } from '../../src/domain/scopes.js';
import { ALEX, SAM, signIn } from '../oauth/support/flow.js';
import { type OAuthTestServer, startOAuthServer } from '../oauth/support/oauth-server.js';
import { formField, UserAgent } from '../oauth/support/user-agent.js';

let server: OAuthTestServer;
let messageId: string;
beforeAll(async () => {
  server = await startOAuthServer({
    env: { WORKONWARD_MCP_RECIPIENT_ALLOWLIST: '@gitdate\\.ink$', WORKONWARD_MAIL_WORKER: '0' },
  });
  const tenant = await server.runtime.store.db
    .selectFrom('tenants')
    .select(['id', 'slug', 'name'])
    .where('slug', '=', 'summit-ridge')
    .executeTakeFirstOrThrow();
  const principal = {
    tenantId: tenant.id,
    tenantSlug: tenant.slug,
    tenantName: tenant.name,
    userId: null,
    clientId: 'chatgpt',
    scopes: ALL_SCOPES,
  };
  const result = await sendMessages(server.runtime.mailDeps, principal, {
    tool: 'send_email',
    key: 'web-1',
    items: [{ message: { to: ['person@gitdate.ink'], subject: 'Bid #123 follow-up', text: 'Hello' } }],
  });
  messageId = result.results[0]?.message_id ?? '';
});
afterAll(() => server.stop());

describe('Settings → Outbox and Audit log', () => {
  it('shows an owner the queued message, lets them cancel it, and records the cancel in the audit log', async () => {
    const ua = new UserAgent(server.url);
    await signIn(server, ua, ALEX);
    const outbox = await (await ua.get('/settings/outbox')).text();
    expect(outbox).toContain('Bid #123 follow-up');
    expect(outbox).toContain('person@gitdate.ink');
    expect(outbox).toContain(`/settings/outbox/${messageId}/cancel`);
    const csrf = formField(outbox, 'csrf');
    expect((await ua.post(`/settings/outbox/${messageId}/cancel`, { csrf })).status).toBe(303);
    expect(await (await ua.get('/settings/outbox')).text()).toContain('cancelled');
    const again = await ua.post(`/settings/outbox/${messageId}/cancel`, { csrf });
    expect(again.status).toBe(409);
    expect(await again.text()).toContain('this one is cancelled');
    // An id this tenant does not have is not a state conflict: it is not found.
    expect((await ua.post('/settings/outbox/no-such-message/retry', { csrf })).status).toBe(404);
    const audit = await (await ua.get('/settings/audit-log')).text();
    expect(audit).toContain('email.outbox_cancel');
    expect(audit).toContain('email.send_email');
    expect(audit).toContain('person@gitdate.ink');
    expect((await ua.post(`/settings/outbox/${messageId}/retry`, { csrf: 'forged' })).status).toBe(403);
  });

  it('says a dry-run message was recorded, never that it was queued (issue 7 item 6)', async () => {
    await server.runtime.store.db
      .updateTable('mail_outbox')
      .set({ status: 'dry_run' })
      .where('id', '=', messageId)
      .execute();
    const ua = new UserAgent(server.url);
    await signIn(server, ua, ALEX);
    const outbox = await (await ua.get('/settings/outbox')).text();
    const card = outbox.slice(outbox.indexOf('Bid #123 follow-up'));
    expect(card).toContain('never queued');
    expect(card).toMatch(/· recorded \d/);
    expect(card).not.toMatch(/· queued \d/);
  });

  it('refuses signed-out visitors, and never shows one tenant’s outbox to a user of another', async () => {
    const anonymous = new UserAgent(server.url);
    expect((await anonymous.get('/settings/audit-log')).status).toBe(303);
    const member = new UserAgent(server.url);
    await signIn(server, member, SAM);
    const page = await member.get('/settings/outbox');
    expect([200, 403]).toContain(page.status);
    expect(await page.text()).not.toContain('Bid #123 follow-up');
  });
});
