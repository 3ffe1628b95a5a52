import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizeUrl, pkce, register } from './support/flow.js';
import { startHttpsFixture, type HttpsFixture } from './support/https-fixture.js';
import { startOAuthServer, type OAuthTestServer } from './support/oauth-server.js';

/**
 * Issue 9, finding 6: one redirect-URI policy for both ways a client comes in, Dynamic Client
 * Registration and a Client ID Metadata Document. Each URI below is refused by both; before the
 * fix a metadata document could list any of them and have the authorization request accepted.
 */
const REFUSED = {
  'plain http off loopback': 'http://app.example/cb',
  userinfo: 'https://user@app.example/cb',
  'userinfo with password': 'https://user:pw@app.example/cb',
  'dot-segment': 'https://app.example/oauth/../cb',
  'single dot-segment': 'https://app.example/oauth/./cb',
  'encoded dot-segment': 'https://app.example/oauth/%2e%2e/cb',
  'ChatGPT look-alike, trailing dot': 'https://chatgpt.com./connector_platform_oauth_redirect',
  'ChatGPT path not documented': 'https://chatgpt.com/connector/oauth/../../evil',
  'upper-case host': 'https://APP.example/cb',
} as const;

let fixture: HttpsFixture;
let server: OAuthTestServer;
beforeAll(async () => {
  fixture = await startHttpsFixture();
  server = await startOAuthServer({
    oauth: { registrationsPerMinute: 1000, metadataFetch: { allowAddress: () => true, ca: fixture.cert } },
  });
});
afterAll(async () => {
  await server.stop();
  await fixture.close();
});

/** Publishes a metadata document listing `redirectUris` and returns its URL (the client id). */
function metadataClient(name: string, redirectUris: string[]): string {
  const path = `/clients/${name.replace(/\W+/g, '-')}.json`;
  const clientId = `${fixture.origin}${path}`;
  const document = {
    client_id: clientId,
    client_name: name,
    redirect_uris: redirectUris,
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
  };
  fixture.route(path, (res) =>
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(document)),
  );
  return clientId;
}

async function authorize(clientId: string, redirectUri: string) {
  const response = await fetch(authorizeUrl(server, { clientId, redirectUri, challenge: pkce().challenge }), {
    redirect: 'manual',
  });
  return { status: response.status, location: response.headers.get('location') };
}

describe('one redirect-URI policy for registration and metadata documents', () => {
  it('a metadata document listing only acceptable URIs is served (control)', async () => {
    const clientId = metadataClient('control', ['https://app.example/cb', 'http://127.0.0.1:8765/cb']);
    for (const uri of ['https://app.example/cb', 'http://127.0.0.1:8765/cb']) {
      const answer = await authorize(clientId, uri);
      expect(answer.status, uri).toBe(303);
      expect(answer.location, uri).toContain('/oauth/interaction/');
    }
  });

  it('refuses each unacceptable URI both at registration and from a metadata document', async () => {
    const accepted: string[] = [];
    for (const [label, uri] of Object.entries(REFUSED)) {
      const registered = await register(server, {
        client_name: label,
        redirect_uris: [uri],
        token_endpoint_auth_method: 'none',
      });
      if (registered.status !== 400) accepted.push(`registration ${String(registered.status)}: ${label}`);
      const answer = await authorize(metadataClient(label, [uri]), uri);
      if (answer.status !== 400 || answer.location !== null)
        accepted.push(`metadata document ${String(answer.status)}: ${label}`);
    }
    expect(accepted).toEqual([]);
  });

  it('refuses a metadata document that lists an unacceptable URI beside good ones (it cannot be corrected on the way in)', async () => {
    const clientId = metadataClient('mixed', ['https://app.example/cb', REFUSED['plain http off loopback']]);
    const answer = await authorize(clientId, 'https://app.example/cb');
    expect(answer.status).toBe(400);
    expect(answer.location).toBeNull();
  });
});
