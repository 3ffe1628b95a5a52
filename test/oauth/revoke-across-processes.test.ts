import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../../src/lib/clock.js';
import { bundleCli, type Instance, instance } from '../cluster/support/instance.js';
import { mcpPost } from '../cluster/support/load.js';
import { createTestDatabase } from '../support/stores.js';
import { connectedClient, toolCall } from './support/flow.js';
import { freePort, type OAuthTestServer, startOAuthServer } from './support/oauth-server.js';
import { formField } from './support/user-agent.js';

/**
 * Instances cache verified tokens (src/oauth/verified-token-cache.ts); the guarantee stays that
 * a narrowing or a revocation made on one instance is enforced by the next request on every
 * other. Two processes of one deployment on one PostgreSQL: A (in this process) runs the pages
 * the user narrows and revokes on; B is a real `workonward-mcp serve` process whose cache holds
 * the token (it has just served it twice) when the change is made on A.
 */
// A second process on a shared two-core machine: allow it time to start.
vi.setConfig({ testTimeout: 120_000 });

let a: OAuthTestServer;
let b: Instance;
let cli = '';
beforeAll(async () => {
  const database = await createTestDatabase('postgres');
  // One deployment, one root secret (as the cluster harness sets it).
  const key = randomBytes(32).toString('hex');
  a = await startOAuthServer({
    databaseUrl: database.url,
    clock: systemClock,
    env: { WORKONWARD_MCP_OAUTH_SIGNING_KEY: key },
  });
  cli = await bundleCli();
  b = instance(
    'b',
    await freePort(),
    {
      WORKONWARD_ENV: 'development',
      WORKONWARD_MCP_AUTH: 'oauth',
      WORKONWARD_DATABASE_URL: database.url,
      WORKONWARD_MCP_OAUTH_ISSUER: a.url,
      WORKONWARD_MCP_OAUTH_SIGNING_KEY: key,
      WORKONWARD_LOG_LEVEL: 'warn',
    },
    cli,
  );
  await b.start();
}, 180_000);
afterAll(async () => {
  await b.kill();
  await a.stop();
  rmSync(cli, { force: true });
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('a change on one instance, the next request on another (PostgreSQL, two processes)', () => {
  it('narrowing on A narrows B at once; revoking on A refuses B at once', async () => {
    const { tokens, ua, clientId } = await connectedClient(a, { scopes: ['projects:read', 'bids:read'] });
    const token = tokens.body.access_token ?? '';
    // B serves the token twice: the second answer comes from its cache.
    for (let i = 0; i < 2; i += 1) {
      expect((await mcpPost(b.url, toolCall('bids.list', {}), bearer(token))).status).toBe(200);
      expect((await mcpPost(b.url, toolCall('projects.list', {}), bearer(token))).status).toBe(200);
    }
    const grant = await a.runtime.store.db
      .selectFrom('oauth_connections')
      .select('grant_id')
      .where('client_id', '=', clientId)
      .executeTakeFirstOrThrow();
    const apps = '/settings/developer/connected-apps';
    const csrf = formField(await (await ua.get(apps)).text(), 'csrf');

    const narrowed = await ua.post(`${apps}/${grant.grant_id}/scopes`, { csrf, scope: ['projects:read'] });
    expect(narrowed.status).toBe(303);
    expect((await mcpPost(b.url, toolCall('bids.list', {}), bearer(token))).status).toBe(403);
    expect((await mcpPost(b.url, toolCall('projects.list', {}), bearer(token))).status).toBe(200);

    expect((await ua.post(`${apps}/${grant.grant_id}/revoke`, { csrf })).status).toBe(303);
    expect((await mcpPost(b.url, toolCall('projects.list', {}), bearer(token))).status).toBe(401);
  });
});
