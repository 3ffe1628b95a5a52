import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountsRepository } from '../../src/store/accounts-repository.js';
import {
  type ClaimRequest,
  claimIdempotencyKey,
  completeIdempotencyKey,
  pruneIdempotencyKeys,
  releaseIdempotencyKey,
} from '../../src/store/mail-idempotency.js';
import type { Store } from '../../src/store/open-store.js';
import { availableDialects, createTestStore } from '../support/stores.js';
import { tenantGuard } from '../support/tenant-guard.js';

/**
 * The idempotency claim protocol, statement by statement, on both databases: who owns a key,
 * when a dead call's claim may be taken over, and what housekeeping may forget.
 */
const dialects = await availableDialects();

const T0 = Date.parse('2026-11-21T12:00:00.000Z');
const iso = (ms: number) => new Date(T0 + ms).toISOString();
const CLAIM_MS = 60_000;
const RETENTION_MS = 24 * 3_600_000;

describe.each(dialects)('idempotency claims on %s', (dialect) => {
  let store: Store & { url: string };
  const tenantId = 'idem-tenant';
  beforeAll(async () => {
    store = await createTestStore(dialect, tenantGuard().options);
    await accountsRepository(store.db).insertTenant({
      id: tenantId,
      slug: 'idem',
      name: 'Idempotency',
      created_at: iso(0),
    });
  });
  afterAll(() => store.close());

  /** A claim made `atMs` after T0 by call `token`. */
  const claim = (key: string, token: string, atMs: number, fingerprint = 'fp-1'): ClaimRequest => ({
    tenantId,
    tool: 'send_email',
    key,
    fingerprint,
    claimToken: token,
    now: iso(atMs),
    claimedUntil: iso(atMs + CLAIM_MS),
    expiresAt: iso(atMs + RETENTION_MS),
  });
  const keyRow = (key: string) =>
    store.db
      .selectFrom('mail_idempotency')
      .select(['state', 'claim_token'])
      .where('tenant_id', '=', tenantId)
      .where('key', '=', key)
      .executeTakeFirst();

  it('gives a key to exactly one call; others wait, conflict, or replay the stored result', async () => {
    expect(await claimIdempotencyKey(store.db, claim('k-basic', 'a', 0))).toEqual({ kind: 'claimed' });
    expect(await claimIdempotencyKey(store.db, claim('k-basic', 'b', 1_000))).toEqual({
      kind: 'in_progress',
    });
    expect(await claimIdempotencyKey(store.db, claim('k-basic', 'c', 1_000, 'fp-other'))).toEqual({
      kind: 'reused',
    });
    expect(await completeIdempotencyKey(store.db, claim('k-basic', 'a', 0), '{"sent":1}')).toBe(true);
    expect(await claimIdempotencyKey(store.db, claim('k-basic', 'd', 2_000))).toEqual({
      kind: 'replay',
      result: '{"sent":1}',
    });
  });

  it("lets a retry take over a dead call's claim once it lapses; the dead call can no longer complete", async () => {
    expect(await claimIdempotencyKey(store.db, claim('k-dead', 'dead', 0))).toEqual({ kind: 'claimed' });
    expect(await claimIdempotencyKey(store.db, claim('k-dead', 'retry', CLAIM_MS - 1))).toEqual({
      kind: 'in_progress',
    });
    expect(await claimIdempotencyKey(store.db, claim('k-dead', 'retry', CLAIM_MS))).toEqual({
      kind: 'claimed',
    });
    expect(await completeIdempotencyKey(store.db, claim('k-dead', 'dead', 0), '{}')).toBe(false);
    expect(await completeIdempotencyKey(store.db, claim('k-dead', 'retry', CLAIM_MS), '{}')).toBe(true);
  });

  it('never takes over a completed key within its retention, however long after the claim lapsed', async () => {
    await claimIdempotencyKey(store.db, claim('k-done', 'a', 0));
    await completeIdempotencyKey(store.db, claim('k-done', 'a', 0), '{"first":true}');
    expect(await claimIdempotencyKey(store.db, claim('k-done', 'b', RETENTION_MS - 1))).toEqual({
      kind: 'replay',
      result: '{"first":true}',
    });
    expect(await claimIdempotencyKey(store.db, claim('k-done', 'b', RETENTION_MS))).toEqual({
      kind: 'claimed',
    });
  });

  it('releasing a claim frees the key; only its own holder can release it', async () => {
    await claimIdempotencyKey(store.db, claim('k-release', 'a', 0));
    await releaseIdempotencyKey(store.db, claim('k-release', 'intruder', 0));
    expect(await keyRow('k-release')).toEqual({ state: 'in_progress', claim_token: 'a' });
    await releaseIdempotencyKey(store.db, claim('k-release', 'a', 0));
    expect(await keyRow('k-release')).toBeUndefined();
    expect(await claimIdempotencyKey(store.db, claim('k-release', 'b', 1))).toEqual({ kind: 'claimed' });
  });

  it('housekeeping forgets only keys past retention, never a completed key still within it', async () => {
    await claimIdempotencyKey(store.db, claim('p-done-recent', 'a', 0));
    await completeIdempotencyKey(store.db, claim('p-done-recent', 'a', 0), '{}');
    await claimIdempotencyKey(store.db, claim('p-done-old', 'a', -RETENTION_MS));
    await completeIdempotencyKey(store.db, claim('p-done-old', 'a', -RETENTION_MS), '{}');
    await claimIdempotencyKey(store.db, claim('p-abandoned-old', 'a', -RETENTION_MS));
    await claimIdempotencyKey(store.db, claim('p-held', 'a', 0));

    // Hours after every claim window lapsed, well within the recent keys' retention.
    // As the outbox worker's housekeeping runs it (owner work across tenants: store/owner-work.ts).
    await store.asOwner('outbox worker', () => pruneIdempotencyKeys(store.db, iso(2 * 3_600_000)));

    expect(await keyRow('p-done-recent')).toEqual({ state: 'done', claim_token: 'a' });
    expect(await keyRow('p-held')).toEqual({ state: 'in_progress', claim_token: 'a' });
    expect(await keyRow('p-done-old')).toBeUndefined();
    expect(await keyRow('p-abandoned-old')).toBeUndefined();
  });
});
