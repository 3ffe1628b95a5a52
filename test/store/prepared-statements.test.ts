import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { leaseOutbox } from '../../src/store/mail-outbox.js';
import { availableDialects, createTestStore } from '../support/stores.js';

/**
 * The outbox worker's lease and recording run as named prepared statements on PostgreSQL
 * (src/store/prepared-statements.ts): parsed and planned once per connection. A column another
 * instance's migration adds must not break them (their result columns are named, never `*`).
 */
const postgres = (await availableDialects()).includes('postgres');

describe.runIf(postgres)('prepared statements on PostgreSQL', () => {
  it('lease once prepared per connection whatever its limit, and still leases after a column was added', async () => {
    const store = await createTestStore('postgres');
    try {
      const now = new Date();
      const lease = {
        owner: 'worker_test',
        now: now.toISOString(),
        until: new Date(now.getTime() + 60_000).toISOString(),
        limit: 8,
        maxAttempts: 8,
      };
      await store.db.connection().execute(async (db) => {
        await leaseOutbox(db, store.traits, lease);
        // Another limit, the same statement: the limit stays a bound value here.
        await leaseOutbox(db, store.traits, { ...lease, limit: 3 });
        const prepared = await sql<{ statement: string; runs: number }>`
          select statement, (generic_plans + custom_plans)::int as runs from pg_prepared_statements`.execute(
          db,
        );
        expect(prepared.rows).toEqual([
          { statement: expect.stringContaining('update "mail_outbox"'), runs: 2 },
        ]);
        await sql`alter table mail_outbox add column added_later text`.execute(db);
        await expect(leaseOutbox(db, store.traits, lease)).resolves.toEqual([]);
      });
    } finally {
      await store.close();
    }
  });
});
