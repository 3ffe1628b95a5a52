import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crmService } from '../../src/domain/crm/crm-service.js';
import { CursorCodec } from '../../src/domain/crm/cursor.js';
import { searchCrm } from '../../src/domain/crm/deep-research.js';
import { loadDemoData } from '../../src/domain/demo/load-demo.js';
import { fixedClock } from '../../src/lib/clock.js';
import { KeyRing } from '../../src/lib/secrets.js';
import { accountsRepository } from '../../src/store/accounts-repository.js';
import { crmRepository } from '../../src/store/crm-repository.js';
import type { Store } from '../../src/store/open-store.js';
import { TEST_NOW } from '../support/server.js';
import { availableDialects, createTestStore } from '../support/stores.js';

const dialects = await availableDialects();
const clock = fixedClock(TEST_NOW);

describe.each(dialects)('deep-research search on %s', (dialect) => {
  let store: Store;
  let reader: ReturnType<typeof crmService>;
  beforeAll(async () => {
    store = await createTestStore(dialect);
    await loadDemoData(store.db, clock);
    const tenant = await accountsRepository(store.db).findTenantBySlug('summit-ridge');
    reader = crmService(
      crmRepository(store.db, tenant!.id),
      clock,
      new CursorCodec(new KeyRing('ab'.repeat(32))),
    );
  });
  afterAll(() => store.close());

  it('treats an unknown bid number as no result', async () => {
    expect(await searchCrm(reader, '#987654', ['bids:read'])).toEqual({ results: [] });
  });

  it('lets a database failure surface instead of answering "no results"', async () => {
    await sql`alter table bids rename to bids_elsewhere`.execute(store.db);
    try {
      await expect(searchCrm(reader, '#123', ['bids:read'])).rejects.not.toHaveProperty(
        'name',
        'DomainError',
      );
      await expect(searchCrm(reader, '#123', ['bids:read'])).rejects.toThrow();
    } finally {
      await sql`alter table bids_elsewhere rename to bids`.execute(store.db);
    }
    expect((await searchCrm(reader, '#123', ['bids:read'])).results).toHaveLength(1);
  });
});
