import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ALEX,
  authorizeUrl,
  connectedClient,
  consent,
  LOOPBACK_REDIRECT,
  pkce,
  register,
  registerPublicClient,
  signIn,
  tokenRequest,
  mcpRequest,
  TOOLS_LIST,
} from './support/flow.js';
import { ManualClock } from '../support/clock.js';
import { startOAuthServer, type OAuthTestServer } from './support/oauth-server.js';
import { UserAgent } from './support/user-agent.js';

let server: OAuthTestServer;
let ua: UserAgent;
const clock = new ManualClock();
beforeAll(async () => {
  server = await startOAuthServer({
    clock,
    oauth: { registrationsPerMinute: 1000 },
    env: { WORKONWARD_MCP_OAUTH_REFRESH_GRACE_SECONDS: '1' },
  });
  ua = new UserAgent(server.url);
  await signIn(server, ua, ALEX);
});
afterAll(() => server.stop());

async function toolsList(token: string, path = '/mcp') {
  return (await mcpRequest(server, token, TOOLS_LIST, { path })).status;
}

async function codeFor(clientId: string, challenge: string) {
  const back = await consent(
    server,
    ua,
    { clientId, challenge, scope: 'projects:read' },
    { tenant: 'Summit Ridge Builders', scopes: ['projects:read'] },
  );
  return back.searchParams.get('code') ?? '';
}

