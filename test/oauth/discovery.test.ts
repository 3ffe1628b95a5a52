import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_SCOPES } from '../../src/domain/scopes.js';
import { connectedClient, mcpRequest, register, toolCall, TOOLS_LIST } from './support/flow.js';
import { epochSeconds } from '../../src/lib/clock.js';
import { ACCESS_TOKEN_TTL_S } from '../../src/oauth/token-lifetimes.js';
import { ManualClock } from '../support/clock.js';
import { startOAuthServer, type OAuthTestServer } from './support/oauth-server.js';

let server: OAuthTestServer;
const clock = new ManualClock();
beforeAll(async () => {
  server = await startOAuthServer({ clock, oauth: { registrationsPerMinute: 1000 } });
});
afterAll(() => server.stop());

const mcpPost = (token: string | undefined, path = '/mcp', headers: Record<string, string> = {}) =>
  mcpRequest(server, token, TOOLS_LIST, { path, headers });

describe('authorization server metadata', () => {
  it.each(['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration'])(
    '%s names the exact issuer, S256 only, iss responses, DCR and CIMD, with open CORS',
    async (path) => {
      const response = await fetch(`${server.url}${path}`, {
        headers: { origin: 'https://inspector.example' },
      });
      expect(response.status).toBe(200);
      expect(['*', 'https://inspector.example']).toContain(
        response.headers.get('access-control-allow-origin'),
      );
      const metadata = (await response.json()) as Record<string, unknown>;
      expect(metadata.issuer).toBe(server.url);
      expect(metadata.code_challenge_methods_supported).toEqual(['S256']);
      expect(metadata.authorization_response_iss_parameter_supported).toBe(true);
      expect(metadata.client_id_metadata_document_supported).toBe(true);
      expect(metadata.registration_endpoint).toBe(`${server.url}/oauth/register`);
      expect(metadata.response_types_supported).toEqual(['code']);
      expect(metadata.response_modes_supported).toEqual(['query']); // fragment and form_post are refused
      // Nothing advertised that the MCP endpoint or the authorize policy would not honour.
      expect(metadata).not.toHaveProperty('dpop_signing_alg_values_supported');
      expect(metadata).not.toHaveProperty('pushed_authorization_request_endpoint');
      expect(metadata.token_endpoint_auth_methods_supported).toContain('none');
      expect(metadata.scopes_supported).toEqual(expect.arrayContaining([...ALL_SCOPES, 'openid', 'email']));
      for (const key of [
        'authorization_endpoint',
        'token_endpoint',
        'revocation_endpoint',
        'introspection_endpoint',
      ])
        expect(String(metadata[key]).startsWith(`${server.url}/oauth/`)).toBe(true);
    },
  );

  it('keeps the configured issuer whatever Host or X-Forwarded-* the request carries', async () => {
    const response = await fetch(`${server.url}/.well-known/oauth-authorization-server`, {
      headers: { 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' },
    });
    const metadata = (await response.json()) as { issuer: string; token_endpoint: string };
    expect(metadata.issuer).toBe(server.url);
    expect(metadata.token_endpoint).toBe(`${server.url}/oauth/token`);
  });
});

describe('protected resource metadata', () => {
  it.each([
    ['/.well-known/oauth-protected-resource', ''],
    ['/.well-known/oauth-protected-resource/mcp', '/mcp'],
    ['/.well-known/oauth-protected-resource/api/mcp', '/api/mcp'],
  ])('%s describes its resource without offline_access, with open CORS', async (path, suffix) => {
    const response = await fetch(`${server.url}${path}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    const metadata = (await response.json()) as {
      resource: string;
      authorization_servers: string[];
      scopes_supported: string[];
    };
    expect(metadata.resource).toBe(`${server.url}${suffix}`);
    expect(metadata.authorization_servers).toEqual([server.url]);
    expect(metadata.scopes_supported).not.toContain('offline_access');
    expect(metadata.scopes_supported).toEqual([...ALL_SCOPES]);
  });
});

describe('the MCP endpoint as a resource server', () => {
  it.each(['/mcp', '/api/mcp'])(
    '%s answers a missing token with 401 and the RFC 9728 pointer',
    async (path) => {
      const response = await mcpPost(undefined, path);
      expect(response.status).toBe(401);
      const challenge = response.headers.get('www-authenticate') ?? '';
      expect(challenge).toContain(
        `resource_metadata="${server.url}/.well-known/oauth-protected-resource${path}"`,
      );
      expect(challenge).toMatch(/scope="[^"]*projects:read/);
      // Batch sending is off here, so its scope is not offered (issue 7 item 6).
      expect(challenge).not.toContain('email:send_batch');
    },
  );

  it.each([
    ['malformed', 'not a token!'],
    ['unknown', 'A'.repeat(43)],
    ['alg none JWT', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.'],
  ])('refuses a %s token with invalid_token', async (_label, token) => {
    const response = await mcpPost(token);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('never accepts a token in the query string', async () => {
    const { tokens } = await connectedClient(server);
    const response = await fetch(`${server.url}/mcp?access_token=${tokens.body.access_token!}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
    });
    expect(response.status).toBe(401);
  });

  it('refuses a token once its lifetime has passed on the server clock', async () => {
    const { tokens } = await connectedClient(server);
    clock.advance((ACCESS_TOKEN_TTL_S - 1) * 1000);
    expect((await mcpPost(tokens.body.access_token)).status).toBe(200);
    clock.advance(1000);
    expect((await mcpPost(tokens.body.access_token)).status).toBe(401);
  });

  it('refuses a token whose exp claim has passed', async () => {
    const { tokens } = await connectedClient(server);
    const { sha256 } = await import('../../src/lib/secrets.js');
    const row = await server.runtime.store.db
      .selectFrom('oauth_models')
      .select('payload')
      .where('model', '=', 'AccessToken')
      .where('id', '=', sha256(tokens.body.access_token!))
      .executeTakeFirstOrThrow();
    const payload = {
      ...(JSON.parse(row.payload) as Record<string, unknown>),
      exp: epochSeconds(clock) - 1,
    };
    await server.runtime.store.db
      .updateTable('oauth_models')
      .set({ payload: JSON.stringify(payload) })
      .where('model', '=', 'AccessToken')
      .where('id', '=', sha256(tokens.body.access_token!))
      .execute();
    expect((await mcpPost(tokens.body.access_token)).status).toBe(401);
  });

  it('runs every tool in the grant’s tenant only', async () => {
    const { tokens } = await connectedClient(server, {
      email: 'sam@harborline.example',
      tenant: 'Harbor Line Contractors',
      scopes: ['projects:read', 'contacts:read', 'bids:read'],
    });
    const namesOf = async (slug: string) => {
      const db = server.runtime.store.db;
      const tenant = await db
        .selectFrom('tenants')
        .select('id')
        .where('slug', '=', slug)
        .executeTakeFirstOrThrow();
      const projects = await db
        .selectFrom('projects')
        .select('name')
        .where('tenant_id', '=', tenant.id)
        .execute();
      const companies = await db
        .selectFrom('companies')
        .select('name')
        .where('tenant_id', '=', tenant.id)
        .execute();
      return { projects: projects.map((p) => p.name), companies: companies.map((c) => c.name) };
    };
    const own = await namesOf('harbor-line');
    const other = await namesOf('summit-ridge');
    expect(own.projects.length * other.projects.length * own.companies.length).toBeGreaterThan(0);
    const call = async (name: string, args: Record<string, unknown> = {}) => {
      const response = await mcpRequest(server, tokens.body.access_token, toolCall(name, args));
      expect(response.status).toBe(200);
      const text = await response.text();
      expect(text, name).not.toContain('"isError":true');
      return text;
    };
    // Each read tool answers with this tenant's records (so an empty or failed answer cannot pass)…
    const outputs = {
      projects: await call('projects.list'),
      companies: await call('companies.list'),
      bids: await call('bids.list'),
      searchOwn: await call('search', { query: own.projects[0] }),
      searchOther: await call('search', { query: other.projects[0] }),
      contacts: await call('contacts.search', { company: own.companies[0] }),
    };
    expect(own.projects.some((name) => outputs.projects.includes(name))).toBe(true);
    expect(own.companies.some((name) => outputs.companies.includes(name))).toBe(true);
    expect(outputs.searchOwn).toContain(own.projects[0]);
    // …and never with another tenant's.
    for (const [tool, text] of Object.entries(outputs))
      for (const name of [...other.projects, ...other.companies].filter(
        (n) => ![...own.projects, ...own.companies].includes(n),
      ))
        expect(text, `${tool} leaked ${name}`).not.toContain(name);
  });

  it('stores no bearer secret in clear: tokens, codes and sessions only as hashes, client secrets sealed', async () => {
    const { tokens, code } = await connectedClient(server);
    const { body } = await register(server, {
      redirect_uris: ['https://app.example/cb'],
      token_endpoint_auth_method: 'client_secret_basic',
    });
    const rows = await server.runtime.store.db.selectFrom('oauth_models').select(['id', 'payload']).execute();
    const dump = JSON.stringify(rows);
    for (const secret of [
      tokens.body.access_token!,
      tokens.body.refresh_token!,
      code,
      String(body.client_secret),
    ])
      expect(dump.includes(secret), secret.slice(0, 6)).toBe(false);
    const audit = JSON.stringify(await server.runtime.store.db.selectFrom('audit_log').selectAll().execute());
    for (const secret of [tokens.body.access_token!, tokens.body.refresh_token!, code])
      expect(audit.includes(secret)).toBe(false);
    const keys = JSON.stringify(await server.runtime.store.db.selectFrom('oauth_keys').selectAll().execute());
    expect(keys).not.toMatch(/"d":|"kty"/);
  });
});

describe('CORS for browser-based clients', () => {
  it.each(['/oauth/register', '/oauth/token'])('answers the preflight of %s', async (path) => {
    const response = await fetch(`${server.url}${path}`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:6274',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(response.status).toBe(204);
    expect(['*', 'http://localhost:6274']).toContain(response.headers.get('access-control-allow-origin'));
  });
});
