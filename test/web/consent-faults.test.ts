import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALEX, authorizeUrl, pkce, registerPublicClient, signIn } from '../oauth/support/flow.js';
import { startOAuthServer, type OAuthTestServer } from '../oauth/support/oauth-server.js';
import { UserAgent } from '../oauth/support/user-agent.js';

let server: OAuthTestServer;
beforeAll(async () => {
  server = await startOAuthServer({ oauth: { registrationsPerMinute: 1000 } });
});
afterAll(() => server.stop());

/** A signed-in user's browser, sent by the authorization request to its consent page. */
async function atConsent(): Promise<{ ua: UserAgent; page: string }> {
  const ua = new UserAgent(server.url);
  await signIn(server, ua, ALEX);
  const clientId = await registerPublicClient(server);
  const authorized = await ua.get(
    authorizeUrl(server, { clientId, challenge: pkce().challenge, scope: 'projects:read' }),
  );
  const page = authorized.headers.get('location') ?? '';
  expect(page).toContain('/oauth/interaction/');
  return { ua, page };
}

describe('the consent page when something fails', () => {
  it('tells a user whose interaction is gone to start again (their fault, 400)', async () => {
    const { page } = await atConsent();
    const stranger = new UserAgent(server.url);
    const response = await stranger.get(page);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('expired or belongs to another browser');
  });

  it('answers a database failure as a server fault, never as "your sign-in link expired"', async () => {
    const { ua, page } = await atConsent();
    await sql`alter table oauth_models rename to oauth_models_elsewhere`.execute(server.runtime.store.db);
    try {
      const response = await ua.get(page);
      expect(response.status).toBe(500);
      expect(await response.text()).not.toContain('expired');
    } finally {
      await sql`alter table oauth_models_elsewhere rename to oauth_models`.execute(server.runtime.store.db);
    }
    // The same interaction carries on once the database is back.
    const { response, url } = await ua.follow(await ua.get(page));
    expect(response.status).toBe(200);
    expect(url).toContain('/oauth/interaction/');
  });

  it('answers a request naming no scope while the store is down as a server fault, not a guessed scope set', async () => {
    const ua = new UserAgent(server.url);
    await signIn(server, ua, ALEX);
    const clientId = await registerPublicClient(server);
    await sql`alter table oauth_models rename to oauth_models_elsewhere`.execute(server.runtime.store.db);
    try {
      const response = await ua.get(authorizeUrl(server, { clientId, challenge: pkce().challenge }));
      expect(response.status).toBe(500);
      expect(response.headers.get('location')).toBeNull();
      expect(await response.text()).not.toMatch(/sqlite|oauth_models/i);
    } finally {
      await sql`alter table oauth_models_elsewhere rename to oauth_models`.execute(server.runtime.store.db);
    }
  });
});
