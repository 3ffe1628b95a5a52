import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { crmRepository } from '../../src/store/crm-repository.js';
import { TENANT_TABLES as ROW_LEVEL_SECURITY_TABLES } from '../../src/store/migrations/0010-row-level-security.js';
import { OWNER_WORK, type OwnerWork } from '../../src/store/owner-work.js';
import { CROSS_TENANT_TABLES, tenantPredicateProblem } from '../../src/store/tenant-statement-guard.js';
import { createTestStore } from '../support/stores.js';
import { CRM_TENANT_TABLES, TENANT_TABLES, tenantGuard } from '../support/tenant-guard.js';

/**
 * The SQLite tenant statement guard (issue 9): SQLite has no row-level security, so repository
 * tests run with every statement checked for a tenant predicate. Here: what it refuses and
 * accepts, that it covers every tenant table of the schema, and its owner-work exemptions.
 */
describe('the SQLite tenant statement guard', () => {
  const problem = (sql: string) => tenantPredicateProblem(sql, CRM_TENANT_TABLES);

  it('refuses statements on a tenant table that do not say which tenant', () => {
    for (const sql of [
      'select * from "projects"',
      'select * from "projects" where "id" = ?',
      'select "p"."id" from "projects" as "p" left join "companies" as "c" on "c"."id" = "p"."client_company_id" where "p"."tenant_id" = ?',
      'insert into "companies" ("id", "name") values (?, ?)',
      'update "bids" set "status" = ? where "id" = ?',
      'update "bids" set "tenant_id" = ? where "id" = ?',
      'delete from "bid_notes" where "bid_id" = ?',
      'select * from "projects" as "p" where "c"."tenant_id" = ?',
    ])
      expect(problem(sql), sql).toBeDefined();
  });

  it('accepts statements whose every tenant table is bound to a tenant', () => {
    for (const sql of [
      'select * from "projects" where "tenant_id" = ?',
      'select "p"."id" from "projects" as "p" left join "companies" as "c" on "c"."id" = "p"."client_company_id" and "c"."tenant_id" = ? where "p"."tenant_id" = ?',
      'select * from "bids" as "b" inner join "projects" as "p" on "p"."tenant_id" = "b"."tenant_id" where "b"."tenant_id" = ?',
      'insert into "companies" ("id", "tenant_id", "name") values (?, ?, ?)',
      'update "bids" set "status" = ? where "tenant_id" = ? and "id" = ?',
      'delete from "bid_notes" where "tenant_id" in (?, ?)',
      'select * from "tenants" where "slug" = ?',
    ])
      expect(problem(sql), sql).toBeUndefined();
  });

  it('fails a forgetful query on a real SQLite store, and lets the repositories through', async () => {
    const guard = tenantGuard();
    const store = await createTestStore('sqlite', guard.options);
    try {
      await expect(store.db.selectFrom('projects').selectAll().execute()).rejects.toThrow(
        /tenant statement guard: FROM projects without a tenant_id predicate/,
      );
      expect(await crmRepository(store.db, 'tenant-a').listProjects({ limit: 10 })).toEqual([]);
      expect(guard.violations).toHaveLength(1);
    } finally {
      await store.close();
    }
  });

  it('guards every table with a tenant_id, the same tables row-level security binds on PostgreSQL', () => {
    expect([...TENANT_TABLES].sort()).toEqual([...ROW_LEVEL_SECURITY_TABLES].sort());
    for (const table of [
      'companies',
      'mail_outbox',
      'audit_log',
      'api_keys',
      'oauth_connections',
      'memberships',
    ])
      expect(TENANT_TABLES, table).toContain(table);
  });

  it('on a real store, fails a statement without a tenant predicate on each tenant table, and runs it with one', async () => {
    const guard = tenantGuard();
    const store = await createTestStore('sqlite', guard.options);
    try {
      for (const table of TENANT_TABLES) {
        for (const forgetful of [
          sql`select count(*) as n from ${sql.table(table)}`,
          sql`delete from ${sql.table(table)} where ${sql.ref('tenant_id')} is null`,
          sql`update ${sql.table(table)} set ${sql.ref('tenant_id')} = ${sql.ref('tenant_id')}`,
        ])
          await expect(forgetful.execute(store.db), table).rejects.toThrow(/tenant statement guard/);
        const bound = sql<{ n: number }>`select count(*) as n from ${sql.table(table)}
          where ${sql.ref('tenant_id')} = ${'tenant-a'}`;
        expect((await bound.execute(store.db)).rows, table).toEqual([{ n: 0 }]);
      }
      expect(guard.violations).toHaveLength(3 * TENANT_TABLES.size);
    } finally {
      await store.close();
    }
  });

  it('lets owner work cross tenants only on the tables its reason lists, and tenant work never', async () => {
    const guard = tenantGuard();
    const store = await createTestStore('sqlite', guard.options);
    const count = (table: string) => sql`select count(*) as n from ${sql.table(table)}`.execute(store.db);
    try {
      for (const reason of Object.keys(OWNER_WORK) as OwnerWork[]) {
        const crossing = CROSS_TENANT_TABLES[reason];
        for (const table of TENANT_TABLES) {
          const allowed = crossing === 'every tenant table' || crossing.includes(table);
          const run = store.asOwner(reason, () => count(table));
          if (allowed) await expect(run, `${reason} ${table}`).resolves.toBeDefined();
          else await expect(run, `${reason} ${table}`).rejects.toThrow(/tenant statement guard/);
        }
      }
      // A tenant's work crosses no tenant, even when called from owner work.
      await expect(
        store.asOwner('outbox worker', () => store.asTenant('tenant-a', () => count('mail_outbox'))),
      ).rejects.toThrow(/tenant statement guard: FROM mail_outbox/);
      await expect(count('mail_outbox')).rejects.toThrow(/tenant statement guard/);
    } finally {
      await store.close();
    }
  });

  it('checks hand-written SQL with unquoted names too', () => {
    expect(
      problem('select c.id from contacts as c join companies as p on p.id = c.company_id'),
    ).toBeDefined();
    expect(problem('select c.id from contacts as c where c.tenant_id = ?')).toBeUndefined();
    expect(problem('insert into projects (id, name) values (?, ?)')).toBeDefined();
  });
});
