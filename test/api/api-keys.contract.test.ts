import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, listApiKeys, revokeApiKey } from '../../src/domain/api-keys/api-keys.js';
import { storedApiKeyVerifier } from '../../src/domain/api-keys/verify-api-key.js';
import { loadDemoData } from '../../src/domain/demo/load-demo.js';
import { DomainError } from '../../src/domain/errors.js';
import { fixedClock } from '../../src/lib/clock.js';
import { openStore, type Store } from '../../src/store/open-store.js';
import { TEST_NOW } from '../support/server.js';
import { availableDialects, createTestStore } from '../support/stores.js';
import { tenantGuard } from '../support/tenant-guard.js';

const dialects = await availableDialects();
const clock = fixedClock(TEST_NOW);

describe.each(dialects)('API keys on %s', (dialect) => {
  let store: Store & { url: string };
  let second: Store;
  beforeAll(async () => {
    store = await createTestStore(dialect, tenantGuard().options);
    await loadDemoData(store.db, clock);
    // A second connection pool on the same database: another instance of one deployment.
    second = openStore(store.url);
  });
  afterAll(async () => {
    await second.close();
    await store.close();
  });
  /** What the operator does or reads across tenants (as the CLI runs it: store/owner-work.ts). */
  const asOperator = <T>(work: () => Promise<T>) => store.asOwner('cli and backups', work);

  it('are shown once as wk_live_…, stored only as a hash, bound to one tenant and its scopes', async () => {
    const { key, record } = await createApiKey(store.db, clock, {
      tenantSlug: 'summit-ridge',
      name: 'Reports',
      scopes: ['projects:read,bids:read'],
      createdBy: 'cli',
    });
    expect(key).toMatch(/^wk_live_[0-9a-f]{64}$/);
    expect(record).toMatchObject({
      prefix: key.slice(0, 16),
      tenant: 'summit-ridge',
      scopes: ['projects:read', 'bids:read'],
      on_behalf_of: false,
      revoked_at: null,
    });
    const rows = await asOperator(() => store.db.selectFrom('api_keys').selectAll().execute());
    expect(JSON.stringify(rows)).not.toContain(key.slice(16));
    const verified = await storedApiKeyVerifier(store, clock)(key);
    expect(verified).toMatchObject({
      tenantSlug: 'summit-ridge',
      scopes: ['projects:read', 'bids:read'],
      userId: null,
      apiKey: { id: record.id, prefix: record.prefix, mayActForPeople: false, onBehalfOf: null },
    });
    const audit = await asOperator(() =>
      store.db.selectFrom('audit_log').selectAll().where('action', '=', 'api_key.created').execute(),
    );
    expect(audit.map((a) => JSON.parse(a.details) as { key: string })).toContainEqual(
      expect.objectContaining({ key: record.prefix }),
    );
  });

  it('refuse a malformed, unknown or altered key', async () => {
    const verify = storedApiKeyVerifier(store, clock);
    const { key } = await createApiKey(store.db, clock, { tenantSlug: 'summit-ridge', createdBy: 'cli' });
    const altered = `${key.slice(0, -1)}${key.endsWith('0') ? '1' : '0'}`;
    for (const bad of [altered, key.toUpperCase(), `${key} `, 'wk_live_', '', `wk_test_${key.slice(8)}`])
      expect(await verify(bad)).toBeUndefined();
    expect(await verify(key)).toBeDefined();
  });

  it('revoked on one instance, refused on the next request on another', async () => {
    const onFirst = storedApiKeyVerifier(store, clock);
    const onSecond = storedApiKeyVerifier(second, clock);
    const { key, record } = await createApiKey(store.db, clock, {
      tenantSlug: 'harbor-line',
      onBehalfOf: true,
      createdBy: 'cli',
    });
    expect((await onSecond(key))?.apiKey?.mayActForPeople).toBe(true);
    await asOperator(() => revokeApiKey(store.db, clock, record.prefix, { label: 'cli' }));
    expect(await onSecond(key)).toBeUndefined();
    expect(await onFirst(key)).toBeUndefined();
    const listed = await listApiKeys(second.db, 'harbor-line');
    expect(listed.find((k) => k.id === record.id)?.revoked_at).toBe(TEST_NOW);
  });

  it('refuse unknown scopes, an unknown tenant, and a revoke outside the tenant', async () => {
    const attempt = (input: Parameters<typeof createApiKey>[2]) => createApiKey(store.db, clock, input);
    await expect(
      attempt({ tenantSlug: 'summit-ridge', scopes: ['projects:write'], createdBy: 'cli' }),
    ).rejects.toThrow(/Unknown scope "projects:write"/);
    await expect(attempt({ tenantSlug: 'nope', createdBy: 'cli' })).rejects.toBeInstanceOf(DomainError);
    const { record } = await attempt({ tenantSlug: 'summit-ridge', createdBy: 'cli' });
    const harbor = await store.db
      .selectFrom('tenants')
      .select('id')
      .where('slug', '=', 'harbor-line')
      .executeTakeFirstOrThrow();
    await expect(
      revokeApiKey(store.db, clock, record.id, { label: 'x', tenantId: harbor.id }),
    ).rejects.toThrow(/was not found/);
    expect(
      (await listApiKeys(store.db, 'summit-ridge')).find((k) => k.id === record.id)?.revoked_at,
    ).toBeNull();
  });
});
