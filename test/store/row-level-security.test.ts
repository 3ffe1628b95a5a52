import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoData } from '../../src/domain/demo/load-demo.js';
import { fixedClock } from '../../src/lib/clock.js';
import { crmRepository } from '../../src/store/crm-repository.js';
import { TENANT_TABLES } from '../../src/store/migrations/0010-row-level-security.js';
import type { Database } from '../../src/store/schema.js';
import { withTenant } from '../../src/store/tenant-setting.js';
import { grantRuntimeRole, RUNTIME_ROLE, runtimeRoleDb, schemaOf } from '../support/runtime-role.js';
import { availableDialects, createTestStore } from '../support/stores.js';
import { TEST_NOW } from '../support/server.js';

/**
 * Tenant isolation enforced by PostgreSQL (issue 9, also in scope): connected as the runtime role
 * (not superuser, not BYPASSRLS, owning nothing), a query that forgets its tenant returns 0 rows,
 * and inside `withTenant` only that tenant's rows exist, whatever the query says.
 */
const onPostgres = (await availableDialects()).includes('postgres');
const RLS = { rowLevelSecurity: true };

describe.runIf(onPostgres)('PostgreSQL row-level security, as the runtime role', () => {
  let store: Awaited<ReturnType<typeof createTestStore>>;
  let schema: string;
  let runtime: Kysely<Database>;
  const tenants: { id: string; slug: string; projects: number }[] = [];
  beforeAll(async () => {
    store = await createTestStore('postgres');
    await loadDemoData(store.db, fixedClock(TEST_NOW));
    schema = schemaOf(store.url);
    await grantRuntimeRole(schema);
    runtime = runtimeRoleDb(schema, 1);
    for (const t of await store.db.selectFrom('tenants').select(['id', 'slug']).execute()) {
      const { n } = await store.db
        .selectFrom('projects')
        .select((eb) => eb.fn.countAll<string | number>().as('n'))
        .where('tenant_id', '=', t.id)
        .executeTakeFirstOrThrow();
      tenants.push({ ...t, projects: Number(n) });
    }
    expect(tenants.length).toBeGreaterThanOrEqual(2);
    expect(tenants.every((t) => t.projects > 0)).toBe(true);
  });
  afterAll(async () => {
    await runtime.destroy();
    await store.close();
  });

  it('catalog: every table with a tenant_id has RLS on and a policy for every command with USING and WITH CHECK', async () => {
    const tables = await sql<{ table_name: string }>`
      select table_name from information_schema.columns
      where table_schema = ${schema} and column_name = 'tenant_id' and table_name <> 'web_sessions'`.execute(
      store.db,
    );
    expect(tables.rows.map((r) => r.table_name).sort()).toEqual([...TENANT_TABLES].sort());
    const catalog = await sql<{
      relname: string;
      rls: boolean;
      cmd: string | null;
      qual: string | null;
      check: string | null;
    }>`
      select c.relname, c.relrowsecurity as rls, p.polcmd as cmd,
             pg_get_expr(p.polqual, p.polrelid) as qual, pg_get_expr(p.polwithcheck, p.polrelid) as check
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      left join pg_policy p on p.polrelid = c.oid
      where n.nspname = ${schema} and c.relname in (${sql.join([...TENANT_TABLES])})`.execute(store.db);
    const violations = TENANT_TABLES.filter((table) => {
      const row = catalog.rows.find((r) => r.relname === table);
      return !(
        row?.rls === true &&
        row.cmd === '*' &&
        row.qual?.includes('tenant_id') &&
        row.check?.includes('tenant_id')
      );
    });
    expect(violations).toEqual([]);
    const role = await sql<{ rolsuper: boolean; rolbypassrls: boolean; owned: number }>`
      select r.rolsuper, r.rolbypassrls,
             (select count(*)::int from pg_class c where c.relowner = r.oid) as owned
      from pg_roles r where r.rolname = ${RUNTIME_ROLE}`.execute(store.db);
    expect(role.rows).toEqual([{ rolsuper: false, rolbypassrls: false, owned: 0 }]);
  });

  it('a query that forgets its tenant returns 0 rows, on every tenant table', async () => {
    for (const table of TENANT_TABLES) {
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(
        runtime,
      );
      expect(rows[0]?.n, table).toBe(0);
    }
    // The repository's own query, run without the tenant setting, finds nothing either.
    const tenant = tenants[0]!;
    expect(await crmRepository(runtime, tenant.id).listProjects({ limit: 100 })).toEqual([]);
  });

  it('inside withTenant only that tenant exists, even to a query without a tenant predicate', async () => {
    for (const tenant of tenants) {
      const seen = await withTenant(
        runtime,
        tenant.id,
        async (tx) => {
          const all = await tx.selectFrom('projects').select('tenant_id').execute();
          const listed = await crmRepository(tx, tenant.id).listProjects({ limit: 1000 });
          const other = tenants.find((t) => t.id !== tenant.id)!;
          const foreign = await crmRepository(tx, other.id).listProjects({ limit: 1000 });
          return { all, listed, foreign };
        },
        RLS,
      );
      expect(seen.all.length).toBe(tenant.projects);
      expect(new Set(seen.all.map((r) => r.tenant_id))).toEqual(new Set([tenant.id]));
      expect(seen.listed.length).toBe(tenant.projects);
      expect(seen.foreign).toEqual([]); // asking for another tenant's rows by id finds none
    }
  });

  it('the setting ends with its transaction: 1,000 interleaved requests on one pooled connection, tenant randomly forgotten', async () => {
    let crossTenant = 0;
    let forgottenSaw = 0;
    for (let i = 0; i < 1000; i += 1) {
      const tenant = tenants[i % tenants.length]!;
      if ((i * 7919) % 3 === 0) {
        const { rows } = await sql<{ n: number }>`select count(*)::int as n from projects`.execute(runtime);
        forgottenSaw += rows[0]?.n ?? 0;
        continue;
      }
      const rows = await withTenant(
        runtime,
        tenant.id,
        (tx) => tx.selectFrom('projects').select('tenant_id').execute(),
        RLS,
      );
      crossTenant += rows.filter((r) => r.tenant_id !== tenant.id).length;
    }
    expect({ crossTenant, forgottenSaw }).toEqual({ crossTenant: 0, forgottenSaw: 0 });
  });

  it('WITH CHECK refuses writing a row into another tenant', async () => {
    const [a, b] = tenants;
    await expect(
      withTenant(
        runtime,
        a!.id,
        (tx) =>
          tx
            .insertInto('companies')
            .values({
              id: `c_rls_${Date.now()}`,
              tenant_id: b!.id,
              name: 'Intruder',
              name_key: 'intruder',
              created_at: TEST_NOW,
            } as never)
            .execute(),
        RLS,
      ),
    ).rejects.toThrow(/row-level security/);
  });
});
