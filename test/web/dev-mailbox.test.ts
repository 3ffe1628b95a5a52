import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOAuthServer, type OAuthTestServer } from '../oauth/support/oauth-server.js';
import { rawRequest } from '../support/raw-request.js';

/**
 * Issue 9, finding 9: the dev mailbox shows sign-in codes, so it exists only on a loopback bind
 * and answers only loopback Host names (a DNS-rebinding page cannot read it).
 */
describe('dev mailbox on a loopback bind', () => {
  let server: OAuthTestServer;
  beforeAll(async () => {
    server = await startOAuthServer();
  });
  afterAll(() => server.stop());

  it('answers a loopback Host', async () => {
    const port = new URL(server.url).port;
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`]) {
      const answer = await rawRequest(`${server.url}/dev/mailbox`, { headers: { host } });
      expect(answer.status, host).toBe(200);
    }
  });

  it.each(['evil.example', 'rebind.evil.example:80', '10.0.0.1', 'localhost.evil.example'])(
    'refuses Host %s',
    async (host) => {
      const answer = await rawRequest(`${server.url}/dev/mailbox`, { headers: { host } });
      expect(answer.status).toBe(403);
      expect(answer.text).not.toContain('sign-in code');
    },
  );
});

describe('dev mailbox on a non-loopback bind', () => {
  let server: OAuthTestServer;
  beforeAll(async () => {
    server = await startOAuthServer({ env: { WORKONWARD_MCP_HOST: '0.0.0.0' } });
  });
  afterAll(() => server.stop());

  it('does not exist, whatever the Host', async () => {
    const port = new URL(server.url).port;
    const answer = await rawRequest(`http://127.0.0.1:${port}/dev/mailbox`, {
      headers: { host: `localhost:${port}` },
    });
    expect(answer.status).toBe(404);
  });
});
