import { describe, expect, it } from 'vitest';
import { LOOPBACK_REDIRECT, pkce } from './support/flow.js';
import { startOAuthServer } from './support/oauth-server.js';

/** The Set-Cookie lines of an authorization request's first hop (the engine's interaction cookies). */
async function authorizeCookies(httpsIssuer: boolean): Promise<string[]> {
  const server = await startOAuthServer({ httpsIssuer });
  try {
    const issuer = server.config.oauth.issuer;
    const registered = await fetch(`${server.url}/oauth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ redirect_uris: [LOOPBACK_REDIRECT], token_endpoint_auth_method: 'none' }),
    });
    const { client_id: clientId } = (await registered.json()) as { client_id: string };
    const authorize = new URL('/oauth/authorize', server.url);
    for (const [name, value] of Object.entries({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: LOOPBACK_REDIRECT,
      resource: `${issuer}/mcp`,
      code_challenge: pkce().challenge,
      code_challenge_method: 'S256',
      state: 's',
    }))
      authorize.searchParams.set(name, value);
    const response = await fetch(authorize, { redirect: 'manual' });
    expect(response.status).toBe(303);
    return response.headers.getSetCookie();
  } finally {
    await server.stop();
  }
}

describe("the authorization engine's cookies", () => {
  it('are __Secure- prefixed, Secure, HttpOnly and SameSite=Lax behind an https issuer', async () => {
    const cookies = await authorizeCookies(true);
    const interaction = cookies.find((c) => c.startsWith('__Secure-wo_interaction='));
    const resume = cookies.find((c) => c.startsWith('__Secure-wo_interaction_resume='));
    for (const cookie of [interaction, resume]) {
      expect(cookie).toBeDefined();
      expect(cookie).toMatch(/; secure/i);
      expect(cookie).toMatch(/; httponly/i);
      expect(cookie).toMatch(/; samesite=lax/i);
    }
    expect(cookies.every((c) => c.startsWith('__Secure-'))).toBe(true);
  });

  it('keep their bare names on a plain-http loopback development issuer (a prefix would be refused)', async () => {
    const cookies = await authorizeCookies(false);
    expect(cookies.some((c) => c.startsWith('wo_interaction='))).toBe(true);
    expect(cookies.some((c) => c.startsWith('__Secure-'))).toBe(false);
  });
});
