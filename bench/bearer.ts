/**
 * `npm run bench:bearer [-- --duration 10]` — the bearer-authenticated MCP `tools/call`
 * (issue 3). Kept apart from bench/run.ts (owned by the benchmark work) so the two do not collide;
 * run.ts can fold it in later.
 *
 * Starts the real server with WORKONWARD_MCP_AUTH=oauth on a fresh SQLite file, obtains a token
 * through the real pages (sign-in code from the dev mailbox, consent), then measures:
 *   (a) `tools/call projects.list` with the bearer token under autocannon (1 and 10 connections);
 *   (b) the TokenVerifier alone (hash lookup + joins), sequentially;
 * prints the ratio (b)/(a) at one connection — the share of a request spent validating its token
 * (target < 10 %) — and checks that a revocation takes effect on the very next request.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { loadConfig } from '../src/config/load.js';
import { createLogger } from '../src/lib/logger.js';
import { connectionsRepository } from '../src/oauth/connections.js';
import { storedTokenVerifier } from '../src/oauth/token-verifier.js';
import { startRuntime } from '../src/runtime.js';
import { serveRuntime } from '../src/serve.js';
import { freePort } from '../test/oauth/support/oauth-server.js';
import { formField, UserAgent } from '../test/oauth/support/user-agent.js';

const { values } = parseArgs({ options: { duration: { type: 'string', default: '10' } } });
const duration = Number(values.duration);
const dir = mkdtempSync(path.join(tmpdir(), 'workonward-bench-bearer-'));
const port = await freePort();
const config = loadConfig({
  WORKONWARD_ENV: 'development',
  WORKONWARD_MCP_TRANSPORT: 'http',
  WORKONWARD_MCP_AUTH: 'oauth',
  WORKONWARD_MCP_PORT: String(port),
  WORKONWARD_DATABASE_URL: `sqlite:${path.join(dir, 'bench.sqlite')}`,
  WORKONWARD_LOG_LEVEL: 'silent',
  // Far above the load, so every call is admitted; each still pays the per-grant count (a read
  // and a compare-and-set write), as every OAuth tools/call in a deployment does.
  WORKONWARD_MCP_GRANT_CALLS_PER_MINUTE: '1000000',
});
const runtime = await startRuntime(config, { logger: createLogger('silent') });
const serving = await serveRuntime(runtime);
const issuer = config.oauth.issuer;

async function obtainToken(): Promise<string> {
  const redirect = 'http://127.0.0.1:33418/callback';
  const reg = (await (
    await fetch(`${issuer}/oauth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        client_name: 'bench',
        redirect_uris: [redirect],
        token_endpoint_auth_method: 'none',
      }),
    })
  ).json()) as { client_id: string };
  const ua = new UserAgent(issuer);
  const csrf = formField(await (await ua.get('/login')).text(), 'csrf');
  await ua.post('/login', { csrf, next: '/', email: 'alex@summitridge.example' });
  const mail = await runtime.store.db
    .selectFrom('dev_mailbox')
    .select('raw')
    .orderBy('created_at', 'desc')
    .executeTakeFirstOrThrow();
  const code = /sign-in code is (\d{8})/.exec(mail.raw)?.[1] ?? '';
  await ua.post('/login/verify', { csrf, next: '/', email: 'alex@summitridge.example', code });
  const { createHash, randomBytes } = await import('node:crypto');
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const authorize = new URL('/oauth/authorize', issuer);
  for (const [k, v] of Object.entries({
    response_type: 'code',
    client_id: reg.client_id,
    redirect_uri: redirect,
    scope: 'projects:read',
    resource: `${issuer}/mcp`,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state: 's',
  }))
    authorize.searchParams.set(k, v);
  const { response, url } = await ua.follow(await ua.get(authorize.toString()));
  const html = await response.text();
  const tenant = /name="tenant" value="([^"]+)"/.exec(html)?.[1] ?? '';
  const back = await ua.follow(
    await ua.post(new URL(url).pathname, {
      csrf: formField(html, 'csrf'),
      tenant,
      scope: 'projects:read',
      decision: 'allow',
    }),
  );
  const authCode = new URL(back.url).searchParams.get('code') ?? '';
  const tokens = (await (
    await fetch(`${issuer}/oauth/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: authCode,
        code_verifier: verifier,
        client_id: reg.client_id,
        redirect_uri: redirect,
      }),
    })
  ).json()) as { access_token: string };
  return tokens.access_token;
}

const token = await obtainToken();
const body = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'tools/call',
  params: { name: 'projects.list', arguments: {} },
});
const headers = {
  authorization: `Bearer ${token}`,
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
  'mcp-protocol-version': '2025-11-25',
};

async function load(connections: number) {
  const result = await autocannon({
    url: `${issuer}/mcp`,
    method: 'POST',
    headers,
    body,
    connections,
    duration,
  });
  return { rps: result.requests.average, meanMs: result.latency.average, non2xx: result.non2xx };
}

const one = await load(1);
const ten = await load(10);
const verifierOnly = storedTokenVerifier(runtime.store, issuer, runtime.clock);
const iterations = 3000;
const started = process.hrtime.bigint();
for (let i = 0; i < iterations; i += 1) await verifierOnly.verifyAccessToken(token, `${issuer}/mcp`);
const verifyMs = Number(process.hrtime.bigint() - started) / 1e6 / iterations;

const grant = await runtime.store.db
  .selectFrom('oauth_connections')
  .select(['grant_id', 'user_id'])
  .executeTakeFirstOrThrow();
await connectionsRepository(runtime.store.db).revoke(grant.grant_id, grant.user_id, new Date().toISOString());
const afterRevoke = await fetch(`${issuer}/mcp`, { method: 'POST', headers, body });

console.log(
  JSON.stringify(
    {
      'tools/call projects.list, bearer, 1 connection': one,
      'tools/call projects.list, bearer, 10 connections': ten,
      'token validation alone (ms, mean of 3000)': Number(verifyMs.toFixed(4)),
      'validation share of a request at 1 connection': `${((verifyMs / one.meanMs) * 100).toFixed(1)} %`,
      'status of the next request after revocation': afterRevoke.status,
    },
    null,
    2,
  ),
);
await serving.stop();
await runtime.close();
rmSync(dir, { recursive: true, force: true });
