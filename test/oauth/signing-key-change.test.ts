import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient } from '../cluster/support/connect.js';
import { bundleCli, instance, type Instance } from '../cluster/support/instance.js';
import { type SmtpRecorder, startSmtpRecorder } from '../support/smtp-recorder.js';
import {
  ALEX,
  LOOPBACK_REDIRECT,
  TOOLS_LIST,
  consent,
  mcpRequest,
  pkce,
  register,
  tokenRequest,
} from './support/flow.js';
import { freePort } from './support/oauth-server.js';
import { UserAgent, formField } from './support/user-agent.js';

/**
 * Issue 7 item 4: the PING8 guide's block makes a new WORKONWARD_MCP_OAUTH_SIGNING_KEY with
 * `openssl rand -hex 32` on every run, so "set DRY_RUN=0 and restart" is a key change. These
 * tests restart real `serve` processes on one real SQLite file with a new key each time.
 */
const newKey = () => execFileSync('openssl', ['rand', '-hex', '32']).toString().trim();

interface Deployment {
  readonly url: string;
  start(env: Record<string, string>): Promise<Instance>;
  stop(): Promise<void>;
}

async function deployment(smtp: SmtpRecorder, cli: string): Promise<Deployment> {
  const dir = mkdtempSync(path.join(tmpdir(), 'workonward-key-change-'));
  const port = await freePort();
  let current: Instance | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    async start(env) {
      await current?.stop();
      current = instance(
        'server',
        port,
        {
          WORKONWARD_ENV: 'development',
          WORKONWARD_MCP_AUTH: 'oauth',
          WORKONWARD_MCP_OAUTH_ISSUER: `http://127.0.0.1:${port}`,
          WORKONWARD_DATA_DIR: dir,
          WORKONWARD_SMTP_URL: smtp.url,
          WORKONWARD_LOG_LEVEL: 'info',
          ...env,
        },
        cli,
      );
      await current.start();
      return current;
    },
    async stop() {
      await current?.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A confidential client (client_secret_post) connected by the signed-in `ua`. */
async function connectConfidential(url: string, ua: UserAgent) {
  const { body } = await register(
    { url },
    {
      client_name: 'Confidential app',
      redirect_uris: [LOOPBACK_REDIRECT],
      token_endpoint_auth_method: 'client_secret_post',
      grant_types: ['authorization_code', 'refresh_token'],
    },
  );
  const clientId = body.client_id;
  const secret = String(body.client_secret);
  const { verifier, challenge } = pkce();
  const back = await consent(
    { url },
    ua,
    { clientId, challenge, scope: 'projects:read' },
    { tenant: 'Summit Ridge Builders', scopes: ['projects:read'] },
  );
  const tokens = await tokenRequest(
    { url },
    {
      grant_type: 'authorization_code',
      code: back.searchParams.get('code') ?? '',
      code_verifier: verifier,
      client_id: clientId,
      client_secret: secret,
      redirect_uri: LOOPBACK_REDIRECT,
      resource: `${url}/mcp`,
    },
  );
  expect(tokens.status, JSON.stringify(tokens.body)).toBe(200);
  return { clientId, secret, refreshToken: tokens.body.refresh_token ?? '' };
}

const refresh = (url: string, form: Record<string, string>) =>
  tokenRequest({ url }, { grant_type: 'refresh_token', resource: `${url}/mcp`, ...form });

const kids = async (url: string) =>
  ((await (await fetch(`${url}/oauth/jwks`)).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid);

const keyChangeLines = (log: string) =>
  log.split('\n').filter((line) => line.includes('oauth.signing_key_changed'));

describe('a new WORKONWARD_MCP_OAUTH_SIGNING_KEY at restart', () => {
  let smtp: SmtpRecorder;
  let cli: string;
  beforeAll(async () => {
    smtp = await startSmtpRecorder();
    cli = await bundleCli();
  }, 120_000);
  afterAll(async () => {
    await smtp.close();
    rmSync(cli, { force: true });
  });

  it('starts, rotates, drops only what it cannot open, logs the cost once, and the dropped app registers again', async () => {
    const server = await deployment(smtp, cli);
    try {
      const first = await server.start({
        WORKONWARD_MCP_OAUTH_SIGNING_KEY: newKey(),
        WORKONWARD_MCP_DRY_RUN: '1',
      });
      const publicApp = await connectClient(server.url, smtp, { scopes: ['projects:read'] });
      const confidential = await connectConfidential(server.url, publicApp.ua);
      const before = await kids(server.url);
      expect(keyChangeLines(first.log())).toEqual([]);

      // The guide's "set DRY_RUN=0 and restart": the block runs again, so a new key.
      const second = await server.start({
        WORKONWARD_MCP_OAUTH_SIGNING_KEY: newKey(),
        WORKONWARD_MCP_DRY_RUN: '0',
      });
      const lines = keyChangeLines(second.log());
      expect(lines).toHaveLength(1);
      const line = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
      expect(line).toMatchObject({
        level: 40,
        retiredSigningKeys: 2,
        droppedClients: 1,
        revokedConnections: 1,
      });
      expect(String(line.msg)).toContain('Confidential app');
      expect(String(line.msg)).toContain('must reconnect');
      expect(String(line.msg)).toContain('WORKONWARD_MCP_OAUTH_SIGNING_KEY_PREVIOUS');

      // Nothing sealed under the old key is used: a fresh key set signs, the old one is gone.
      const after = await kids(server.url);
      expect(after).toHaveLength(2);
      expect(after.filter((kid) => before.includes(kid))).toEqual([]);

      // A public client's connection keeps working (its tokens are stored as plain hashes).
      const listed = await mcpRequest(server, publicApp.accessToken, TOOLS_LIST);
      expect(listed.status).toBe(200);

      // The confidential client is unknown now, so it registers again on its own (DCR).
      const refused = await refresh(server.url, {
        refresh_token: confidential.refreshToken,
        client_id: confidential.clientId,
        client_secret: confidential.secret,
      });
      expect(refused.status).toBe(401);
      expect(refused.body.error).toBe('invalid_client');
      const ua = new UserAgent(server.url);
      const csrf = formField(await (await ua.get('/login')).text(), 'csrf');
      const since = smtp.raw.length;
      await ua.post('/login', { csrf, next: '/settings/developer/connected-apps', email: ALEX });
      const [, code = ''] = await smtp.waitForMatch(/sign-in code is (\d{8})/, since);
      await ua.post('/login/verify', { csrf, next: '/settings/developer/connected-apps', email: ALEX, code });
      await connectConfidential(server.url, ua);

      // The next restart with the same key changes nothing and says nothing.
      const key = newKey();
      await server.start({ WORKONWARD_MCP_OAUTH_SIGNING_KEY: key });
      const same = await server.start({ WORKONWARD_MCP_OAUTH_SIGNING_KEY: key });
      expect(keyChangeLines(same.log())).toEqual([]);
    } finally {
      await server.stop();
    }
  }, 240_000);

  it('with WORKONWARD_MCP_OAUTH_SIGNING_KEY_PREVIOUS re-seals everything and drops nothing', async () => {
    const server = await deployment(smtp, cli);
    try {
      const oldKey = newKey();
      await server.start({ WORKONWARD_MCP_OAUTH_SIGNING_KEY: oldKey });
      const publicApp = await connectClient(server.url, smtp, { scopes: ['projects:read'] });
      const confidential = await connectConfidential(server.url, publicApp.ua);
      const before = await kids(server.url);

      const currentKey = newKey();
      const rotated = await server.start({
        WORKONWARD_MCP_OAUTH_SIGNING_KEY: currentKey,
        WORKONWARD_MCP_OAUTH_SIGNING_KEY_PREVIOUS: oldKey,
      });
      const lines = keyChangeLines(rotated.log());
      expect(lines).toHaveLength(1);
      expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({
        rewrappedSigningKeys: 2,
        rewrappedClientSecrets: 1,
        retiredSigningKeys: 0,
        droppedClients: 0,
        revokedConnections: 0,
      });
      // Rotated: a new set signs, the old set still verifies.
      const after = await kids(server.url);
      expect(after).toHaveLength(4);
      expect(after).toEqual(expect.arrayContaining(before));

      // Everything re-sealed: the previous key can go at the next restart and the app still works.
      await server.start({ WORKONWARD_MCP_OAUTH_SIGNING_KEY: currentKey });
      const refreshed = await refresh(server.url, {
        refresh_token: confidential.refreshToken,
        client_id: confidential.clientId,
        client_secret: confidential.secret,
      });
      expect(refreshed.status, JSON.stringify(refreshed.body)).toBe(200);
    } finally {
      await server.stop();
    }
  }, 240_000);
});
