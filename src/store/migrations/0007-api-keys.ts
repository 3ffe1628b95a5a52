import type { Kysely, Migration } from 'kysely';

/**
 * API keys of the Workonward HTTP API (`/api/v1`): each bound to one tenant and a scope set,
 * stored only as the SHA-256 of the key (the key itself is shown once, at creation). `prefix` is
 * the first characters of the key, kept to recognise it in lists and logs. Revocation is a
 * timestamp read on every request, so it holds on every instance at once.
 */
export const apiKeys: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('api_keys')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('prefix', 'text', (c) => c.notNull())
      .addColumn('key_hash', 'text', (c) => c.notNull().unique())
      /** Space-separated scopes (the names of src/domain/scopes.ts). */
      .addColumn('scopes', 'text', (c) => c.notNull())
      /** 1: the key may name the person it acts for (`On-Behalf-Of`) and deliver sign-in codes. */
      .addColumn('on_behalf_of', 'integer', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('last_used_at', 'text')
      .addColumn('revoked_at', 'text')
      .execute();
    await db.schema
      .createIndex('api_keys_tenant')
      .on('api_keys')
      .columns(['tenant_id', 'created_at'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('api_keys').execute();
  },
};
