import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { ALEX, connectedClient, devMailboxCode, tokenRequest } from './support/flow.js';
import { startOAuthServer } from './support/oauth-server.js';

async function registerFrom(url: string, forwardedFor: string) {
  const response = await fetch(`${url}/oauth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
    body: JSON.stringify({ redirect_uris: ['http://127.0.0.1:5/cb'], token_endpoint_auth_method: 'none' }),
  });
  return response.status;
}

describe('WORKONWARD_MCP_BEHIND_PROXY', () => {
  it('trusts X-Forwarded-For for the client IP only when set', async () => {
    const proxied = await startOAuthServer({ env: { WORKONWARD_MCP_BEHIND_PROXY: '1' } });
    const direct = await startOAuthServer();
    try {
      for (let i = 0; i < 20; i += 1) expect(await registerFrom(proxied.url, '203.0.113.7')).toBe(201);
      expect(await registerFrom(proxied.url, '203.0.113.7')).toBe(429);
      expect(await registerFrom(proxied.url, '198.51.100.9')).toBe(201);

      for (let i = 0; i < 20; i += 1) expect(await registerFrom(direct.url, `198.51.100.${i}`)).toBe(201);
      expect(await registerFrom(direct.url, '192.0.2.200')).toBe(429);
    } finally {
      await proxied.stop();
      await direct.stop();
    }
  });
});

describe('secret leakage', () => {
  it('writes no token, code or sign-in code to the logs, even at trace level', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    const server = await startOAuthServer({
      logger: pino({ level: 'trace' }, sink),
      oauth: { registrationsPerMinute: 1000 },
    });
    try {
      const { tokens, code, clientId } = await connectedClient(server, { email: ALEX });
      const signInCode = await devMailboxCode(server, ALEX);
      const refreshed = await tokenRequest(server, {
        grant_type: 'refresh_token',
        refresh_token: tokens.body.refresh_token!,
        client_id: clientId,
      });
      const secrets = [
        tokens.body.access_token!,
        tokens.body.refresh_token!,
        refreshed.body.access_token!,
        refreshed.body.refresh_token!,
        code,
        signInCode,
      ];
      const variants = secrets.flatMap((s) => [s, encodeURIComponent(s), Buffer.from(s).toString('base64')]);
      const log = lines.join('');
      expect(log.length).toBeGreaterThan(0);
      expect(variants.filter((v) => log.includes(v))).toEqual([]);
    } finally {
      await server.stop();
    }
  });
});
