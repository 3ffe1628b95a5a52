import { auth, Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSmtpServer, type TestSmtpServer } from '../support/smtp.js';
import { availableDialects } from '../support/stores.js';
import { launchChromium } from './support/browser.js';
import { SAM } from './support/flow.js';
import { startHttpsFixture, type HttpsFixture } from './support/https-fixture.js';
import { startOAuthServer, type OAuthTestServer } from './support/oauth-server.js';
import { MemoryOAuthProvider, startCallbackServer } from './support/sdk-oauth-provider.js';

const dialects = await availableDialects();
// The DCR run uses SQLite and the metadata-document run PostgreSQL when it is available.
const runs = [
  { registration: 'Dynamic Client Registration', dialect: 'sqlite' as const, cimd: false },
  { registration: 'a Client ID Metadata Document', dialect: dialects.at(-1) ?? 'sqlite', cimd: true },
];

let browser: Browser;
let smtp: TestSmtpServer;
let fixture: HttpsFixture;
beforeAll(async () => {
  browser = await launchChromium();
  smtp = await startTestSmtpServer();
  fixture = await startHttpsFixture();
});
afterAll(async () => {
  await browser.close();
  await smtp.close();
  await fixture.close();
});

describe.each(runs)(
  'the whole flow with the official SDK client via $registration ($dialect)',
  ({ dialect, cimd }) => {
    let server: OAuthTestServer;
    beforeAll(async () => {
      server = await startOAuthServer({
        dialect,
        env: { WORKONWARD_SMTP_URL: smtp.url },
        // Test-only seam: the metadata fetch may reach the local https fixture (production: public addresses only).
        oauth: { metadataFetch: { allowAddress: () => true, ca: fixture.cert } },
      });
    });
    afterAll(() => server.stop());

    it(
      'discovers, registers, signs in by emailed code, consents in Chromium, calls tools, refreshes, and loses access on revoke',
      { timeout: 90_000 },
      async () => {
        const callback = await startCallbackServer();
        let metadataUrl: string | undefined;
        if (cimd) {
          metadataUrl = `${fixture.origin}/clients/e2e-${dialect}.json`;
          const document = {
            client_id: metadataUrl,
            client_name: 'E2E metadata-document client',
            redirect_uris: [callback.url],
            grant_types: ['authorization_code', 'refresh_token'],
            response_types: ['code'],
            token_endpoint_auth_method: 'none',
          };
          fixture.route(new URL(metadataUrl).pathname, (res) => {
            res
              .writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=300' })
              .end(JSON.stringify(document));
          });
        }
        const provider = new MemoryOAuthProvider(callback.url, 'E2E SDK client', metadataUrl);
        const mcpUrl = new URL('/mcp', server.url);

        // 1. Unauthenticated connect: 401 → PRM → AS metadata → DCR or CIMD → authorization URL.
        const first = new Client({ name: 'e2e', version: '1.0.0' });
        await expect(
          first.connect(new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider })),
        ).rejects.toThrow(/Unauthorized/);
        const authorizationUrl = provider.authorizationUrl;
        expect(authorizationUrl?.origin).toBe(server.url);
        expect(authorizationUrl?.searchParams.get('code_challenge_method')).toBe('S256');
        if (cimd) expect(authorizationUrl?.searchParams.get('client_id')).toBe(metadataUrl);

        // 2. The user signs in with the code mailed over real SMTP and consents in Chromium.
        const page = await browser.newPage();
        const delivered = smtp.received.length;
        const callbackParams = callback.next();
        await page.goto(authorizationUrl!.toString());
        await page.getByLabel('Email').fill(SAM);
        await page.getByRole('button', { name: 'Send code' }).click();
        const [mail] = (await smtp.waitFor(delivered + 1)).slice(delivered);
        expect(mail?.envelope.to).toEqual([SAM]);
        const code = /\b(\d{8})\b/.exec(mail?.parsed.text ?? '')?.[1] ?? '';
        await page.getByLabel('Code').fill(code);
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.getByRole('button', { name: 'Allow' }).waitFor();
        expect(await page.content()).toContain(cimd ? 'E2E metadata-document client' : 'E2E SDK client');
        await page.getByLabel('Harbor Line Contractors').check();
        await page.getByLabel('Read projects').check();
        await page.getByLabel('Read bids').uncheck();
        await page.getByLabel('Read contacts and companies').uncheck();
        await page.getByLabel('Check and preview email').uncheck();
        await page.getByRole('button', { name: 'Allow' }).click();
        const params = await callbackParams;
        expect(params.get('iss')).toBe(server.url);

        // 3. Token exchange by the SDK, then tools in the chosen tenant with exactly the chosen scope.
        const transport = new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider });
        await transport.finishAuth(params);
        const client = new Client({ name: 'e2e', version: '1.0.0' });
        await client.connect(transport);
        const { tools } = await client.listTools();
        const names = tools.map((t) => t.name);
        expect(names).toContain('projects.list');
        expect(names).not.toContain('bids.list');
        expect(names).not.toContain('contacts.search');
        const listed = await client.callTool({ name: 'projects.list', arguments: {} });
        expect(listed.isError).toBeFalsy();
        // The chosen tenant's projects, and only those: names from the store, not the tenant's name
        // (which no project list would contain anyway).
        const projectNames = async (slug: string) =>
          (
            await server.runtime.store.db
              .selectFrom('projects as p')
              .innerJoin('tenants as t', 't.id', 'p.tenant_id')
              .select('p.name')
              .where('t.slug', '=', slug)
              .execute()
          ).map((row) => row.name);
        const shown = (listed.structuredContent as { projects: { name: string }[] }).projects.map(
          (p) => p.name,
        );
        const harbor = await projectNames('harbor-line');
        const summit = await projectNames('summit-ridge');
        expect(shown.length).toBeGreaterThan(0);
        for (const name of shown) expect(harbor).toContain(name);
        for (const name of summit.filter((n) => !harbor.includes(n))) expect(shown).not.toContain(name);
        const before = provider.tokens()!;

        // 4. Refresh through the SDK: a new pair, and the new access token works.
        expect(await auth(provider, { serverUrl: mcpUrl })).toBe('AUTHORIZED');
        const after = provider.tokens()!;
        expect(after.access_token).not.toBe(before.access_token);
        expect(after.refresh_token).not.toBe(before.refresh_token);
        expect((await client.callTool({ name: 'projects.list', arguments: {} })).isError).toBeFalsy();

        // 5. Revoke in Settings → Developer → Connected apps: the very next request is 401.
        await page.goto(`${server.url}/settings/developer/connected-apps`);
        await page
          .getByRole('button', { name: /^Revoke / })
          .first()
          .click();
        await page.waitForURL(`${server.url}/settings/developer/connected-apps`);
        const refused = await fetch(mcpUrl, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${after.access_token}`,
            'content-type': 'application/json',
            accept: 'application/json, text/event-stream',
          },
          body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/list', params: {} }),
        });
        expect(refused.status).toBe(401);
        expect(refused.headers.get('www-authenticate')).toContain('error="invalid_token"');
        await expect(client.callTool({ name: 'projects.list', arguments: {} })).rejects.toThrow();
        await page.close();
        await callback.close();
      },
    );
  },
);
