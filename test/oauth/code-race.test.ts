import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableDialects } from '../support/stores.js';
import {
  ALEX,
  consent,
  LOOPBACK_REDIRECT,
  pkce,
  registerPublicClient,
  signIn,
  tokenRequest,
} from './support/flow.js';
import { startOAuthServer, type OAuthTestServer } from './support/oauth-server.js';
import { UserAgent } from './support/user-agent.js';

const dialects = await availableDialects();
const TRIALS = 20; // security-targets.md §1: PR tier, 20 trials of 50 parallel redemptions
const PARALLEL = 50;

describe.each(dialects)('single-use codes and refresh tokens under concurrency (%s)', (dialect) => {
  let server: OAuthTestServer;
  let ua: UserAgent;
  beforeAll(async () => {
    server = await startOAuthServer({ dialect, oauth: { registrationsPerMinute: 1000 } });
    ua = new UserAgent(server.url);
    await signIn(server, ua, ALEX);
  });
  afterAll(() => server.stop());

  async function freshCode() {
    const clientId = await registerPublicClient(server);
    const { verifier, challenge } = pkce();
    const back = await consent(
      server,
      ua,
      { clientId, challenge, scope: 'projects:read' },
      { tenant: 'Summit Ridge Builders', scopes: ['projects:read'] },
    );
    return { clientId, verifier, code: back.searchParams.get('code') ?? '' };
  }

  it(`redeems one code exactly once among ${PARALLEL} parallel requests, in ${TRIALS} trials`, async () => {
    for (let trial = 0; trial < TRIALS; trial += 1) {
      const { clientId, verifier, code } = await freshCode();
      const form = {
        grant_type: 'authorization_code',
        code,
        code_verifier: verifier,
        client_id: clientId,
        redirect_uri: LOOPBACK_REDIRECT,
      };
      const results = await Promise.all(Array.from({ length: PARALLEL }, () => tokenRequest(server, form)));
      const winners = results.filter((r) => r.status === 200);
      expect(winners).toHaveLength(1);
      expect(results.filter((r) => r.status >= 500)).toHaveLength(0);
      for (const loser of results.filter((r) => r.status !== 200))
        expect(loser.body.error).toBe('invalid_grant');
    }
  });

  it(`leaves at most one live refresh token after ${PARALLEL} parallel refreshes`, async () => {
    const { clientId, verifier, code } = await freshCode();
    const first = await tokenRequest(server, {
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      client_id: clientId,
      redirect_uri: LOOPBACK_REDIRECT,
    });
    const form = {
      grant_type: 'refresh_token',
      refresh_token: first.body.refresh_token!,
      client_id: clientId,
    };
    const results = await Promise.all(Array.from({ length: PARALLEL }, () => tokenRequest(server, form)));
    expect(results.filter((r) => r.status >= 500)).toHaveLength(0);
    const children = new Set(results.filter((r) => r.status === 200).map((r) => r.body.refresh_token));
    expect(children.size).toBe(1);
    const live = await server.runtime.store.db
      .selectFrom('oauth_models')
      .select('id')
      .where('model', '=', 'RefreshToken')
      .where('consumed_at', 'is', null)
      .where('grant_id', '=', (await grantOf(first.body.access_token!)) ?? '')
      .execute();
    expect(live).toHaveLength(1);
  });

  async function grantOf(accessToken: string) {
    const { sha256 } = await import('../../src/lib/secrets.js');
    const row = await server.runtime.store.db
      .selectFrom('oauth_models')
      .select('grant_id')
      .where('model', '=', 'AccessToken')
      .where('id', '=', sha256(accessToken))
      .executeTakeFirst();
    return row?.grant_id ?? undefined;
  }
});
