import { type Kysely, type Migration, PostgresAdapter, sql } from 'kysely';
import { TENANT_SETTING } from '../tenant-setting.js';

/**
 * Every table whose rows belong to one tenant. A new tenant table must be added here (by its own
 * migration) — `test/store/row-level-security.test.ts` fails for any table with a `tenant_id`
 * column that has no policy. `web_sessions` is left out on purpose: a session belongs to a user,
 * and its `tenant_id` is only the tenant that user is looking at.
 */
export const TENANT_TABLES = [
  'memberships',
  'companies',
  'contacts',
  'projects',
  'bids',
  'bid_status_changes',
  'bid_notes',
  'audit_log',
  'oauth_connections',
  'mail_outbox',
  'mail_idempotency',
  'mail_previews',
  'mail_rate',
  'api_keys',
] as const;

/** Row-level security is PostgreSQL's; SQLite has a test-time statement guard instead. */
function hasRowLevelSecurity(db: Kysely<unknown>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/**
 * Tenant isolation enforced by PostgreSQL as well as by the repositories (issue 9): on every
 * tenant table, a role that neither owns the table nor bypasses RLS sees and writes only the rows
 * of the tenant named by the transaction-scoped setting `workonward.tenant_id`
 * (`set_config(…, true)`, see store/tenant-setting.ts); with no setting it sees nothing. The
 * runtime role is such a role (docs/operations.md shows how to create it). The owner — the role
 * that runs migrations, the CLI and the outbox worker's cross-tenant leasing — is not bound, so
 * RLS is enabled, not forced; the runtime role must own nothing.
 */
export const rowLevelSecurity: Migration = {
  async up(db: Kysely<unknown>) {
    if (!hasRowLevelSecurity(db)) return;
    const tenant = sql`current_setting(${sql.lit(TENANT_SETTING)}, true)`;
    for (const table of TENANT_TABLES) {
      await sql`alter table ${sql.table(table)} enable row level security`.execute(db);
      await sql`create policy tenant_isolation on ${sql.table(table)} for all to public
        using (tenant_id = ${tenant}) with check (tenant_id = ${tenant})`.execute(db);
    }
  },
  async down(db: Kysely<unknown>) {
    if (!hasRowLevelSecurity(db)) return;
    for (const table of TENANT_TABLES) {
      await sql`drop policy tenant_isolation on ${sql.table(table)}`.execute(db);
      await sql`alter table ${sql.table(table)} disable row level security`.execute(db);
    }
  },
};