describe('PKCE (S256 only, required)', () => {
  it('refuses authorization requests without a challenge or with plain, at the server (no redirect)', async () => {
    const clientId = await registerPublicClient(server);
    const variants: Record<string, string>[] = [
      {},
      { code_challenge: 'a'.repeat(43) },
      { code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' },
      { code_challenge: 'a'.repeat(43), code_challenge_method: 'S512' },
      { code_challenge: 'a'.repeat(43), code_challenge_method: 's256' },
      { code_challenge: 'short', code_challenge_method: 'S256' },
      { code_challenge: 'a'.repeat(129), code_challenge_method: 'S256' },
      { code_challenge: '', code_challenge_method: 'S256' },
      { code_challenge_method: 'S256' },
    ];
    for (const extra of variants) {
      const url = new URL(authorizeUrl(server, { clientId }));
      for (const [k, v] of Object.entries(extra)) url.searchParams.set(k, v);
      if (!('code_challenge_method' in extra)) url.searchParams.delete('code_challenge_method');
      const response = await fetch(url, { redirect: 'manual' });
      expect(response.status, JSON.stringify(extra)).toBe(400);
      expect(response.headers.get('location')).toBeNull();
    }
  });

  it('refuses a token request with a missing, wrong or malformed verifier', async () => {
    const clientId = await registerPublicClient(server);
    const verifiers = [
      undefined,
      '',
      'x',
      'a'.repeat(42),
      'a'.repeat(129),
      pkce().verifier,
      'invalid chars !!!'.padEnd(50, '!'),
    ];
    for (const verifier of verifiers) {
      const { challenge } = pkce();
      const code = await codeFor(clientId, challenge);
      const form: Record<string, string> = {
        grant_type: 'authorization_code',
        code,
        client_id: clientId,
        redirect_uri: LOOPBACK_REDIRECT,
      };
      if (verifier !== undefined) form.code_verifier = verifier;
      const answer = await tokenRequest(server, form);
      expect(answer.status, String(verifier)).toBe(400);
      expect(['invalid_grant', 'invalid_request']).toContain(answer.body.error);
      // The challenge itself is not a verifier either.
      const again = await tokenRequest(server, { ...form, code_verifier: challenge });
      expect(again.status).toBe(400);
    }
  });
});

describe('authorization codes', () => {
  it('rejects a replayed code and revokes what the code issued', async () => {
    const { tokens, clientId, verifier, code } = await connectedClient(server, { ua });
    expect(tokens.status).toBe(200);
    expect(await toolsList(tokens.body.access_token!)).toBe(200);
    const replay = await tokenRequest(server, {
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      client_id: clientId,
      redirect_uri: LOOPBACK_REDIRECT,
    });
    expect(replay.status).toBe(400);
    expect(replay.body.error).toBe('invalid_grant');
    expect(await toolsList(tokens.body.access_token!)).toBe(401);
    const refresh = await tokenRequest(server, {
      grant_type: 'refresh_token',
      refresh_token: tokens.body.refresh_token!,
      client_id: clientId,
    });
    expect(refresh.status).toBe(400);
  });

  it('binds the code to its client and redirect URI', async () => {
    const { clientId, verifier, code } = await (async () => {
      const id = await registerPublicClient(server, [LOOPBACK_REDIRECT, 'http://127.0.0.1:1/other']);
      const p = pkce();
      return { clientId: id, verifier: p.verifier, code: await codeFor(id, p.challenge) };
    })();
    const other = await registerPublicClient(server);
    const wrongClient = await tokenRequest(server, {
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      client_id: other,
      redirect_uri: LOOPBACK_REDIRECT,
    });
    expect(wrongClient.status).toBe(400);
    const wrongRedirect = await tokenRequest(server, {
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      client_id: clientId,
      redirect_uri: 'http://127.0.0.1:1/other',
    });
    expect(wrongRedirect.status).toBe(400);
  });
});

describe('refresh token rotation', () => {
  it('replays the same answer within the grace window, then revokes the family on reuse after it', async () => {
    const { tokens, clientId } = await connectedClient(server, { ua });
    const form = {
      grant_type: 'refresh_token',
      refresh_token: tokens.body.refresh_token!,
      client_id: clientId,
    };
    const first = await tokenRequest(server, form);
    expect(first.status).toBe(200);
    const retry = await tokenRequest(server, form);
    expect(retry.status).toBe(200);
    expect(retry.body.refresh_token).toBe(first.body.refresh_token);
    expect(retry.body.access_token).toBe(first.body.access_token);
    expect(retry.headers.get('cache-control')).toContain('no-store');

    clock.advance(1001);
    const reuse = await tokenRequest(server, form);
    expect(reuse.status).toBe(400);
    expect(reuse.body.error).toBe('invalid_grant');
    expect(await toolsList(first.body.access_token!)).toBe(401);
    const child = await tokenRequest(server, { ...form, refresh_token: first.body.refresh_token! });
    expect(child.status).toBe(400);
    const audit = await server.runtime.store.db
      .selectFrom('audit_log')
      .select(['action', 'decision'])
      .where('action', 'in', ['oauth.refresh_reuse', 'oauth.grant_revoked'])
      .execute();
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(['oauth.refresh_reuse', 'oauth.grant_revoked']),
    );
  });

  it('never widens scope on refresh', async () => {
    const { tokens, clientId } = await connectedClient(server, { ua, scopes: ['projects:read'] });
    const wider = await tokenRequest(server, {
      grant_type: 'refresh_token',
      refresh_token: tokens.body.refresh_token!,
      client_id: clientId,
      scope: 'projects:read bids:read',
    });
    expect(wider.status).toBe(400);
    expect(wider.body.error).toBe('invalid_scope');
  });
});

