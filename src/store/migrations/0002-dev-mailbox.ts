import type { Kysely, Migration } from 'kysely';

/** Messages kept instead of sent when no SMTP server is configured (development). */
export const devMailbox: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('dev_mailbox')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('envelope_from', 'text', (c) => c.notNull())
      /** JSON array of the envelope recipients: exactly who the message would have gone to. */
      .addColumn('envelope_to', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('raw', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('dev_mailbox_created').on('dev_mailbox').columns(['created_at']).execute();
  },
};
