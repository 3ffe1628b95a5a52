import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProposedChange } from '../../src/domain/crm/change-proposal.js';
import { crmChangeService } from '../../src/domain/crm/crm-changes.js';
import { DomainError } from '../../src/domain/errors.js';
import type { Principal } from '../../src/domain/principal.js';
import { localPrincipal } from '../../src/runtime.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * A confirmed change whose record moved on between the proposal and the write (another call got
 * there first): refused as changed_meanwhile, nothing written, and the key not held, all in the
 * one transaction — so the same key can make the change once it is shown again.
 */
describe('a confirmed change of a record that changed meanwhile', () => {
  let server: TestServer;
  let principal: Principal;
  beforeAll(async () => {
    server = await startTestServer();
    principal = await localPrincipal(server.runtime);
  });
  afterAll(() => server.stop());

  it('is refused with changed_meanwhile, writes nothing and leaves the key free', async () => {
    const db = server.runtime.store.db;
    const bid = await db
      .selectFrom('bids')
      .select(['id', 'status'])
      .where('tenant_id', '=', principal.tenantId)
      .where('number', '=', 123)
      .executeTakeFirstOrThrow();
    const changes = crmChangeService(
      { db, clock: server.runtime.clock, keyRetentionMs: 3_600_000 },
      principal,
    );
    const shown = (from: string): ProposedChange => ({
      tool: 'bids.update_status',
      kind: 'bid_status',
      target: { type: 'bid', id: bid.id, label: '#123' },
      from,
      to: 'won',
      note: null,
      reason: 'Signed',
      summary: 'Change bid #123 to won.',
      noop: false,
      fingerprint: 'same-request',
      digest: `from-${from}`,
    });
    const stale = bid.status === 'draft' ? 'submitted' : 'draft';
    const refused = await changes.apply(shown(stale), 'k-meanwhile', 'change_id').then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(DomainError);
    expect((refused as DomainError).message).toBe(
      `changed_meanwhile: #123 is no longer ${stale}; nothing was changed.`,
    );
    const after = await db
      .selectFrom('bids')
      .select('status')
      .where('id', '=', bid.id)
      .executeTakeFirstOrThrow();
    expect(after.status).toBe(bid.status);
    expect(
      await db.selectFrom('mail_idempotency').select('key').where('key', '=', 'k-meanwhile').execute(),
    ).toEqual([]);
    // Shown again from the record as it is, the same key makes the change.
    expect(await changes.apply(shown(bid.status), 'k-meanwhile', 'change_id')).toMatchObject({
      outcome: 'applied',
      replayed: false,
    });
  });
});
