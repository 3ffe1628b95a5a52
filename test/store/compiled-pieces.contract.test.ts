import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudits } from '../../src/domain/audit/audit-log.js';
import { ROWS_PER_COMPILED_STATEMENT } from '../../src/store/compiled-shapes.js';
import type { Store } from '../../src/store/open-store.js';
import { ManualClock } from '../support/clock.js';
import { availableDialects, createTestStore } from '../support/stores.js';

/**
 * Multi-row statements compiled once per row count run in pieces of at most
 * ROWS_PER_COMPILED_STATEMENT rows: every count, below, at and past a piece boundary, inside a
 * transaction and outside one, writes exactly its rows with their own values.
 */
const dialects = await availableDialects();

describe.each(dialects)('multi-row audit appends on %s', (dialect) => {
  let store: Store;
  beforeAll(async () => {
    store = await createTestStore(dialect);
  });
  afterAll(() => store.close());

  const piece = ROWS_PER_COMPILED_STATEMENT;
  it.each([1, 3, piece, piece + 1, 2 * piece + 5])(
    'appends %i entries with their own values',
    async (count) => {
      const action = `test.pieces.${count}`;
      const entries = Array.from({ length: count }, (_, i) => ({
        tenantId: null,
        userId: i % 2 === 0 ? `user-${i}` : null,
        clientId: null,
        action,
        decision: `d${i}`,
        reason: i % 3 === 0 ? null : `reason ${i}`,
        details: { n: i },
      }));
      const clock = new ManualClock('2026-11-21T12:00:00.000Z');
      // Half outside a transaction, half inside one: both reuse the same compiled statements.
      const half = Math.floor(count / 2);
      const ids = [
        ...(await appendAudits(store.db, clock, entries.slice(0, half))),
        ...(await store.db.transaction().execute((tx) => appendAudits(tx, clock, entries.slice(half)))),
      ];
      expect(new Set(ids).size).toBe(count);
      const rows = await store.db.selectFrom('audit_log').selectAll().where('action', '=', action).execute();
      const byId = new Map(rows.map((row) => [row.id, row]));
      expect(rows).toHaveLength(count);
      ids.forEach((id, i) => {
        expect(byId.get(id)).toMatchObject({
          user_id: entries[i]?.userId,
          decision: `d${i}`,
          reason: entries[i]?.reason,
          details: JSON.stringify({ n: i }),
          at: '2026-11-21T12:00:00.000Z',
        });
      });
    },
  );
});
