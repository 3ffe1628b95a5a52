import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { epochMs } from '../../src/lib/clock.js';
import { KeyRing, sha256 } from '../../src/lib/secrets.js';
import { addSigningKeySet, loadSigningKeys } from '../../src/oauth/key-store.js';
import { refreshTokenTtl } from '../../src/oauth/token-lifetimes.js';
import { Sealer } from '../../src/oauth/sealed.js';
import {
  markClientUsed,
  purgeExpired,
  sqlAdapterFactory,
  UNUSED_CLIENT_TTL_MS,
} from '../../src/oauth/sql-adapter.js';
import type { Store } from '../../src/store/open-store.js';
import { ManualClock } from '../support/clock.js';
import { availableDialects, createTestStore } from '../support/stores.js';
import { tenantGuard } from '../support/tenant-guard.js';

const dialects = await availableDialects();
const keys = new KeyRing('ab'.repeat(32));
const clock = new ManualClock();

describe.each(dialects)('the oidc-provider storage adapter (%s)', (dialect) => {
  let store: Store;
  beforeAll(async () => {
    store = await createTestStore(dialect, tenantGuard().options);
  });
  afterAll(() => store.close());
  const adapter = (model: string) =>
    sqlAdapterFactory(store.db, new Sealer(keys, 'oauth-client-secrets'), clock)(model);

  it('round-trips payloads, stores bearer ids only as SHA-256, and honours expiry', async () => {
    const codes = adapter('AuthorizationCode');
    await codes.upsert('raw-code-value', { jti: 'raw-code-value', grantId: 'g1', accountId: 'u1' }, 60);
    expect(await codes.find('raw-code-value')).toMatchObject({
      jti: 'raw-code-value',
      grantId: 'g1',
      accountId: 'u1',
    });
    const row = await store.db
      .selectFrom('oauth_models')
      .selectAll()
      .where('model', '=', 'AuthorizationCode')
      .executeTakeFirstOrThrow();
    expect(row.id).toBe(sha256('raw-code-value'));
    expect(row.payload).not.toContain('raw-code-value');
    await codes.upsert('expired', { grantId: 'g1' }, -1);
    expect(await codes.find('expired')).toBeUndefined();
  });

  it('expires rows on the injected clock, not on wall time', async () => {
    const codes = adapter('AuthorizationCode');
    await codes.upsert('ticking', { grantId: 'g1' }, 60);
    clock.advance(59_000);
    expect(await codes.find('ticking')).toBeDefined();
    clock.advance(1_000);
    expect(await codes.find('ticking')).toBeUndefined();
  });

  it('consumes exactly once, even under 50 concurrent attempts', async () => {
    const codes = adapter('AuthorizationCode');
    await codes.upsert('race', { grantId: 'g2' }, 60);
    const outcomes = await Promise.allSettled(Array.from({ length: 50 }, () => codes.consume('race')));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect((await codes.find('race'))?.consumed).toEqual(expect.any(Number));
  });

  it('finds sessions by uid, deletes, and revokes by grant', async () => {
    const sessions = adapter('Session');
    await sessions.upsert('cookie-value', { uid: 'uid-1', accountId: 'u1' }, 60);
    expect(await sessions.findByUid('uid-1')).toMatchObject({ accountId: 'u1' });
    await sessions.destroy('cookie-value');
    expect(await sessions.findByUid('uid-1')).toBeUndefined();
    const tokens = adapter('AccessToken');
    await tokens.upsert('at-1', { grantId: 'g3' }, 60);
    await tokens.upsert('at-2', { grantId: 'g3' }, 60);
    await tokens.upsert('at-3', { grantId: 'other' }, 60);
    await tokens.revokeByGrantId('g3');
    expect(await tokens.find('at-1')).toBeUndefined();
    expect(await tokens.find('at-2')).toBeUndefined();
    expect(await tokens.find('at-3')).toBeDefined();
  });

  it('seals client secrets at rest', async () => {
    const clients = adapter('Client');
    await clients.upsert(
      'client-1',
      { client_id: 'client-1', client_secret: 'super-secret-value' },
      undefined,
    );
    const row = await store.db
      .selectFrom('oauth_models')
      .select('payload')
      .where('id', '=', 'client-1')
      .executeTakeFirstOrThrow();
    expect(row.payload).not.toContain('super-secret-value');
    expect(await clients.find('client-1')).toMatchObject({ client_secret: 'super-secret-value' });
  });

  it('generates signing keys once, keeps them sealed, rotates, and never uses a key another root sealed', async () => {
    const sealer = new Sealer(keys, 'oauth-signing-keys');
    const first = await loadSigningKeys(store.db, sealer, clock);
    const again = await loadSigningKeys(store.db, sealer, clock);
    expect(again.keys.map((k) => k.kid)).toEqual(first.keys.map((k) => k.kid));
    expect(first.keys.map((k) => k.alg).sort()).toEqual(['ES256', 'RS256']);
    clock.advance(1000);
    await addSigningKeySet(store.db, sealer, clock, false);
    const rotated = await loadSigningKeys(store.db, sealer, clock);
    expect(rotated.keys).toHaveLength(4);
    expect(first.keys.map((k) => k.kid)).not.toContain(rotated.keys[0]?.kid);
    const other = new Sealer(new KeyRing('cd'.repeat(32)), 'oauth-signing-keys');
    const underOther = await loadSigningKeys(store.db, other, clock);
    expect(underOther.keys).toHaveLength(2);
    expect(rotated.keys.map((k) => k.kid)).not.toContain(underOther.keys[0]?.kid);
  });

  it('never mints a key set because the store could not be read: the failure surfaces and the keys stay', async () => {
    const sealer = new Sealer(keys, 'oauth-signing-keys');
    const before = await loadSigningKeys(store.db, sealer, clock);
    // The table goes missing inside a transaction that is rolled back: on PostgreSQL a committed
    // rename would be seen by other test files' migrators, which introspect every schema at once.
    const rolledBack = new Error('rolled back');
    const outcome = store.db.transaction().execute(async (trx) => {
      await sql`alter table oauth_keys rename to oauth_keys_elsewhere`.execute(trx);
      await expect(loadSigningKeys(trx, sealer, clock)).rejects.toThrow(/oauth_keys/);
      throw rolledBack;
    });
    await expect(outcome).rejects.toBe(rolledBack);
    const after = await loadSigningKeys(store.db, sealer, clock);
    expect(after.keys.map((k) => k.kid)).toEqual(before.keys.map((k) => k.kid));
  });

  it('expires registrations that were never used after 30 days, keeps used ones, and purges expired rows', async () => {
    const clients = adapter('Client');
    await clients.upsert('unused', { client_id: 'unused' }, undefined);
    await clients.upsert('used', { client_id: 'used' }, undefined);
    await markClientUsed(store.db, 'used');
    const rows = await store.db
      .selectFrom('oauth_models')
      .select(['id', 'expires_at'])
      .where('model', '=', 'Client')
      .where('id', 'in', ['unused', 'used'])
      .execute();
    const unused = rows.find((r) => r.id === 'unused');
    expect(unused?.expires_at).toBe(epochMs(clock) + UNUSED_CLIENT_TTL_MS);
    expect(rows.find((r) => r.id === 'used')?.expires_at).toBeNull();
    await purgeExpired(store.db, epochMs(clock) + UNUSED_CLIENT_TTL_MS + 1000);
    expect(await clients.find('unused')).toBeUndefined();
    expect(await clients.find('used')).toBeDefined();
  });
});

describe('refresh token lifetime', () => {
  it('is 30 days idle and never extends past 90 days from the first token', () => {
    const day = 86_400;
    const now = 1_800_000_000;
    expect(refreshTokenTtl(undefined, now)).toBe(30 * day);
    expect(refreshTokenTtl(now - 10 * day, now)).toBe(30 * day);
    expect(refreshTokenTtl(now - 80 * day, now)).toBe(10 * day);
    expect(refreshTokenTtl(now - 95 * day, now)).toBe(1);
  });
});
