import type { Kysely, Migration } from 'kysely';

/** CRM tables. Portable types only; no database-side defaults (ids and timestamps come from the app). */
export const crm: Migration = {
  async up(db: Kysely<unknown>) {
    // In this order: each table's references point at tables created before it.
    await accountTables(db);
    await directoryTables(db);
    await projectTables(db);
    await bidTables(db);
  },
};

/** Tenants, users and who belongs to which tenant. */
async function accountTables(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('tenants')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('memberships')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('memberships_pk', ['tenant_id', 'user_id'])
    .execute();
  await db.schema.createIndex('memberships_user').on('memberships').columns(['user_id']).execute();
}

/** Companies and their contacts, each unique per tenant by a normalised key. */
async function directoryTables(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('companies')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_key', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('city', 'text')
    .addColumn('phone', 'text')
    .addColumn('website', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('companies_tenant_name', ['tenant_id', 'name_key'])
    .execute();

  await db.schema
    .createTable('contacts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('company_id', 'text', (c) => c.references('companies.id'))
    .addColumn('first_name', 'text', (c) => c.notNull())
    .addColumn('last_name', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('email_key', 'text', (c) => c.notNull())
    .addColumn('phone', 'text')
    .addColumn('title', 'text')
    .addColumn('search_text', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('contacts_tenant_email', ['tenant_id', 'email_key'])
    .execute();
  await db.schema
    .createIndex('contacts_company')
    .on('contacts')
    .columns(['tenant_id', 'company_id'])
    .execute();
}

/** Projects, indexed for the by-name and by-status lists. */
async function projectTables(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('projects')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('client_company_id', 'text', (c) => c.references('companies.id'))
    .addColumn('location', 'text')
    .addColumn('value_cents', 'bigint')
    .addColumn('start_date', 'text')
    .addColumn('end_date', 'text')
    .addColumn('description', 'text')
    .addColumn('search_text', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('projects_by_name')
    .on('projects')
    .columns(['tenant_id', 'name', 'id'])
    .execute();
  await db.schema
    .createIndex('projects_by_status_name')
    .on('projects')
    .columns(['tenant_id', 'status', 'name', 'id'])
    .execute();
}

/** Bids, their status history and their notes. */
async function bidTables(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('bids')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id'))
    .addColumn('company_id', 'text', (c) => c.references('companies.id'))
    .addColumn('contact_id', 'text', (c) => c.references('contacts.id'))
    .addColumn('amount_cents', 'bigint', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('status_since', 'text', (c) => c.notNull())
    .addColumn('due_date', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('bids_tenant_number', ['tenant_id', 'number'])
    .execute();
  await db.schema
    .createIndex('bids_by_status_since')
    .on('bids')
    .columns(['tenant_id', 'status', 'status_since', 'number'])
    .execute();
  await db.schema
    .createIndex('bids_by_since')
    .on('bids')
    .columns(['tenant_id', 'status_since', 'number'])
    .execute();
  await db.schema.createIndex('bids_by_project').on('bids').columns(['tenant_id', 'project_id']).execute();
  await db.schema.createIndex('bids_by_company').on('bids').columns(['tenant_id', 'company_id']).execute();

  await db.schema
    .createTable('bid_status_changes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('bid_id', 'text', (c) => c.notNull().references('bids.id'))
    .addColumn('from_status', 'text')
    .addColumn('to_status', 'text', (c) => c.notNull())
    .addColumn('changed_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('bid_status_changes_bid')
    .on('bid_status_changes')
    .columns(['tenant_id', 'bid_id', 'changed_at'])
    .execute();

  await db.schema
    .createTable('bid_notes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('bid_id', 'text', (c) => c.notNull().references('bids.id'))
    .addColumn('author_user_id', 'text', (c) => c.references('users.id'))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('bid_notes_bid')
    .on('bid_notes')
    .columns(['tenant_id', 'bid_id', 'created_at'])
    .execute();
}