describe('audience binding', () => {
  it('refuses resources this server does not serve', async () => {
    const clientId = await registerPublicClient(server);
    const { challenge } = pkce();
    const port = new URL(server.url).port;
    for (const resource of [
      'https://evil.example/mcp',
      `http://127.0.0.1:${Number(port) + 1}/mcp`,
      `http://localhost:${port}/mcp`,
      `${server.url}/other`,
      `${server.url}/mcp/extra`,
    ]) {
      const response = await fetch(authorizeUrl(server, { clientId, challenge, resource }), {
        redirect: 'manual',
      });
      expect(response.status, resource).toBe(400);
      expect(response.headers.get('location')).toBeNull();
    }
  });

  it('accepts the token on both MCP paths (one resource server) and a trailing-slash resource', async () => {
    const clientId = await registerPublicClient(server);
    const { challenge, verifier } = pkce();
    const back = await consent(
      server,
      ua,
      { clientId, challenge, scope: 'projects:read', resource: `${server.url}/api/mcp/` },
      { tenant: 'Summit Ridge Builders', scopes: ['projects:read'] },
    );
    const tokens = await tokenRequest(server, {
      grant_type: 'authorization_code',
      code: back.searchParams.get('code')!,
      code_verifier: verifier,
      client_id: clientId,
      redirect_uri: LOOPBACK_REDIRECT,
    });
    expect(tokens.status).toBe(200);
    expect(await toolsList(tokens.body.access_token!, '/api/mcp')).toBe(200);
    expect(await toolsList(tokens.body.access_token!, '/mcp')).toBe(200);
  });

  it('introspects unknown and foreign tokens as exactly {"active":false}', async () => {
    const { body } = await register(server, {
      client_name: 'introspector',
      redirect_uris: ['https://rs.example/cb'],
      token_endpoint_auth_method: 'client_secret_basic',
    });
    const basic = Buffer.from(`${body.client_id}:${String(body.client_secret)}`).toString('base64');
    for (const token of ['not-a-token', 'x'.repeat(43), '']) {
      const response = await fetch(`${server.url}/oauth/introspect`, {
        method: 'POST',
        headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token }),
      });
      if (token === '') {
        expect(response.status).toBe(400);
        continue;
      }
      expect(await response.json()).toEqual({ active: false });
    }
    const { tokens } = await connectedClient(server, { ua });
    const foreign = await fetch(`${server.url}/oauth/introspect`, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: tokens.body.access_token! }),
    });
    expect(await foreign.json()).toEqual({ active: false });
  });
});

describe('open redirects', () => {
  it('never redirects to an attacker-registered client before the user has signed in', async () => {
    const { body } = await register(server, {
      client_name: 'attacker',
      redirect_uris: ['https://evil.example/cb'],
      token_endpoint_auth_method: 'none',
    });
    const { challenge } = pkce();
    const scenarios: Record<string, string>[] = [
      { response_type: 'token' },
      { response_type: 'id_token' },
      { response_type: 'bogus' },
      { scope: 'openid', prompt: 'none' },
      { prompt: 'none' },
      { prompt: 'bogus' },
      { resource: 'https://evil.example/' },
      { code_challenge_method: 'plain' },
      { code_challenge: '' },
      { max_age: 'abc' },
      { request: 'eyJhbGciOiJub25lIn0.e30.' },
      { request_uri: 'https://evil.example/req' },
      { response_mode: 'bogus' },
      { response_mode: 'fragment', response_type: 'token' },
      { claims: '{bad json' },
      { acr_values: 'x'.repeat(5000) },
      { id_token_hint: 'garbage' },
      { login_hint: '<script>' },
      { ui_locales: '\u0000' },
      { authorization_details: '[{"type":"x"}]' },
    ];
    const redirected: string[] = [];
    for (const extra of scenarios) {
      const response = await fetch(
        authorizeUrl(server, {
          clientId: body.client_id,
          redirectUri: 'https://evil.example/cb',
          challenge,
          extra,
        }),
        {
          redirect: 'manual',
        },
      );
      const location = response.headers.get('location') ?? '';
      if (location.startsWith('https://evil.example')) redirected.push(JSON.stringify(extra));
    }
    expect(redirected).toEqual([]);
  });

  it('answers credential POSTs with 303, never 307 or 308, and only to local paths', async () => {
    const agent = new UserAgent(server.url);
    const page = await (await agent.get('/login')).text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
    for (const next of [
      '//evil.example/x',
      '/\\evil.example',
      'https://evil.example',
      'javascript:alert(1)',
      '/%0d%0aLocation:x',
    ]) {
      await agent.post('/login', { csrf, next, email: ALEX });
      const { devMailboxCode } = await import('./support/flow.js');
      const code = await devMailboxCode(server, ALEX);
      const response = await agent.post('/login/verify', { csrf, next, email: ALEX, code });
      expect(response.status).toBe(303);
      const location = response.headers.get('location') ?? '';
      expect(
        location.startsWith('/') && !location.startsWith('//') && !location.startsWith('/\\'),
        location,
      ).toBe(true);
      expect(new URL(location, server.url).origin).toBe(server.url);
    }
  });
});
