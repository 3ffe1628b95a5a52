import type { Kysely, Migration } from 'kysely';

/**
 * Abuse limits (registrations per IP, sign-in codes per address and per IP, failed client
 * authentications per client) counted in the database, so every instance behind a load balancer
 * shares one count. One row per limited key: its window's start and the events in it.
 */
export const rateLimits: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('rate_limits')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('window_start', 'text', (c) => c.notNull())
      .addColumn('count', 'integer', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('rate_limits_window').on('rate_limits').column('window_start').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('rate_limits').execute();
  },
};
