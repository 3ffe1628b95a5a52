import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintBenchToken } from '../../bench/bench-token.js';
import { loadDemoData } from '../../src/domain/demo/load-demo.js';
import { sha256 } from '../../src/lib/secrets.js';
import { connectionsRepository } from '../../src/oauth/connections.js';
import { storedTokenVerifier } from '../../src/oauth/token-verifier.js';
import { openStore, type Store } from '../../src/store/open-store.js';
import { ManualClock } from '../support/clock.js';
import { availableDialects, createTestStore } from '../support/stores.js';

/**
 * The verified-token cache on both databases, as two instances of one deployment see it: two
 * stores on one database, each with its own verifier (and so its own cache). Whatever ends or
 * narrows a token on instance A is seen by the very next verification on instance B, which had
 * the token cached; and B really serves repeated verifications from its cache (one epoch read,
 * no join), or the cache would prove nothing.
 */
const dialects = await availableDialects();
const ISSUER = 'http://127.0.0.1:4100';
const RESOURCE = `${ISSUER}/mcp`;
const NOW = '2026-12-02T07:00:00.000Z';

describe.each(dialects)('verified-token cache across two instances on %s', (dialect) => {
  let a: Store & { url: string };
  let b: Store;
  /** The SQL statements instance B sent, in order. */
  const sentByB: string[] = [];
  const clock = new ManualClock(NOW);
  let verifyOnB: ReturnType<typeof storedTokenVerifier>;
  let tenantId = '';

  beforeAll(async () => {
    a = await createTestStore(dialect);
    await loadDemoData(a.db, clock);
    b = openStore(a.url, { onQuery: (event) => sentByB.push(event.query.sql) });
    verifyOnB = storedTokenVerifier(b, ISSUER, clock);
    tenantId = (await a.db.selectFrom('tenants').select('id').orderBy('slug').executeTakeFirstOrThrow()).id;
  });
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  /** A fresh token (every scope) and its grant, written as the authorization server stores them. */
  async function newToken() {
    const token = await mintBenchToken(a.db, tenantId, ISSUER, new Date(NOW));
    const row = await a.db
      .selectFrom('oauth_models')
      .select('grant_id')
      .where('id', '=', sha256(token))
      .executeTakeFirstOrThrow();
    const connection = await a.db
      .selectFrom('oauth_connections')
      .select(['grant_id', 'user_id'])
      .where('grant_id', '=', row.grant_id ?? '')
      .executeTakeFirstOrThrow();
    return { token, grantId: connection.grant_id, userId: connection.user_id };
  }

  /** Verifies on B and reports whether B had to run the join (a cache miss). */
  async function verifyOnBCounting(token: string) {
    const before = sentByB.length;
    const verified = await verifyOnB.verifyAccessToken(token, RESOURCE);
    const joined = sentByB.slice(before).some((sql) => sql.includes('oauth_models'));
    return { verified, joined };
  }

  it('serves a repeated verification from the cache: one epoch read, no join', async () => {
    const { token } = await newToken();
    expect((await verifyOnBCounting(token)).joined).toBe(true);
    const before = sentByB.length;
    const again = await verifyOnBCounting(token);
    expect(again.verified?.principal.tenantId).toBe(tenantId);
    expect(again.joined).toBe(false);
    expect(sentByB.slice(before)).toHaveLength(1);
    expect(sentByB.at(-1)).toContain('auth_epoch');
  });

  it('a revocation on A refuses the next request on B', async () => {
    const { token, grantId, userId } = await newToken();
    await verifyOnB.verifyAccessToken(token, RESOURCE);
    expect((await verifyOnBCounting(token)).joined).toBe(false);
    await connectionsRepository(a.db).revoke(grantId, userId, new Date(NOW).toISOString());
    expect((await verifyOnB.verifyAccessToken(token, RESOURCE)) === undefined).toBe(true);
  });

  it('a narrowing on A narrows the next request on B', async () => {
    const { token, grantId, userId } = await newToken();
    expect((await verifyOnB.verifyAccessToken(token, RESOURCE))?.principal.scopes).toContain('bids:read');
    expect((await verifyOnBCounting(token)).joined).toBe(false);
    await connectionsRepository(a.db).narrow(grantId, userId, ['projects:read']);
    expect((await verifyOnB.verifyAccessToken(token, RESOURCE))?.principal.scopes).toEqual(['projects:read']);
  });

  it('a deleted token, a removed membership and a renamed tenant are each seen on the next request', async () => {
    const deleted = await newToken();
    await verifyOnB.verifyAccessToken(deleted.token, RESOURCE);
    await a.db.deleteFrom('oauth_models').where('id', '=', sha256(deleted.token)).execute();
    expect(await verifyOnB.verifyAccessToken(deleted.token, RESOURCE)).toBeUndefined();

    const removed = await newToken();
    await verifyOnB.verifyAccessToken(removed.token, RESOURCE);
    await a.db.deleteFrom('memberships').where('user_id', '=', removed.userId).execute();
    expect(await verifyOnB.verifyAccessToken(removed.token, RESOURCE)).toBeUndefined();

    const renamed = await newToken();
    await verifyOnB.verifyAccessToken(renamed.token, RESOURCE);
    await a.db.updateTable('tenants').set({ name: 'Renamed Builders' }).where('id', '=', tenantId).execute();
    expect((await verifyOnB.verifyAccessToken(renamed.token, RESOURCE))?.principal.tenantName).toBe(
      'Renamed Builders',
    );
  });

  it('the once-a-minute use stamp and new tokens leave every cached verification in place', async () => {
    const { token } = await newToken();
    // The first use writes the connection's last_used_at (an update of that row).
    await verifyOnB.verifyAccessToken(token, RESOURCE);
    const stamped = await a.db
      .selectFrom('oauth_connections')
      .select('last_used_at')
      .where('grant_id', '=', (await verifyOnB.verifyAccessToken(token, RESOURCE))?.principal.grantId ?? '')
      .executeTakeFirstOrThrow();
    expect(stamped.last_used_at).not.toBeNull();
    expect((await verifyOnBCounting(token)).joined).toBe(false);
    await newToken(); // another app connects
    expect((await verifyOnBCounting(token)).joined).toBe(false);
  });

  it('expiry is checked on every request, cached or not', async () => {
    const { token } = await newToken();
    await verifyOnB.verifyAccessToken(token, RESOURCE);
    clock.advance(3_600_000); // the token's exp
    expect(await verifyOnB.verifyAccessToken(token, RESOURCE)).toBeUndefined();
  });
});
