import {
  type DialectAdapter,
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresQueryCompiler,
  type QueryCompiler,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from 'kysely';
import { describe, expect, it } from 'vitest';
import { foreignTenants } from '../../src/domain/accounts/first-run.js';
import { exportAudit } from '../../src/domain/audit/audit-export.js';
import { listAudit } from '../../src/domain/audit/audit-log.js';
import { listDevMailbox } from '../../src/outbox/dev-mailbox.js';
import { expiredFinalLeases, findOutboxByKey, leaseOutbox, listOutbox } from '../../src/store/mail-outbox.js';
import { rowLimit } from '../../src/store/row-limit.js';
import { signInMailQueue } from '../../src/store/sign-in-mail-queue.js';
import { availableDialects, createTestStore } from '../support/stores.js';

interface Tables {
  projects: { id: string; tenant_id: string };
}

/** A Kysely that only compiles, with the dialect's own adapter and query compiler. */
const compiling = (adapter: DialectAdapter, compiler: () => QueryCompiler) =>
  new Kysely<Tables>({
    dialect: {
      createAdapter: () => adapter,
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => new SqliteIntrospector(db),
      createQueryCompiler: compiler,
    },
  });

const dialects = {
  sqlite: compiling(new SqliteAdapter(), () => new SqliteQueryCompiler()),
  postgres: compiling(new PostgresAdapter(), () => new PostgresQueryCompiler()),
};

describe.each(Object.entries(dialects))('rowLimit on %s', (_, db) => {
  it('writes the limit into the SQL text, not as a bound parameter', () => {
    const query = db
      .selectFrom('projects')
      .where('tenant_id', '=', 't-1')
      .select('id')
      .limit(rowLimit(20))
      .compile();
    expect(query.sql).toMatch(/ limit 20$/);
    expect(query.parameters).toEqual(['t-1']);
  });
});

it('refuses anything but a non-negative safe integer before it reaches SQL', () => {
  for (const limit of [1.5, -1, Number.NaN, Infinity, 2 ** 53])
    expect(() => rowLimit(limit)).toThrow(RangeError);
  expect(() => rowLimit(0)).not.toThrow();
});

/**
 * The outbox worker and the sign-in mail queue poll while the server answers tool calls: on
 * SQLite a bound LIMIT made each of their polls prepare its statement again on the main thread.
 * Only the outbox lease keeps a bound limit, and only on PostgreSQL, where it is one prepared
 * statement for every limit (DialectTraits.boundLimitReprepares, test/store/prepared-statements).
 */
describe.each(await availableDialects())('the mail queues, lookups and audit pages on %s', (dialect) => {
  it('write their limits into the SQL text', async () => {
    const texts: string[] = [];
    const store = await createTestStore(dialect, { onQuery: (event) => texts.push(event.query.sql) });
    try {
      const now = new Date();
      const lease = (limit: number) => ({
        owner: 'worker_test',
        now: now.toISOString(),
        until: new Date(now.getTime() + 60_000).toISOString(),
        limit,
        maxAttempts: 8,
      });
      await leaseOutbox(store.db, store.traits, lease(8));
      await leaseOutbox(store.db, store.traits, lease(3));
      await expiredFinalLeases(store.db, now.toISOString(), 8);
      await signInMailQueue(store.db, store.traits).lease('worker_test', now, now, 4);
      await listOutbox(store.db, 't-1', { limit: 20 });
      await findOutboxByKey(store.db, 't-1', 'key');
      await listDevMailbox(store.db, 20);
      await foreignTenants(store.db, { id: 't-1' });
      await listAudit(store.db, 't-1', { limit: 30 });
      for await (const entry of exportAudit(store.db, 't-1')) expect(entry).toBeUndefined();
      expect(texts).toHaveLength(10);
      const bound = texts.filter((text) => /\blimit (\?|\$\d+)/i.test(text));
      if (store.traits.boundLimitReprepares) {
        expect(bound).toEqual([]);
        expect([texts[0], texts[1]]).toEqual([
          expect.stringContaining(' limit 8'),
          expect.stringContaining(' limit 3'),
        ]);
      } else expect(bound).toEqual([texts[0], texts[1]]);
      for (const limit of [
        ' limit 100',
        ' limit 4',
        ' limit 20',
        ' limit 200',
        ' limit 5',
        ' limit 30',
        ' limit 1000',
      ])
        expect(
          texts.some((text) => text.includes(limit)),
          limit,
        ).toBe(true);
    } finally {
      await store.close();
    }
  });
});
