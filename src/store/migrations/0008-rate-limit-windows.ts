import type { Kysely, Migration } from 'kysely';

/**
 * One rate-limit mechanism for every limit (abuse limits, mail rates and quotas, and any later
 * per-grant or per-key quota): a sliding window per key, stored as a small JSON list of slice
 * counts with a version every write bumps (see src/domain/limits/rate-limiter.ts).
 *
 * It replaces `rate_limits` (0006: a window starting at a key's first event) and `mail_rate`
 * (0005: calendar minute and day buckets, which let 2× the limit through across a boundary).
 * Those two tables are no longer read or written but are kept, so that instances of the previous
 * release keep answering during a rolling upgrade; a later release's migration drops them.
 */
export const rateLimitWindows: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('rate_limit_windows')
      .addColumn('key', 'text', (c) => c.primaryKey())
      /** JSON `[[slice start epoch ms, units], …]`, oldest first. */
      .addColumn('slices', 'text', (c) => c.notNull())
      /** Bumped by every write: a compare-and-set checks it. */
      .addColumn('version', 'integer', (c) => c.notNull())
      /** Epoch ms after which no slice counts: the row may be deleted. */
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('rate_limit_windows_expiry')
      .on('rate_limit_windows')
      .column('expires_at')
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('rate_limit_windows').execute();
  },
};
