import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../../src/lib/secrets.js';
import { SIGN_IN_CODES_PER_ADDRESS } from '../../src/web/sign-in-routes.js';
import {
  ALEX,
  authorizeUrl,
  connectedClient,
  consent,
  devMailboxCode,
  pkce,
  registerPublicClient,
  SAM,
  signIn,
  mcpRequest,
  toolCall,
} from '../oauth/support/flow.js';
import { startOAuthServer, type OAuthTestServer } from '../oauth/support/oauth-server.js';
import { formField, UserAgent } from '../oauth/support/user-agent.js';

let server: OAuthTestServer;
beforeAll(async () => {
  server = await startOAuthServer({ oauth: { registrationsPerMinute: 1000 } });
});
afterAll(() => server.stop());

function expectPageHeaders(response: Response) {
  expect(response.headers.get('x-frame-options')).toBe('DENY');
  expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  expect(response.headers.get('cache-control')).toContain('no-store');
}

async function grantOf(accessToken: string): Promise<string> {
  const row = await server.runtime.store.db
    .selectFrom('oauth_models')
    .select('grant_id')
    .where('model', '=', 'AccessToken')
    .where('id', '=', sha256(accessToken))
    .executeTakeFirstOrThrow();
  return row.grant_id ?? '';
}

async function mcpStatus(token: string, tool: string) {
  return (await mcpRequest(server, token, toolCall(tool))).status;
}

describe('sign-in', () => {
  it('serves every page with anti-framing, no-store headers and labelled controls', async () => {
    const ua = new UserAgent(server.url);
    const login = await ua.get('/login');
    expectPageHeaders(login);
    const html = await login.text();
    expect(html).toContain('<label for="email">Email</label>');
    expect(html).toContain('>Send code</button>');
    expect(html).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)[a-z]/i);
    await signIn(server, ua, ALEX);
    for (const path of ['/', '/settings/developer/connected-apps', '/settings/tenants', '/dev/mailbox']) {
      const response = await ua.get(path);
      expect(response.status, path).toBe(200);
      expectPageHeaders(response);
    }
  });

  it('answers unknown or disallowed addresses exactly like allowed ones, and sends them nothing', async () => {
    const ua = new UserAgent(server.url);
    const csrf = formField(await (await ua.get('/login')).text(), 'csrf');
    const before = await server.runtime.store.db.selectFrom('dev_mailbox').select('id').execute();
    const response = await ua.post('/login', { csrf, next: '/', email: 'mallory@evil.example' });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('may sign in, a code is on its way');
    await server.runtime.signInQueue.settled();
    const after = await server.runtime.store.db.selectFrom('dev_mailbox').select('id').execute();
    expect(after.length).toBe(before.length);
  });

  it('makes codes single-use and locks them after 5 wrong guesses', async () => {
    const ua = new UserAgent(server.url);
    const csrf = formField(await (await ua.get('/login')).text(), 'csrf');
    await ua.post('/login', { csrf, next: '/', email: SAM });
    const code = await devMailboxCode(server, SAM);
    for (let i = 0; i < 5; i += 1)
      expect((await ua.post('/login/verify', { csrf, next: '/', email: SAM, code: '00000000' })).status).toBe(
        400,
      );
    expect((await ua.post('/login/verify', { csrf, next: '/', email: SAM, code })).status).toBe(400);

    await ua.post('/login', { csrf, next: '/', email: SAM });
    const fresh = await devMailboxCode(server, SAM);
    expect((await ua.post('/login/verify', { csrf, next: '/', email: SAM, code: fresh })).status).toBe(303);
    const other = new UserAgent(server.url);
    const otherCsrf = formField(await (await other.get('/login')).text(), 'csrf');
    expect(
      (await other.post('/login/verify', { csrf: otherCsrf, next: '/', email: SAM, code: fresh })).status,
    ).toBe(400);
    const stored = await server.runtime.store.db.selectFrom('sign_in_codes').select('code_hash').execute();
    expect(stored.some((row) => row.code_hash.includes(fresh))).toBe(false);
  });

  it('sends at most 5 codes per address per 10 minutes', async () => {
    expect(SIGN_IN_CODES_PER_ADDRESS).toBe(5);
    const limited = await startOAuthServer({ oauth: { signInCodesPerAddress: SIGN_IN_CODES_PER_ADDRESS } });
    try {
      const ua = new UserAgent(limited.url);
      const csrf = formField(await (await ua.get('/login')).text(), 'csrf');
      for (let i = 0; i < 7; i += 1)
        expect((await ua.post('/login', { csrf, next: '/', email: SAM })).status).toBe(200);
      await limited.runtime.signInQueue.settled();
      const sent = await limited.runtime.store.db.selectFrom('dev_mailbox').select('id').execute();
      expect(sent).toHaveLength(5);
    } finally {
      await limited.stop();
    }
  });

  it('honours WORKONWARD_MCP_OAUTH_ALLOWED_EMAILS (addresses and @domain entries)', async () => {
    const limited = await startOAuthServer({
      env: { WORKONWARD_MCP_OAUTH_ALLOWED_EMAILS: '@harborline.example' },
    });
    try {
      const ua = new UserAgent(limited.url);
      await signIn(limited, ua, SAM);
      await expect(signIn(limited, new UserAgent(limited.url), ALEX)).rejects.toThrow(/no sign-in code/);
    } finally {
      await limited.stop();
    }
  });

  it('uses __Host- Secure HttpOnly SameSite=Lax cookies behind an https issuer', async () => {
    const secure = await startOAuthServer({
      env: { WORKONWARD_MCP_OAUTH_ISSUER: 'https://mcp.example.test' },
    });
    try {
      const port = secure.config.http.port;
      const response = await fetch(`http://127.0.0.1:${port}/login`);
      const cookie = response.headers.getSetCookie().join('\n');
      expect(cookie).toMatch(/^__Host-wo_csrf=[^;]+; Path=\/; HttpOnly; Secure; SameSite=Lax$/m);
    } finally {
      await secure.stop();
    }
  });

  it('signs out', async () => {
    const ua = new UserAgent(server.url);
    const csrf = await signIn(server, ua, ALEX);
    expect((await ua.post('/logout', { csrf })).status).toBe(303);
    const after = await ua.get('/settings/developer/connected-apps');
    expect(after.status).toBe(303);
    expect(after.headers.get('location')).toContain('/login');
  });
});

