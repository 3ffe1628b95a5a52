import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benchIds, mintBenchToken } from '../../bench/bench-token.js';
import { ALL_SCOPES, type Scope } from '../../src/domain/scopes.js';
import { connectionsRepository } from '../../src/oauth/connections.js';
import { startOAuthServer, type OAuthTestServer } from '../oauth/support/oauth-server.js';
import { TEST_NOW } from '../support/server.js';
import { DIFFERENTIAL_ENV, keepAlive, type Observed, send, withoutOrigin } from './differential.js';
import { requestCase } from './differential-corpus.js';

/**
 * The differential test of the MCP core (core-differential.test.ts) in OAuth mode: the same
 * corpus, each request with a Bearer token of one grant — every scope, none, a few, a write scope
 * without its read, a grant narrowed or revoked after the token was issued, an expired token —
 * or with no, an unknown or a malformed credential, sent to two OAuth servers over identical
 * stores (core, and `sdkPathOnly`). Status, headers (WWW-Authenticate included) and JSON-RPC
 * messages must match up to the differences differential.ts lists. Fewer runs than the
 * auth-none test: the corpus is the same, what varies here is the credential.
 */
const SEED = 20261204;
const RUNS = 500;

interface Grant {
  readonly scopes: readonly Scope[];
  /** What happens to the grant after its token was issued. */
  readonly then?: 'narrowed' | 'revoked';
  /** Issued two hours before now, so expired an hour ago. */
  readonly expired?: boolean;
}
const GRANTS: Record<string, Grant> = {
  all: { scopes: ALL_SCOPES },
  none: { scopes: [] },
  reads: { scopes: ['projects:read', 'contacts:read', 'bids:read'] },
  bidsOnly: { scopes: ['bids:read'] },
  writeWithoutRead: { scopes: ['bids:write'] },
  mailPreview: { scopes: ['email:preview', 'contacts:read'] },
  narrowed: { scopes: ALL_SCOPES, then: 'narrowed' },
  revoked: { scopes: ALL_SCOPES, then: 'revoked' },
  expired: { scopes: ALL_SCOPES, expired: true },
};
/** What `narrowed` keeps. */
const NARROWED_TO: Scope[] = ['projects:read', 'bids:read'];
/** Credentials of no grant: the Authorization header as sent. */
const OTHERS = ['none', 'unknown', 'basic', 'empty bearer', 'lower-case scheme'];
/** A key of GRANTS (its token) or one of OTHERS. */
type Credential = string;

/** The grants' tokens on one server (each store issues its own). */
async function issue(server: OAuthTestServer): Promise<Record<string, string>> {
  const { db } = server.runtime.store;
  const tenant = await db
    .selectFrom('tenants')
    .select('id')
    .where('slug', '=', 'summit-ridge')
    .executeTakeFirstOrThrow();
  const now = new Date(TEST_NOW);
  const tokens: Record<string, string> = {};
  for (const [key, grant] of Object.entries(GRANTS)) {
    const issuedAt = grant.expired === true ? new Date(now.getTime() - 7_200_000) : now;
    tokens[key] = await mintBenchToken(db, tenant.id, server.config.oauth.issuer, issuedAt, {
      scopes: grant.scopes,
      key,
    });
    const { grantId, userId } = benchIds(key);
    if (grant.then === 'narrowed') await connectionsRepository(db).narrow(grantId, userId, NARROWED_TO);
    if (grant.then === 'revoked') await connectionsRepository(db).revoke(grantId, userId, TEST_NOW);
  }
  return tokens;
}

function authorization(credential: Credential, tokens: Record<string, string>): string | undefined {
  switch (credential) {
    case 'none':
      return undefined;
    case 'unknown':
      return 'Bearer 7pY2kQm0wz3dXvTqk8sH1nA4uJbC6eRf9gLo5iZyVtM';
    case 'basic':
      return 'Basic YWxleDpzZWNyZXQ=';
    case 'empty bearer':
      return 'Bearer ';
    case 'lower-case scheme':
      return `bearer ${tokens.all ?? ''}`;
    default:
      return `Bearer ${tokens[credential] ?? ''}`;
  }
}

describe('in OAuth mode, the MCP core answers exactly as the SDK path', () => {
  let core: OAuthTestServer;
  let sdk: OAuthTestServer;
  const tokens = new Map<OAuthTestServer, Record<string, string>>();
  beforeAll(async () => {
    [core, sdk] = await Promise.all([
      startOAuthServer({ env: DIFFERENTIAL_ENV }),
      startOAuthServer({ env: DIFFERENTIAL_ENV, sdkPathOnly: true }),
    ]);
    for (const server of [core, sdk]) tokens.set(server, await issue(server));
  });
  afterAll(async () => {
    keepAlive.destroy();
    await Promise.all([core.stop(), sdk.stop()]);
  });

  const credential = fc.constantFrom<Credential>(...Object.keys(GRANTS), ...OTHERS);

  it(`answers ${String(RUNS)} generated requests alike, with any credential (seed ${String(SEED)})`, async () => {
    const answer = async (
      server: OAuthTestServer,
      input: Parameters<typeof send>[1],
      with_: Credential,
    ): Promise<Observed> => {
      const header = authorization(with_, tokens.get(server) ?? {});
      const headers = header === undefined ? input.headers : { ...input.headers, authorization: header };
      return withoutOrigin(await send(`${server.url}/mcp`, { ...input, headers }), server.url);
    };
    await fc.assert(
      fc.asyncProperty(requestCase, credential, async (input, with_) => {
        const [fromCore, fromSdk] = await Promise.all([
          answer(core, input, with_),
          answer(sdk, input, with_),
        ]);
        expect(
          fromCore,
          JSON.stringify({ with: with_, input: { ...input, body: String(input.body).slice(0, 600) } }),
        ).toEqual(fromSdk);
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    expect(sdk.coreAnswered()).toBe(0);
    // Worth something only if the core answered a good share itself (half the credentials fail).
    expect(core.coreAnswered()).toBeGreaterThan(RUNS / 5);
  }, 300_000);
});
