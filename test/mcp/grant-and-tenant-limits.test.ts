import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RETRY_AFTER_META } from '../../src/mcp/tool-results.js';
import { ALEX, connectedClient, signIn } from '../oauth/support/flow.js';
import { freePort, type OAuthTestServer, startOAuthServer } from '../oauth/support/oauth-server.js';
import { UserAgent } from '../oauth/support/user-agent.js';
import { availableDialects, createTestDatabase, type TestDatabase } from '../support/stores.js';

/**
 * Per-grant tool-call limits and per-tenant sending quotas are counted in the shared database:
 * two instances of one deployment (as behind the balancer) refuse the call past the limit
 * whichever of them takes it, with a tool error naming the limit and the seconds to wait.
 */
const dialects = await availableDialects();
const METRICS_TOKEN = 'metrics-token-0123456789abcdef0123456789';
const MAIL_SCOPES = ['projects:read', 'email:preview', 'email:send'];

describe.each(dialects)('rate limits and quotas across two instances on %s', (dialect) => {
  let database: TestDatabase;
  let one: OAuthTestServer;
  let two: OAuthTestServer;
  /** Where instance two listens (`two.url` is the shared issuer). */
  let twoUrl: string;
  const clients: Client[] = [];
  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    const env = {
      WORKONWARD_MCP_GRANT_CALLS_PER_MINUTE: '3',
      WORKONWARD_MAIL_QUOTA_PER_HOUR: '2',
      WORKONWARD_MCP_RECIPIENT_ALLOWLIST: '@gitdate\\.ink$',
      WORKONWARD_MAIL_WORKER: '0',
      WORKONWARD_METRICS_TOKEN: METRICS_TOKEN,
    };
    // One deployment has one issuer (the balancer's URL): here instance one's, for both.
    const port = String(await freePort());
    const issuer = { WORKONWARD_MCP_OAUTH_ISSUER: `http://127.0.0.1:${port}` };
    one = await startOAuthServer({
      databaseUrl: database.url,
      env: { ...env, ...issuer, WORKONWARD_MCP_PORT: port },
    });
    two = await startOAuthServer({ databaseUrl: database.url, env: { ...env, ...issuer } });
    twoUrl = `http://127.0.0.1:${String(two.config.http.port)}`;
    alex = new UserAgent(one.url);
    await signIn(one, alex, ALEX);
  });
  afterAll(async () => {
    for (const client of clients) await client.close();
    await two.stop();
    await one.stop();
    await database.dispose();
  });

  /** A real SDK client of `server` calling with `token` (one grant, whichever instance answers). */
  async function sdkClient(server: OAuthTestServer, token: string): Promise<Client> {
    const client = new Client({ name: 'limits-test', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL('/mcp', server === two ? twoUrl : server.url), {
        requestInit: { headers: { authorization: `Bearer ${token}` } },
      }),
    );
    clients.push(client);
    return client;
  }

  /** A new grant (connected app) of Alex's, signed in once: each consent makes another grant. */
  let alex: UserAgent;
  const grant = async (scopes?: string[]) =>
    (await connectedClient(one, { ua: alex, ...(scopes !== undefined && { scopes }) })).tokens.body
      .access_token ?? '';
  const text = (result: { content?: unknown }) => JSON.stringify(result.content);

  it('refuses the 4th tool call of a grant in a minute on either instance, and no other grant', async () => {
    const token = await grant();
    const [a, b] = [await sdkClient(one, token), await sdkClient(two, token)];
    for (const client of [a, b, a])
      expect((await client.callTool({ name: 'projects.list', arguments: {} })).isError).toBeFalsy();
    const answeredByCore = two.coreAnswered();
    const refused = await b.callTool({ name: 'projects.list', arguments: {} });
    // The MCP core on node:http counted and refused it (admitToolCall), not the SDK path.
    expect(two.coreAnswered()).toBe(answeredByCore + 1);
    expect(refused.isError).toBe(true);
    expect(text(refused)).toContain('rate_limited (tool-calls-per-grant)');
    expect(text(refused)).toContain('3 per minute');
    expect(text(refused)).toMatch(/Retry in \d+ seconds?\./);
    const wait = refused._meta?.[RETRY_AFTER_META];
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(61);
    expect((await a.callTool({ name: 'projects.list', arguments: {} })).isError).toBe(true);

    const other = await sdkClient(two, await grant());
    expect((await other.callTool({ name: 'projects.list', arguments: {} })).isError).toBeFalsy();

    const metrics = await (
      await fetch(`${twoUrl}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
    ).text();
    expect(metrics).toContain('workonward_rate_limit_refusals_total{limit="tool-calls-per-grant"} 1');
    // Instance two's core answered b's two calls, the refusal and `other`'s call: all status 200.
    expect(metrics).toMatch(
      /workonward_mcp_request_duration_seconds_count\{method="tools\/call",tool="projects\.list",status="200"\} 3\n/,
    );
  });

  it('refuses a tenant’s 3rd message in an hour whichever grant and instance sends it, and shows it on the Outbox page', async () => {
    const send = (client: Client, key: string) =>
      client.callTool({
        name: 'send_email',
        arguments: { to: ['person@gitdate.ink'], subject: 'Quota', text: 'Hello', idempotency_key: key },
      });
    const first = await sdkClient(one, await grant(MAIL_SCOPES));
    const second = await sdkClient(two, await grant(MAIL_SCOPES));
    expect((await send(first, 'quota-1')).isError).toBeFalsy();
    expect((await send(second, 'quota-2')).isError).toBeFalsy();
    const refused = await send(first, 'quota-3');
    expect(refused.isError).toBe(true);
    expect(text(refused)).toContain('rate_limited (mail-per-hour)');
    expect(text(refused)).toContain('WORKONWARD_MAIL_QUOTA_PER_HOUR');
    expect(refused._meta?.[RETRY_AFTER_META]).toBeGreaterThan(0);

    // The session made on instance one is good on instance two (sessions live in the database).
    const page = await (
      await fetch(`${twoUrl}/settings/outbox`, { headers: { cookie: alex.cookieHeader() } })
    ).text();
    expect(page).toContain('Sending limits');
    expect(page).toMatch(/last hour<\/td><td>2<\/td><td>2<\/td>/);
    expect(page).toMatch(/last 24 hours<\/td><td>2<\/td><td>500<\/td>/);
  });
});
