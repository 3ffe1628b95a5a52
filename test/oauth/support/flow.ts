import { createHash, randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { LEGACY } from '../../mcp/raw-http.js';
import type { OAuthTestServer } from './oauth-server.js';
import { formField, UserAgent } from './user-agent.js';

export const ALEX = 'alex@summitridge.example';
export const SAM = 'sam@harborline.example';
export const LOOPBACK_REDIRECT = 'http://127.0.0.1:33418/callback';

export const TOOLS_LIST = { jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} };
export const toolCall = (name: string, args: Record<string, unknown> = {}) => ({
  jsonrpc: '2.0',
  id: 1,
  method: 'tools/call',
  params: { name, arguments: args },
});

/** A 2025-era JSON-RPC POST to the MCP endpoint with `token` as Bearer (undefined: none). */
export function mcpRequest(
  server: Pick<OAuthTestServer, 'url'>,
  token: string | undefined,
  body: unknown,
  options: { path?: string; headers?: Record<string, string> } = {},
): Promise<Response> {
  return fetch(`${server.url}${options.path ?? '/mcp'}`, {
    method: 'POST',
    headers: {
      ...(token !== undefined && { authorization: `Bearer ${token}` }),
      ...LEGACY,
      ...options.headers,
    },
    body: JSON.stringify(body),
  });
}

export function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  return { verifier, challenge };
}

export async function register(server: Pick<OAuthTestServer, 'url'>, metadata: Record<string, unknown>) {
  const response = await fetch(`${server.url}/oauth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(metadata),
  });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown> & { client_id: string },
  };
}

export async function registerPublicClient(
  server: Pick<OAuthTestServer, 'url'>,
  redirectUris = [LOOPBACK_REDIRECT],
) {
  const { status, body } = await register(server, {
    client_name: 'Test client',
    redirect_uris: redirectUris,
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code', 'refresh_token'],
  });
  expect(status).toBe(201);
  return body.client_id;
}

/** The newest sign-in code the dev mailbox holds for `email`. */
export async function devMailboxCode(server: OAuthTestServer, email: string): Promise<string> {
  // Sign-in mail goes out after the page answered: wait for what is queued.
  await server.runtime.signInQueue.settled();
  const rows = await server.runtime.store.db
    .selectFrom('dev_mailbox')
    .select(['envelope_to', 'raw', 'created_at'])
    .orderBy('created_at', 'desc')
    .execute();
  const row = rows.find((r) => (JSON.parse(r.envelope_to) as string[]).includes(email));
  const code = /sign-in code is (\d{8})/.exec(row?.raw ?? '')?.[1];
  if (code === undefined) throw new Error(`no sign-in code for ${email}`);
  return code;
}

/** Signs `ua` in through the real pages, reading the code with `readCode`. */
export async function signIn(
  server: OAuthTestServer,
  ua: UserAgent,
  email: string,
  readCode: () => Promise<string> = () => devMailboxCode(server, email),
) {
  const page = await (await ua.get('/login')).text();
  const csrf = formField(page, 'csrf');
  const sent = await ua.post('/login', { csrf, next: '/settings/developer/connected-apps', email });
  expect(sent.status).toBe(200);
  const code = await readCode();
  const verified = await ua.post('/login/verify', {
    csrf,
    next: '/settings/developer/connected-apps',
    email,
    code,
  });
  expect(verified.status).toBe(303);
  return csrf;
}

export interface AuthorizeRequest {
  clientId: string;
  redirectUri?: string;
  scope?: string;
  resource?: string;
  challenge?: string;
  state?: string;
  extra?: Record<string, string>;
}

export function authorizeUrl(server: Pick<OAuthTestServer, 'url'>, request: AuthorizeRequest): string {
  const url = new URL('/oauth/authorize', server.url);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', request.clientId);
  url.searchParams.set('redirect_uri', request.redirectUri ?? LOOPBACK_REDIRECT);
  if (request.scope !== undefined) url.searchParams.set('scope', request.scope);
  url.searchParams.set('resource', request.resource ?? `${server.url}/mcp`);
  if (request.challenge !== undefined) {
    url.searchParams.set('code_challenge', request.challenge);
    url.searchParams.set('code_challenge_method', 'S256');
  }
  url.searchParams.set('state', request.state ?? 'state-1');
  for (const [k, v] of Object.entries(request.extra ?? {})) url.searchParams.set(k, v);
  return url.toString();
}

/**
 * A signed-in user authorizes: the consent page is submitted with `tenant` (a tenant name) and
 * `scopes`. Returns the redirect back to the client.
 */
export async function consent(
  server: Pick<OAuthTestServer, 'url'>,
  ua: UserAgent,
  request: AuthorizeRequest,
  choice: { tenant: string; scopes: string[]; decision?: 'allow' | 'deny' },
  /** Called between the authorization request and the consent page (the multi-instance tests re-route there). */
  afterAuthorize: () => void = () => undefined,
): Promise<URL> {
  const authorized = await ua.get(authorizeUrl(server, request));
  afterAuthorize();
  const { response, url } = await ua.follow(authorized);
  if (!url.includes('/oauth/interaction/'))
    throw new Error(`expected the consent page, got ${response.status} ${url}`);
  const html = await response.text();
  const tenants = new Map(
    [...html.matchAll(/<label for="tenant-([^"]+)">([^<]+)<\/label>/g)].map((m) => [m[2], m[1]]),
  );
  const tenantId = tenants.get(choice.tenant);
  const submitted = await ua.post(new URL(url).pathname, {
    csrf: formField(html, 'csrf'),
    tenant: tenantId ?? '',
    scope: choice.scopes,
    decision: choice.decision ?? 'allow',
  });
  const back = await ua.follow(submitted);
  if (back.url === '' || new URL(back.url).origin === server.url)
    throw new Error(
      `no redirect to the client (${back.response.status}) ${(await back.response.text()).slice(0, 3000)}`,
    );
  return new URL(back.url);
}

export async function tokenRequest(server: Pick<OAuthTestServer, 'url'>, form: Record<string, string>) {
  const response = await fetch(`${server.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, string>,
  };
}

/** Registration, sign-in, consent and code exchange in one step; returns the token response. */
export async function connectedClient(
  server: OAuthTestServer,
  options: { email?: string; tenant?: string; scopes?: string[]; ua?: UserAgent } = {},
) {
  const clientId = await registerPublicClient(server);
  const ua = options.ua ?? new UserAgent(server.url);
  if (options.ua === undefined) await signIn(server, ua, options.email ?? ALEX);
  const { verifier, challenge } = pkce();
  const scopes = options.scopes ?? ['projects:read', 'bids:read'];
  const back = await consent(
    server,
    ua,
    { clientId, challenge, scope: scopes.join(' ') },
    {
      tenant: options.tenant ?? 'Summit Ridge Builders',
      scopes,
    },
  );
  const code = back.searchParams.get('code') ?? '';
  const tokens = await tokenRequest(server, {
    grant_type: 'authorization_code',
    code,
    code_verifier: verifier,
    client_id: clientId,
    redirect_uri: LOOPBACK_REDIRECT,
    resource: `${server.url}/mcp`,
  });
  return { clientId, ua, tokens, verifier, code };
}