describe('consent', () => {
  it('stores exactly the checked scopes and the chosen tenant; Deny returns access_denied with iss', async () => {
    const ua = new UserAgent(server.url);
    await signIn(server, ua, SAM);
    const { tokens } = await connectedClient(server, {
      ua,
      tenant: 'Harbor Line Contractors',
      scopes: ['projects:read'],
    });
    expect(tokens.body.scope).toBe('projects:read');
    const rows = await server.runtime.store.db
      .selectFrom('oauth_connections as c')
      .innerJoin('tenants as t', 't.id', 'c.tenant_id')
      .select(['t.name', 'c.scopes'])
      .orderBy('c.created_at', 'desc')
      .execute();
    expect(rows[0]).toEqual({ name: 'Harbor Line Contractors', scopes: 'projects:read' });

    const clientId = await registerPublicClient(server);
    const back = await consent(
      server,
      ua,
      { clientId, challenge: pkce().challenge, scope: 'projects:read' },
      { tenant: 'Harbor Line Contractors', scopes: ['projects:read'], decision: 'deny' },
    );
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('iss')).toBe(server.url);
  });

  it('shows a sensible default when the request names no scope: reads checked, sending unchecked', async () => {
    const ua = new UserAgent(server.url);
    await signIn(server, ua, ALEX);
    const clientId = await registerPublicClient(server);
    const { response } = await ua.follow(
      await ua.get(authorizeUrl(server, { clientId, challenge: pkce().challenge })),
    );
    const html = await response.text();
    expect(html).toMatch(/value="projects:read" checked/);
    expect(html).toMatch(/value="email:preview" checked/);
    expect(html).toMatch(/value="email:send"\/>/);
    // Batch sending is off (WORKONWARD_MCP_BATCH_SEND=0): its scope is not offered (issue 7 item 6).
    expect(html).not.toContain('email:send_batch');
    // Changing bids (issue 11) is offered, described, and never pre-checked.
    expect(html).toMatch(/value="bids:write"\/>/);
    expect(html).toContain('made only after you confirm it');
  });

  it('refuses ≥ 10 CSRF variants on consent and revoke', async () => {
    const victim = new UserAgent(server.url);
    await signIn(server, victim, ALEX);
    const { tokens } = await connectedClient(server, { ua: victim, scopes: ['projects:read'] });
    const attacker = new UserAgent(server.url);
    const attackerCsrf = formField(await (await attacker.get('/login')).text(), 'csrf');
    const apps = await (await victim.get('/settings/developer/connected-apps')).text();
    const grant = await grantOf(tokens.body.access_token!);
    expect(apps).toContain(`connected-apps/${grant}/revoke`);
    const csrf = formField(apps, 'csrf');

    const clientId = await registerPublicClient(server);
    const { url: interaction } = await victim.follow(
      await victim.get(
        authorizeUrl(server, { clientId, challenge: pkce().challenge, scope: 'projects:read' }),
      ),
    );
    const variants: { form: Record<string, string>; headers?: Record<string, string> }[] = [
      { form: {} },
      { form: { csrf: '' } },
      { form: { csrf: 'x'.repeat(43) } },
      { form: { csrf: attackerCsrf } },
      { form: { csrf: csrf.toUpperCase() } },
      { form: { csrf: `${csrf}x` } },
      { form: { csrf }, headers: { origin: 'https://evil.example' } },
      { form: { csrf }, headers: { origin: 'null' } },
      { form: { csrf }, headers: { origin: server.url.replace('127.0.0.1', 'localhost') } },
      { form: { csrf }, headers: { 'sec-fetch-site': 'cross-site' } },
      { form: { csrf }, headers: { 'sec-fetch-site': 'same-site' } },
      { form: { csrf: [csrf, attackerCsrf] as unknown as string } },
    ];
    for (const { form, headers } of variants) {
      const revoke = await victim.post(`/settings/developer/connected-apps/${grant}/revoke`, form, headers);
      expect(revoke.status, JSON.stringify({ form, headers })).toBe(403);
      const allow = await victim.post(
        new URL(interaction).pathname,
        { ...form, decision: 'allow', scope: 'projects:read' },
        headers,
      );
      expect(allow.status).toBe(403);
    }
    const cookieless = await fetch(`${server.url}/settings/developer/connected-apps/${grant}/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf }),
      redirect: 'manual',
    });
    expect(cookieless.status).toBe(403);
    expect(await mcpStatus(tokens.body.access_token!, 'projects.list')).toBe(200);
  });
});

describe('connected apps', () => {
  it('lists connections, narrows scopes in place and revokes with immediate effect', async () => {
    const ua = new UserAgent(server.url);
    await signIn(server, ua, ALEX);
    const { tokens, clientId } = await connectedClient(server, {
      ua,
      scopes: ['projects:read', 'bids:read'],
    });
    expect(await mcpStatus(tokens.body.access_token!, 'bids.list')).toBe(200);
    // The client's own view of its token (a public client introspects with its client_id).
    const introspect = async () =>
      (await (
        await fetch(`${server.url}/oauth/introspect`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ token: tokens.body.access_token!, client_id: clientId }),
        })
      ).json()) as { active: boolean; scope?: string };
    expect(await introspect()).toMatchObject({ active: true, scope: expect.stringContaining('bids:read') });
    const page = await ua.get('/settings/developer/connected-apps');
    const html = await page.text();
    expect(html).toContain('Test client');
    expect(html).toContain('Summit Ridge Builders');
    expect(html).toContain('projects:read, bids:read');
    // Every connection in this suite is made at the same fixed instant: find this token's grant.
    const grant = await grantOf(tokens.body.access_token!);
    expect(html).toContain(`connected-apps/${grant}/scopes`);
    const csrf = formField(html, 'csrf');

    expect(
      (
        await ua.post(`/settings/developer/connected-apps/${grant}/scopes`, {
          csrf,
          scope: ['projects:read', 'email:send'],
        })
      ).status,
    ).toBe(303);
    expect(await mcpStatus(tokens.body.access_token!, 'bids.list')).toBe(403);
    expect(await mcpStatus(tokens.body.access_token!, 'projects.list')).toBe(200);
    const narrowed = await introspect();
    expect(narrowed.active).toBe(true);
    expect(narrowed.scope?.split(' ')).toContain('projects:read');
    expect(narrowed.scope?.split(' ')).not.toContain('bids:read'); // narrowing shows in introspection too
    expect(narrowed.scope?.split(' ')).not.toContain('email:send'); // and never widens

    expect((await ua.post(`/settings/developer/connected-apps/${grant}/revoke`, { csrf })).status).toBe(303);
    expect(await mcpStatus(tokens.body.access_token!, 'projects.list')).toBe(401);
    expect(await introspect()).toEqual({ active: false });
    expect(await (await ua.get('/settings/developer/connected-apps')).text()).not.toContain(grant);

    const actions = await server.runtime.store.db
      .selectFrom('audit_log')
      .select(['action', 'decision', 'user_id', 'client_id', 'tenant_id'])
      .execute();
    const seen = new Set(actions.map((a) => a.action));
    for (const action of [
      'web.sign_in',
      'oauth.login',
      'oauth.consent',
      'oauth.token_issued',
      'oauth.scopes_narrowed',
      'oauth.connection_revoked',
    ])
      expect(seen.has(action), action).toBe(true);
    const revoked = actions.find((a) => a.action === 'oauth.connection_revoked');
    expect(revoked?.user_id && revoked.client_id && revoked.tenant_id).toBeTruthy();
  });

  it("cannot revoke another user's connection", async () => {
    const alex = new UserAgent(server.url);
    await signIn(server, alex, ALEX);
    const { tokens } = await connectedClient(server, { ua: alex, scopes: ['projects:read'] });
    const grant = await grantOf(tokens.body.access_token!);
    const sam = new UserAgent(server.url);
    const csrf = await signIn(server, sam, SAM);
    await sam.post(`/settings/developer/connected-apps/${grant}/revoke`, { csrf });
    expect(await mcpStatus(tokens.body.access_token!, 'projects.list')).toBe(200);
  });

  it("revokes all of the user's apps at once, and nobody else's; a forged form revokes nothing", async () => {
    const alex = new UserAgent(server.url);
    await signIn(server, alex, ALEX);
    const alexToken = (await connectedClient(server, { ua: alex, scopes: ['projects:read'] })).tokens.body
      .access_token!;
    const sam = new UserAgent(server.url);
    await signIn(server, sam, SAM);
    const samTokens = [
      (await connectedClient(server, { ua: sam, scopes: ['projects:read'] })).tokens.body.access_token!,
      (await connectedClient(server, { ua: sam, scopes: ['projects:read'] })).tokens.body.access_token!,
    ];
    const page = await (await sam.get('/settings/developer/connected-apps')).text();
    expect(page).toMatch(/Revoke all \d+ apps/);

    expect((await sam.post('/settings/developer/connected-apps/revoke-all', { csrf: 'forged' })).status).toBe(
      403,
    );
    for (const token of samTokens) expect(await mcpStatus(token, 'projects.list')).toBe(200);

    const done = await sam.post('/settings/developer/connected-apps/revoke-all', {
      csrf: formField(page, 'csrf'),
    });
    expect(done.status).toBe(303);
    for (const token of samTokens) expect(await mcpStatus(token, 'projects.list')).toBe(401);
    expect(await mcpStatus(alexToken, 'projects.list')).toBe(200);
    expect(await (await sam.get('/settings/developer/connected-apps')).text()).toContain(
      'No apps are connected.',
    );
  });

  it('switches the tenant preselected on the consent page', async () => {
    const ua = new UserAgent(server.url);
    await signIn(server, ua, SAM);
    const page = await (await ua.get('/settings/tenants')).text();
    const harbor =
      /id="tenant-([^"]+)"[^>]*\/><label for="tenant-\1">Harbor Line Contractors</.exec(page)?.[1] ?? '';
    await ua.post('/settings/tenants', { csrf: formField(page, 'csrf'), tenant: harbor });
    const clientId = await registerPublicClient(server);
    const { response } = await ua.follow(
      await ua.get(authorizeUrl(server, { clientId, challenge: pkce().challenge, scope: 'projects:read' })),
    );
    expect(await response.text()).toMatch(new RegExp(`value="${harbor}" checked`));
  });

  it('shows the sign-in mail in the development mailbox', async () => {
    const ua = new UserAgent(server.url);
    await signIn(server, ua, ALEX);
    const html = await (await ua.get('/dev/mailbox')).text();
    expect(html).toContain('Your BuildWorkPro sign-in code');
  });
});
