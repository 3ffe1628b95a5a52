import { describe, expect, it } from 'vitest';
import { availableDialects, createTestDatabase } from '../support/stores.js';
import { startOAuthServer } from './support/oauth-server.js';

/** Two instances of one deployment (one database, as behind a load balancer) share their abuse limits. */
const dialects = await availableDialects();

describe.each(dialects)('abuse limits across two instances on %s', (dialect) => {
  it('20 registrations per IP per minute in total, whichever instance takes them', async () => {
    const database = await createTestDatabase(dialect);
    const a = await startOAuthServer({
      databaseUrl: database.url,
      env: { WORKONWARD_MCP_BEHIND_PROXY: '1' },
    });
    const b = await startOAuthServer({
      databaseUrl: database.url,
      env: { WORKONWARD_MCP_BEHIND_PROXY: '1' },
    });
    const register = async (url: string, ip: string) =>
      (
        await fetch(`${url}/oauth/register`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
          body: JSON.stringify({
            redirect_uris: ['http://127.0.0.1:5/cb'],
            token_endpoint_auth_method: 'none',
          }),
        })
      ).status;
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 20; i += 1)
        statuses.push(await register(i % 2 === 0 ? a.url : b.url, '203.0.113.9'));
      expect(statuses.every((status) => status === 201)).toBe(true);
      expect(await register(a.url, '203.0.113.9')).toBe(429);
      expect(await register(b.url, '203.0.113.9')).toBe(429);
      expect(await register(b.url, '198.51.100.4')).toBe(201); // another address is unaffected
    } finally {
      await a.stop();
      await b.stop();
      await database.dispose();
    }
  });
});
