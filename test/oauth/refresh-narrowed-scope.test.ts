import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../../src/lib/secrets.js';
import { ALEX, connectedClient, mcpRequest, signIn, TOOLS_LIST, tokenRequest } from './support/flow.js';
import { type OAuthTestServer, startOAuthServer } from './support/oauth-server.js';
import { formField, UserAgent } from './support/user-agent.js';
import { availableDialects } from '../support/stores.js';

/**
 * Issue 9, finding 12 (refresh): after a connection is narrowed under Settings → Developer →
 * Connected apps, a refresh answers with only the scopes still granted, and the refreshed tokens
 * carry no more than that — never a removed scope, never a new one.
 */
const dialects = await availableDialects();

describe.each(dialects)('a narrowed connection refreshed on %s', (dialect) => {
  let server: OAuthTestServer;
  beforeAll(async () => {
    server = await startOAuthServer({ dialect });
  });
  afterAll(() => server.stop());

  it('states only the scopes still granted in the refresh response and its tokens', async () => {
    const ua = new UserAgent(server.url);
    await signIn(server, ua, ALEX);
    const { tokens, clientId } = await connectedClient(server, {
      ua,
      scopes: ['projects:read', 'bids:read', 'contacts:read'],
    });
    expect(tokens.body.scope?.split(' ').sort()).toEqual(['bids:read', 'contacts:read', 'projects:read']);
    const { grant_id: grant } = await server.runtime.store.db
      .selectFrom('oauth_models')
      .select('grant_id')
      .where('model', '=', 'AccessToken')
      .where('id', '=', sha256(tokens.body.access_token ?? ''))
      .executeTakeFirstOrThrow();
    const csrf = formField(await (await ua.get('/settings/developer/connected-apps')).text(), 'csrf');
    const narrowed = await ua.post(`/settings/developer/connected-apps/${grant ?? ''}/scopes`, {
      csrf,
      scope: ['projects:read', 'email:send'],
    });
    expect(narrowed.status).toBe(303);

    const refreshed = await tokenRequest(server, {
      grant_type: 'refresh_token',
      refresh_token: tokens.body.refresh_token ?? '',
      client_id: clientId,
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.scope).toBe('projects:read');

    // The refreshed access token is introspected, and lists tools, as exactly that.
    const introspected = (await (
      await fetch(`${server.url}/oauth/introspect`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: refreshed.body.access_token ?? '', client_id: clientId }),
      })
    ).json()) as { active: boolean; scope?: string };
    expect(introspected).toMatchObject({ active: true, scope: 'projects:read' });
    const listed = await (await mcpRequest(server, refreshed.body.access_token, TOOLS_LIST)).text();
    expect(listed).toContain('projects.list');
    expect(listed).not.toContain('bids.list');

    // A second refresh (the rotated token) states the same, and asking for a removed scope fails.
    const again = await tokenRequest(server, {
      grant_type: 'refresh_token',
      refresh_token: refreshed.body.refresh_token ?? '',
      client_id: clientId,
    });
    expect(again.body.scope).toBe('projects:read');
    const widened = await tokenRequest(server, {
      grant_type: 'refresh_token',
      refresh_token: again.body.refresh_token ?? '',
      client_id: clientId,
      scope: 'projects:read bids:read',
    });
    expect(widened.body.scope ?? widened.body.error).not.toContain('bids:read');
  });
});
