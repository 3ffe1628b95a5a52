import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableDialects } from '../support/stores.js';
import { ALEX, consent, LOOPBACK_REDIRECT, pkce, register, signIn } from './support/flow.js';
import { startOAuthServer, type OAuthTestServer } from './support/oauth-server.js';
import { UserAgent } from './support/user-agent.js';

const dialects = await availableDialects();

interface Confidential {
  readonly id: string;
  readonly secret: string;
}

/** A token request; `basic` authenticates with HTTP Basic, otherwise the form carries what it carries. */
async function token(server: OAuthTestServer, form: Record<string, string>, basic?: Confidential) {
  const response = await fetch(`${server.url}/oauth/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(basic !== undefined && {
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(basic.id)}:${encodeURIComponent(basic.secret)}`).toString('base64')}`,
      }),
    },
    body: new URLSearchParams(form),
  });
  return { status: response.status, body: (await response.json()) as Record<string, string> };
}

/**
 * Issue 9, finding 4: within the grace window a rotated refresh token gets the earlier answer
 * again, but only for the client it was issued to, authenticated as the engine authenticates any
 * token request. Before the fix the replay was answered before client authentication.
 */
describe.each(dialects)('refresh grace authenticates the client before replaying (%s)', (dialect) => {
  let server: OAuthTestServer;
  let ua: UserAgent;
  beforeAll(async () => {
    server = await startOAuthServer({
      dialect,
      oauth: { registrationsPerMinute: 1000, failedClientAuthsPerMinute: 1000 },
      env: { WORKONWARD_MCP_OAUTH_REFRESH_GRACE_SECONDS: '60' },
    });
    ua = new UserAgent(server.url);
    await signIn(server, ua, ALEX);
  });
  afterAll(() => server.stop());

  async function confidentialClient(): Promise<Confidential> {
    const { status, body } = await register(server, {
      client_name: 'Confidential test client',
      redirect_uris: [LOOPBACK_REDIRECT],
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['authorization_code', 'refresh_token'],
    });
    expect(status).toBe(201);
    return { id: body.client_id, secret: String(body.client_secret) };
  }

  /** A confidential client with a refresh token that has just been rotated once. */
  async function rotatedOnce() {
    const client = await confidentialClient();
    const { verifier, challenge } = pkce();
    const back = await consent(
      server,
      ua,
      { clientId: client.id, challenge, scope: 'projects:read' },
      { tenant: 'Summit Ridge Builders', scopes: ['projects:read'] },
    );
    const issued = await token(
      server,
      {
        grant_type: 'authorization_code',
        code: back.searchParams.get('code') ?? '',
        code_verifier: verifier,
        redirect_uri: LOOPBACK_REDIRECT,
        resource: `${server.url}/mcp`,
      },
      client,
    );
    expect(issued.status).toBe(200);
    const parent = issued.body.refresh_token ?? '';
    const first = await token(server, { grant_type: 'refresh_token', refresh_token: parent }, client);
    expect(first.status).toBe(200);
    return { client, parent, first: first.body };
  }

  it('replays the earlier answer to the same client, authenticated', async () => {
    const { client, parent, first } = await rotatedOnce();
    const again = await token(server, { grant_type: 'refresh_token', refresh_token: parent }, client);
    expect(again.status).toBe(200);
    expect(again.body.access_token).toBe(first.access_token);
    expect(again.body.refresh_token).toBe(first.refresh_token);
  });

  it('refuses a replay with no client authentication, a wrong secret, or another client', async () => {
    const { client, parent, first } = await rotatedOnce();
    const other = await confidentialClient();
    const attempts = {
      'no authentication': await token(server, { grant_type: 'refresh_token', refresh_token: parent }),
      'client id only': await token(server, {
        grant_type: 'refresh_token',
        refresh_token: parent,
        client_id: client.id,
      }),
      'wrong secret': await token(
        server,
        { grant_type: 'refresh_token', refresh_token: parent },
        { id: client.id, secret: `${client.secret}x` },
      ),
      'another client': await token(server, { grant_type: 'refresh_token', refresh_token: parent }, other),
    };
    const answered = Object.entries(attempts).filter(([, answer]) => answer.status === 200);
    expect(answered.map(([name]) => name)).toEqual([]);
    for (const [name, answer] of Object.entries(attempts)) {
      expect(answer.status, name).toBeGreaterThanOrEqual(400);
      expect(answer.body.access_token, name).toBeUndefined();
      expect(['invalid_client', 'invalid_grant', 'invalid_request'], name).toContain(answer.body.error);
    }
    expect(attempts['another client'].body.error).toBe('invalid_grant');

    // None of the refused attempts revoked anything: the rightful client still gets its answer,
    // and the child it was given still rotates.
    const rightful = await token(server, { grant_type: 'refresh_token', refresh_token: parent }, client);
    expect(rightful.status).toBe(200);
    expect(rightful.body.access_token).toBe(first.access_token);
    const next = await token(
      server,
      { grant_type: 'refresh_token', refresh_token: first.refresh_token ?? '' },
      client,
    );
    expect(next.status).toBe(200);
  });
});
