import { type Kysely, type Migration, PostgresAdapter, sql } from 'kysely';
import { rebuildWithCompositeReferences } from './sqlite-rebuild.js';
import { refusal, type TenantReference, tenantKeyProblems } from './tenant-key-problems.js';

/** Tenant rows other tenant rows point at: each gets a unique `(tenant_id, id)` key. */
const PARENTS = ['companies', 'contacts', 'projects', 'bids'] as const;

/**
 * Every reference from one tenant row to another. Each becomes `(tenant_id, column) references
 * parent (tenant_id, id)`, so the database refuses a row that points into another tenant, and a
 * join along it cannot cross tenants whatever its `on` clause says. (`mail_outbox.bid_id` stays a
 * plain column: a sent message's record must outlive whatever it was about.)
 */
export const TENANT_REFERENCES: readonly TenantReference[] = [
  { table: 'contacts', column: 'company_id', parent: 'companies' },
  { table: 'projects', column: 'client_company_id', parent: 'companies' },
  { table: 'bids', column: 'project_id', parent: 'projects' },
  { table: 'bids', column: 'company_id', parent: 'companies' },
  { table: 'bids', column: 'contact_id', parent: 'contacts' },
  { table: 'bid_status_changes', column: 'bid_id', parent: 'bids' },
  { table: 'bid_notes', column: 'bid_id', parent: 'bids' },
];

const NAME = '0012-tenant-keys';
const constraintOf = (ref: TenantReference) => `${ref.table}_${ref.column}_tenant_fk`;
/**
 * A project's name as the importer compares it (trimmed, lower-cased in JavaScript, which folds
 * "École" as SQL `lower()` does not on SQLite). Written out here, not imported: a released
 * migration must not change when the app's code does.
 */
const projectNameKey = (name: string) => name.trim().toLowerCase();

/**
 * Tenancy in the schema (issue 12): composite keys and references on the CRM tables, and project
 * names unique per tenant (`projects.name_key`, what bids are imported by). Runs on existing data:
 * rows that already break the new rules are listed and the migration refuses, changing nothing
 * (see tenant-key-problems.ts). PostgreSQL alters the tables in place, which keeps the row-level
 * security policies of 0010; SQLite rebuilds the five referencing tables.
 */
export const tenantKeys: Migration = {
  async up(db: Kysely<unknown>) {
    if (db.getExecutor().adapter instanceof PostgresAdapter) {
      // Kysely already runs PostgreSQL migrations in one transaction.
      await upInPlace(db);
      return;
    }
    // SQLite migrations get no transaction, and foreign keys can only be switched outside one.
    await sql`pragma foreign_keys = off`.execute(db);
    try {
      await db.transaction().execute(async (trx) => {
        await rebuild(trx);
        const broken = await sql`pragma foreign_key_check`.execute(trx);
        if (broken.rows.length > 0)
          throw new Error(`${NAME}: foreign keys broken after the rebuild: ${JSON.stringify(broken.rows)}`);
      });
    } finally {
      await sql`pragma foreign_keys = on`.execute(db);
    }
  },
};

async function refuseProblems(db: Kysely<unknown>): Promise<void> {
  const problems = await tenantKeyProblems(db, TENANT_REFERENCES, projectNameKey);
  if (problems.length > 0) throw refusal(NAME, problems);
}

async function upInPlace(db: Kysely<unknown>): Promise<void> {
  await refuseProblems(db);
  await tenantIdKeys(db);
  await sql`alter table projects add column name_key text`.execute(db);
  await fillProjectNameKeys(db);
  await sql`alter table projects alter column name_key set not null`.execute(db);
  await uniqueProjectNames(db);
  for (const ref of TENANT_REFERENCES) {
    // PostgreSQL named the single-column references `<table>_<column>_fkey` (migration 0001).
    await sql`alter table ${sql.table(ref.table)}
      drop constraint ${sql.id(`${ref.table}_${ref.column}_fkey`)},
      add constraint ${sql.id(constraintOf(ref))} foreign key (tenant_id, ${sql.id(ref.column)})
        references ${sql.table(ref.parent)} (tenant_id, id)`.execute(db);
  }
}

async function rebuild(db: Kysely<unknown>): Promise<void> {
  await refuseProblems(db);
  await tenantIdKeys(db);
  const tables = [...new Set(TENANT_REFERENCES.map((ref) => ref.table))];
  for (const table of tables) {
    const references = TENANT_REFERENCES.filter((ref) => ref.table === table).map((ref) => ({
      ...ref,
      constraint: constraintOf(ref),
    }));
    // The copy fills name_key with the (unique) id; the real keys are written next.
    const added =
      table === 'projects' ? [{ name: 'name_key', definition: 'text not null', fill: '"id"' }] : [];
    await rebuildWithCompositeReferences(db, table, references, added);
  }
  await fillProjectNameKeys(db);
  await uniqueProjectNames(db);
}

/** The keys composite references point at (a unique index is enough for both databases). */
async function tenantIdKeys(db: Kysely<unknown>): Promise<void> {
  for (const table of PARENTS)
    await db.schema
      .createIndex(`${table}_tenant_key`)
      .on(table)
      .columns(['tenant_id', 'id'])
      .unique()
      .execute();
}

async function uniqueProjectNames(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('projects_tenant_name_key')
    .on('projects')
    .columns(['tenant_id', 'name_key'])
    .unique()
    .execute();
}

/** Writes every project's name_key, 500 rows per statement (`update … from (values …)` on both). */
async function fillProjectNameKeys(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{ id: string; name: string }>`select id, name from projects`.execute(db);
  for (let start = 0; start < rows.length; start += 500) {
    const values = rows.slice(start, start + 500).map((row) => sql`(${row.id}, ${projectNameKey(row.name)})`);
    await sql`update projects set name_key = v.column2 from (values ${sql.join(values)}) as v
      where projects.id = v.column1`.execute(db);
  }
}
