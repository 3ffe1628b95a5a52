import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALEX, authorizeUrl, pkce, register, signIn } from './support/flow.js';
import { startOAuthServer, type OAuthTestServer } from './support/oauth-server.js';
import { UserAgent } from './support/user-agent.js';

let server: OAuthTestServer;
beforeAll(async () => {
  server = await startOAuthServer({ oauth: { registrationsPerMinute: 1000 } });
});
afterAll(() => server.stop());

/** What each client in oauth-and-clients.md Part B sends (B1, B2). */
const CLIENTS = [
  {
    name: 'ChatGPT (per-connection callback)',
    metadata: {
      client_name: 'ChatGPT',
      redirect_uris: ['https://chatgpt.com/connector/oauth/abc123DEF_-x'],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    },
  },
  {
    name: 'ChatGPT (stable callback)',
    metadata: {
      client_name: 'ChatGPT',
      redirect_uris: ['https://chatgpt.com/connector_platform_oauth_redirect'],
      token_endpoint_auth_method: 'client_secret_post',
    },
  },
  {
    name: 'Claude',
    metadata: {
      client_name: 'Claude',
      redirect_uris: ['https://claude.ai/api/mcp/auth_callback', 'https://claude.com/api/mcp/auth_callback'],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
      scope: 'projects:read bids:read',
    },
  },
  {
    name: 'Claude Code',
    metadata: {
      client_name: 'Claude Code',
      redirect_uris: ['http://localhost:54212/callback'],
      grant_types: ['authorization_code', 'refresh_token'],
      token_endpoint_auth_method: 'none',
    },
  },
  {
    name: 'VS Code',
    metadata: {
      client_name: 'Visual Studio Code',
      redirect_uris: [
        'http://127.0.0.1:33418/',
        'http://127.0.0.1/',
        'https://vscode.dev/redirect',
        'https://insiders.vscode.dev/redirect',
      ],
      application_type: 'native',
      token_endpoint_auth_method: 'none',
    },
  },
  {
    name: 'Cursor (no application_type)',
    metadata: {
      client_name: 'Cursor',
      redirect_uris: [
        'cursor://anysphere.cursor-mcp/oauth/callback',
        'https://www.cursor.com/agents/mcp/oauth/callback',
        'http://localhost:8787/callback',
      ],
      token_endpoint_auth_method: 'none',
    },
  },
  {
    name: 'MCP Inspector',
    metadata: {
      client_name: 'MCP Inspector',
      redirect_uris: ['http://localhost:6274/oauth/callback', 'http://127.0.0.1:6276/oauth/callback'],
      scope: 'projects:read contacts:read bids:read email:preview email:send email:send_batch offline_access',
      token_endpoint_auth_method: 'none',
    },
  },
  {
    name: 'mcp-remote',
    metadata: {
      client_name: 'MCP CLI Proxy',
      redirect_uris: ['http://localhost:3334/oauth/callback'],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      software_id: '2e6dc280-f3c3-4e01-99a7-8181dbd1d23d',
      software_version: '0.1.29',
    },
  },
];

describe.each(CLIENTS)('registration as $name', ({ metadata }) => {
  it('registers (201, full metadata, persisted) and can start an authorization with every redirect URI', async () => {
    const { status, body } = await register(server, metadata);
    expect(status).toBe(201);
    expect(body.redirect_uris).toEqual(metadata.redirect_uris);
    expect(body.client_id).toBeTruthy();
    const stored = await server.runtime.store.db
      .selectFrom('oauth_models')
      .select('id')
      .where('model', '=', 'Client')
      .where('id', '=', body.client_id)
      .executeTakeFirst();
    expect(stored).toBeDefined();
    const { challenge } = pkce();
    for (const redirectUri of metadata.redirect_uris) {
      const response = await fetch(
        authorizeUrl(server, { clientId: body.client_id, redirectUri, challenge }),
        {
          redirect: 'manual',
        },
      );
      expect(response.status, redirectUri).toBe(303);
      expect(response.headers.get('location')).toContain('/oauth/interaction/');
    }
  });
});

describe('registration policy', () => {
  it.each([
    [['javascript:alert(1)']],
    [['data:text/html,hi']],
    [['file:///etc/passwd']],
    [['http://evil.example/cb']],
    [['https://chatgpt.com/evil']],
    [['https://chatgpt.com/connector/oauth/a/b']],
    [['https://chatgpt.com:444/connector_platform_oauth_redirect']],
    [['https://app.example/cb#frag']],
    [['https://user@app.example/cb']],
    [[]],
    ['not-an-array'],
  ])('refuses redirect_uris %j', async (uris) => {
    const { status, body } = await register(server, {
      redirect_uris: uris,
      token_endpoint_auth_method: 'none',
    });
    expect(status).toBe(400);
    expect(['invalid_redirect_uri', 'invalid_client_metadata']).toContain(body.error);
  });

  it('drops only the offending URI when others are fine', async () => {
    const { status, body } = await register(server, {
      redirect_uris: ['javascript:alert(1)', 'http://127.0.0.1:3000/cb', 'data:x'],
      token_endpoint_auth_method: 'none',
    });
    expect(status).toBe(201);
    expect(body.redirect_uris).toEqual(['http://127.0.0.1:3000/cb']);
    expect(body.application_type).toBe('native');
  });

  it.each([
    { token_endpoint_auth_method: 'bogus' },
    { grant_types: ['client_credentials'], response_types: [] },
    { response_types: ['token'] },
    { jwks_uri: 'not a url' },
    { client_uri: 'javascript:alert(1)' },
    { logo_uri: 'data:image/png;base64,AAAA' },
    { scope: 'admin' },
  ])('refuses bad metadata %j', async (bad) => {
    const { status, body } = await register(server, { redirect_uris: ['https://app.example/cb'], ...bad });
    expect(status).toBe(400);
    expect(['invalid_client_metadata', 'invalid_redirect_uri']).toContain(body.error);
  });

  it('shows a hostile client name escaped on the consent page', async () => {
    const payloads = [
      '<script>alert(1)</script>',
      '"><img src=x onerror=alert(1)>',
      "'><svg onload=alert(1)>",
    ];
    const ua = new UserAgent(server.url);
    await signIn(server, ua, ALEX);
    for (const name of payloads) {
      const { body } = await register(server, {
        client_name: name,
        redirect_uris: ['http://127.0.0.1:9/cb'],
        token_endpoint_auth_method: 'none',
      });
      const { challenge } = pkce();
      const { response } = await ua.follow(
        await ua.get(
          authorizeUrl(server, {
            clientId: body.client_id,
            redirectUri: 'http://127.0.0.1:9/cb',
            challenge,
            scope: 'projects:read',
          }),
        ),
      );
      const html = await response.text();
      expect(html).toContain('wants to use your BuildWorkPro data');
      expect(html).not.toContain(name);
      expect(html).not.toMatch(/<script>alert|<img src=x|<svg onload/);
    }
  });
});

describe('registration rate limit', () => {
  it('allows 20 registrations per minute per IP, then answers 429', async () => {
    const limited = await startOAuthServer();
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 22; i += 1)
        statuses.push(
          (
            await register(limited, {
              redirect_uris: ['http://127.0.0.1:5/cb'],
              token_endpoint_auth_method: 'none',
            })
          ).status,
        );
      expect(statuses.slice(0, 20).every((s) => s === 201)).toBe(true);
      expect(statuses.slice(20)).toEqual([429, 429]);
    } finally {
      await limited.stop();
    }
  });
});
