import type { Kysely, Migration } from 'kysely';

/** The append-only audit log: authorization decisions and every email tool call and refusal. */
export const audit: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('audit_log')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('tenant_id', 'text')
      .addColumn('user_id', 'text')
      .addColumn('client_id', 'text')
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('decision', 'text', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('details', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('audit_log_tenant_at')
      .on('audit_log')
      .columns(['tenant_id', 'at', 'id'])
      .execute();
    await db.schema.createIndex('audit_log_action_at').on('audit_log').columns(['action', 'at']).execute();
  },
};
