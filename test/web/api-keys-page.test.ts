import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storedApiKeyVerifier } from '../../src/domain/api-keys/verify-api-key.js';
import { ALEX, SAM, signIn } from '../oauth/support/flow.js';
import { type OAuthTestServer, startOAuthServer } from '../oauth/support/oauth-server.js';
import { formField, UserAgent } from '../oauth/support/user-agent.js';

let server: OAuthTestServer;
beforeAll(async () => {
  server = await startOAuthServer();
});
afterAll(() => server.stop());

describe('Settings → API keys', () => {
  it('lets an owner create a key (shown once), see it listed by prefix, and revoke it', async () => {
    const ua = new UserAgent(server.url);
    await signIn(server, ua, ALEX);
    const page = await ua.get('/settings/api-keys');
    expect(page.status).toBe(200);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    const csrf = formField(await page.text(), 'csrf');

    const created = await ua.post('/settings/api-keys', {
      csrf,
      name: 'Nightly report',
      scope: ['projects:read', 'bids:read'],
    });
    expect(created.status).toBe(200);
    expect(created.headers.get('cache-control')).toBe('no-store');
    const html = await created.text();
    const key = /wk_live_[0-9a-f]{64}/.exec(html)?.[0] ?? '';
    const verify = storedApiKeyVerifier(server.runtime.store, server.runtime.clock);
    expect(await verify(key)).toMatchObject({
      tenantSlug: 'summit-ridge',
      scopes: ['projects:read', 'bids:read'],
    });

    const again = await (await ua.get('/settings/api-keys')).text();
    expect(again).toContain(key.slice(0, 16));
    expect(again).not.toContain(key);
    const id = /\/settings\/api-keys\/([0-9a-f-]{36})\/revoke/.exec(again)?.[1] ?? '';
    expect((await ua.post(`/settings/api-keys/${id}/revoke`, { csrf })).status).toBe(303);
    expect(await verify(key)).toBeUndefined();
    expect(await (await ua.get('/settings/audit-log')).text()).toContain('api_key.revoked');
  });

  it('refuses a forged form, a key with no scopes, a member, and a signed-out visitor', async () => {
    const owner = new UserAgent(server.url);
    const csrf = await signIn(server, owner, ALEX);
    expect(
      (await owner.post('/settings/api-keys', { csrf: 'forged', name: 'x', scope: 'projects:read' })).status,
    ).toBe(403);
    expect(
      (
        await owner.post(
          '/settings/api-keys',
          { csrf, name: 'x', scope: 'projects:read' },
          { origin: 'https://evil.example' },
        )
      ).status,
    ).toBe(403);
    const empty = await owner.post('/settings/api-keys', { csrf, name: 'x' });
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain('No scopes given');

    // Sam is a member (not owner) of Summit Ridge and owner of Harbor Line: make Summit current.
    const member = new UserAgent(server.url);
    const memberCsrf = await signIn(server, member, SAM);
    const tenants = await (await member.get('/settings/tenants')).text();
    const summit = /id="tenant-([^"]+)"[^>]*>\s*<label[^>]*>Summit Ridge/.exec(tenants)?.[1] ?? '';
    await member.post('/settings/tenants', { csrf: memberCsrf, tenant: summit });
    expect((await member.get('/settings/api-keys')).status).toBe(403);
    expect((await new UserAgent(server.url).get('/settings/api-keys')).status).toBe(303);
  });
});
