import { describe, expect, it } from 'vitest';
import { crmRepository } from '../../src/store/crm-repository.js';
import { tenantPredicateProblem } from '../../src/store/tenant-statement-guard.js';
import { createTestStore } from '../support/stores.js';
import { CRM_TENANT_TABLES, tenantGuard } from '../support/tenant-guard.js';

/**
 * The SQLite tenant statement guard (issue 9): SQLite has no row-level security, so the CRM
 * repository tests run with every prepared statement checked for a tenant predicate. Here: what
 * it refuses and accepts, and that a forgetful query fails on a real SQLite file.
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
});
