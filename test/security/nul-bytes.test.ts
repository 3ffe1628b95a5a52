import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/domain/api-keys/api-keys.js';
import { ALEX, authorizeUrl, connectedClient, mcpRequest, signIn, toolCall } from '../oauth/support/flow.js';
import { type OAuthTestServer, startOAuthServer } from '../oauth/support/oauth-server.js';
import { formField, UserAgent } from '../oauth/support/user-agent.js';
import { availableDialects } from '../support/stores.js';

/**
 * Issue 9, finding 10: a NUL character (U+0000) in any string headed for the database is refused
 * as bad input at the edge it came in by, with that edge's precise error, on SQLite exactly as on
 * PostgreSQL (whose `text` cannot hold it), and never logged as a fault.
 */
const dialects = await availableDialects();
const NUL = '\u0000';

describe.each(dialects)('NUL characters on %s', (dialect) => {
  let server: OAuthTestServer;
  const lines: string[] = [];
  let accessToken: string;
  let clientId: string;
  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    server = await startOAuthServer({ dialect, logger: pino({ level: 'info' }, sink) });
    const connected = await connectedClient(server, {
      email: ALEX,
      scopes: ['projects:read', 'bids:read', 'contacts:read', 'email:preview'],
    });
    accessToken = connected.tokens.body.access_token ?? '';
    clientId = connected.clientId;
  }, 60_000);
  afterAll(async () => {
    await server.stop();
    // Nothing reached the database as a fault: no error-level line, no driver error, anywhere.
    expect(lines.filter((line) => (JSON.parse(line) as { level: number }).level >= 50)).toEqual([]);
    expect(lines.join('').match(/invalid byte sequence|DatabaseError/g)).toBeNull();
  });

  const mcp = async (body: unknown) => {
    const text = await (await mcpRequest(server, accessToken, body)).text();
    return JSON.parse(/^data: (.*)$/m.exec(text)?.[1] ?? text) as {
      result?: { isError?: boolean; content: { text: string }[] };
      error?: { code: number; message: string };
    };
  };
  const form = (path: string, fields: Record<string, string>) =>
    fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields),
    });

  it('sign-in pages: the email and the code are refused with a 400 page', async () => {
    const ua = new UserAgent(server.url);
    const csrf = formField(await (await ua.get('/login')).text(), 'csrf');
    for (const [path, fields] of [
      ['/login', { csrf, next: '/settings', email: `al${NUL}ex@summitridge.example` }],
      ['/login/verify', { csrf, next: '/settings', email: `${ALEX}${NUL}`, code: `1234${NUL}567` }],
    ] as const) {
      const response = await ua.post(path, fields);
      expect(response.status).toBe(400);
      expect(await response.text()).toContain('NUL character');
    }
    await server.runtime.signInQueue.settled();
  });

  it('settings pages: a query or path parameter is refused with a 400 page', async () => {
    const ua = new UserAgent(server.url);
    await signIn(server, ua, 'sam@harborline.example');
    const audit = await ua.get('/settings/audit-log?before=2026%00');
    expect(audit.status).toBe(400);
    const apps = await (await ua.get('/settings/developer/connected-apps')).text();
    const revoke = await ua.post('/settings/developer/connected-apps/ab%00cd/revoke', {
      csrf: formField(apps, 'csrf'),
    });
    expect(revoke.status).toBe(400);
  });

  it('authorization server: client ids, tokens and metadata are invalid_request (or invalid_client_metadata)', async () => {
    const authorize = await fetch(
      authorizeUrl(server, { clientId: `abc${NUL}def`, challenge: 'x'.repeat(43) }),
      {
        redirect: 'manual',
      },
    );
    expect(authorize.status).toBe(400);
    expect(authorize.headers.get('location')).toBeNull();
    expect(await authorize.text()).toContain('invalid_request');

    const token = await form('/oauth/token', {
      grant_type: 'authorization_code',
      code: 'abc',
      client_id: `a${NUL}b`,
      redirect_uri: 'http://127.0.0.1:33418/callback',
      code_verifier: 'x'.repeat(43),
    });
    expect(token.status).toBe(400);
    expect(await token.json()).toMatchObject({ error: 'invalid_request' });

    for (const path of ['/oauth/revoke', '/oauth/introspect']) {
      const response = await form(path, { token: `ab${NUL}c`, client_id: clientId });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: 'invalid_request' });
    }

    const registered = await fetch(`${server.url}/oauth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        client_name: `x${NUL}y`,
        redirect_uris: ['http://127.0.0.1:5/cb'],
        token_endpoint_auth_method: 'none',
      }),
    });
    expect(registered.status).toBe(400);
    expect(await registered.json()).toMatchObject({ error: 'invalid_client_metadata' });
  });

  it('MCP: tool arguments are a tool isError; resource URIs and prompt arguments are -32602', async () => {
    for (const [name, args] of [
      ['search', { query: `a${NUL}b` }],
      ['projects.get', { id: `P${NUL}1` }],
      ['contacts.search', { email: `a${NUL}@b.example`, company: `x${NUL}` }],
      ['bids.get', { bid: `#1${NUL}` }],
      ['get_send_status', { idempotency_key: `a${NUL}b` }],
    ] as const) {
      const answer = await mcp(toolCall(name, args));
      expect(answer.result?.isError, name).toBe(true);
      expect(answer.result?.content[0]?.text, name).toMatch(/NUL character[\s\S]*Hint: Remove the NUL/);
    }
    const read = await mcp({
      jsonrpc: '2.0',
      id: 2,
      method: 'resources/read',
      params: { uri: 'buildworkpro://projects/a%00b' },
    });
    expect(read.error).toMatchObject({ code: -32602, message: expect.stringMatching(/NUL character/) });
    const prompt = await mcp({
      jsonrpc: '2.0',
      id: 3,
      method: 'prompts/get',
      params: { name: 'draft_bid_followup', arguments: { bid: `#1${NUL}` } },
    });
    expect(prompt.error).toMatchObject({ code: -32602, message: expect.stringMatching(/NUL character/) });
  });

  it('/api/v1: query, path and body inputs are a 400 problem', async () => {
    const { key } = await createApiKey(server.runtime.store.db, server.runtime.clock, {
      tenantSlug: 'summit-ridge',
      createdBy: 'test',
    });
    const api = (target: string, init: RequestInit = {}) =>
      fetch(`${server.url}/api/v1${target}`, {
        ...init,
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      });
    for (const response of [
      await api('/search?query=a%00b'),
      await api('/projects/a%00b'),
      await api('/mail/status?idempotency_key=a%00b'),
      await api('/mail/validate', {
        method: 'POST',
        body: JSON.stringify({ recipients: [`a${NUL}@gitdate.ink`] }),
      }),
    ]) {
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ detail: expect.stringMatching(/NUL character/) });
    }
  });
});
