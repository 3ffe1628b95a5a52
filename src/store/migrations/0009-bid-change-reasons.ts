import type { Kysely, Migration } from 'kysely';

/**
 * A status change made through `bids.update_status` carries the reason the person gave, shown in
 * the bid's history (issue 11). Nullable: imported and seeded history has no reason.
 */
export const bidChangeReasons: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('bid_status_changes').addColumn('reason', 'text').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('bid_status_changes').dropColumn('reason').execute();
  },
};
