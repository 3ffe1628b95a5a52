import { type Kysely, type Migration, PostgresAdapter, sql } from 'kysely';
import { rebuildWithForeignKeys } from './sqlite-rebuild.js';
import { refusal } from './tenant-key-problems.js';

const NAME = '0015-tenant-references';
const SHOWN = 20;

/**
 * The tenant references 0012 left to the code (issue 12): a connected app binds a grant to one
 * user in one tenant, so `(tenant_id, user_id)` must be a membership, never a user of another
 * tenant; an audit entry names a tenant that exists, or none (sign-in events), so a tenant with
 * entries cannot be deleted. Written out here, not derived from the app's code: a released
 * migration must not change when the code does.
 */
const FOREIGN_KEYS = [
  {
    table: 'oauth_connections',
    constraint: 'oauth_connections_membership_fk',
    // Removing someone from a tenant removes their connected apps in it (and their tokens fail).
    definition:
      'foreign key ("tenant_id", "user_id") references "memberships" ("tenant_id", "user_id") on delete cascade',
  },
  {
    table: 'audit_log',
    constraint: 'audit_log_tenant_fk',
    definition: 'foreign key ("tenant_id") references "tenants" ("id")',
  },
] as const;

/**
 * Runs on existing data: rows the new keys forbid are listed and the migration refuses, changing
 * nothing, as 0012 does. PostgreSQL adds the constraints in place (keeping 0010's row-level
 * security and 0014's triggers); SQLite rebuilds the two tables (sqlite-rebuild.ts).
 */
export const tenantReferences: Migration = {
  async up(db: Kysely<unknown>) {
    const problems = await referenceProblems(db);
    if (problems.length > 0) throw refusal(NAME, problems);
    if (db.getExecutor().adapter instanceof PostgresAdapter) {
      // Kysely already runs PostgreSQL migrations in one transaction.
      for (const key of FOREIGN_KEYS)
        await sql`alter table ${sql.table(key.table)} add constraint ${sql.id(key.constraint)} ${sql.raw(key.definition)}`.execute(
          db,
        );
      return;
    }
    // SQLite migrations get no transaction, and foreign keys can only be switched outside one.
    await sql`pragma foreign_keys = off`.execute(db);
    try {
      await db.transaction().execute(async (trx) => {
        for (const key of FOREIGN_KEYS)
          await rebuildWithForeignKeys(trx, key.table, [`constraint "${key.constraint}" ${key.definition}`]);
        const broken = await sql`pragma foreign_key_check`.execute(trx);
        if (broken.rows.length > 0)
          throw new Error(`${NAME}: foreign keys broken after the rebuild: ${JSON.stringify(broken.rows)}`);
      });
    } finally {
      await sql`pragma foreign_keys = on`.execute(db);
    }
  },
};

/** Connections of a user outside their tenant, and audit entries of a tenant that does not exist. */
async function referenceProblems(db: Kysely<unknown>): Promise<string[]> {
  const { rows: connections } = await sql<{ grant_id: string; tenant_id: string; user_id: string }>`
    select c.grant_id, c.tenant_id, c.user_id from oauth_connections as c
    where not exists (select 1 from memberships as m where m.tenant_id = c.tenant_id and m.user_id = c.user_id)
    order by c.grant_id limit ${SHOWN}`.execute(db);
  const { rows: entries } = await sql<{ id: string; tenant_id: string }>`
    select a.id, a.tenant_id from audit_log as a
    where a.tenant_id is not null and not exists (select 1 from tenants as t where t.id = a.tenant_id)
    order by a.id limit ${SHOWN}`.execute(db);
  return [
    ...connections.map(
      (row) =>
        `oauth_connections ${row.grant_id} binds user ${row.user_id} to tenant ${row.tenant_id}, of which the user is not a member: add the membership, or delete the connection (the app connects again)`,
    ),
    ...entries.map(
      (row) =>
        `audit_log ${row.id} names tenant ${row.tenant_id}, which does not exist: restore the tenant row, or set the entry's tenant_id to null`,
    ),
  ];
}
