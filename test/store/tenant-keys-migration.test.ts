import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoData } from '../../src/domain/demo/load-demo.js';
import { fixedClock } from '../../src/lib/clock.js';
import { crmWriter } from '../../src/store/crm-writer.js';
import { type Store, openStore } from '../../src/store/open-store.js';
import type { Database } from '../../src/store/schema.js';
import { availableDialects, createTestDatabase, createTestStore } from '../support/stores.js';
import { CRM_TENANT_TABLES } from '../support/tenant-guard.js';
import { NOW } from './look-alike-tenants.js';
import { contactsJoinedWithoutTenantFilter } from './unfiltered-join.js';

/**
 * Migration 0012 (tenant keys) on databases that already hold data, built by the real migrations
 * 0001–0011: the demo data comes through unchanged (plus each project's name key), and rows that
 * the new keys forbid make it refuse, naming them and changing nothing, until they are corrected.
 */
const dialects = await availableDialects();
const BEFORE = '0011-outbox-trace-parent';
/** Parents first, so every copied row finds what it references. */
const TABLES = ['tenants', 'users', 'memberships', ...CRM_TENANT_TABLES];

async function olderStore(dialect: 'sqlite' | 'postgres'): Promise<Store> {
  const database = await createTestDatabase(dialect);
  const store = openStore(database.url);
  await store.migrate(BEFORE);
  return store;
}

const rowsOf = async (db: Kysely<Database>, table: string) =>
  (await sql<Record<string, unknown>>`select * from ${sql.table(table)} order by 1, 2`.execute(db)).rows;

/** Copies every CRM and account row of `from` into `to`, keeping only the columns `to` has. */
async function copyRows(from: Store, to: Store): Promise<void> {
  // PostgreSQL's introspection lists every schema's tables (other test files' too): take ours.
  const schema =
    to.traits.name === 'postgres'
      ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(to.db)).rows[0]?.schema
      : undefined;
  const tables = await to.db.introspection.getTables();
  for (const table of TABLES) {
    const columns = tables.find((t) => t.name === table && t.schema === schema)?.columns.map((c) => c.name);
    for (const row of await rowsOf(from.db, table)) {
      const values = (columns ?? []).map((column) => sql`${row[column] ?? null}`);
      await sql`insert into ${sql.table(table)} (${sql.join((columns ?? []).map((c) => sql.id(c)))})
        values (${sql.join(values)})`.execute(to.db);
    }
  }
}

/** The message `work` fails with, or 'succeeded'. */
const failureOf = (work: Promise<unknown>) =>
  work.then(
    () => 'succeeded',
    (error: unknown) => (error instanceof Error ? error.message : String(error)),
  );

const applied = async (store: Store) =>
  (await sql<{ name: string }>`select name from kysely_migration order by name`.execute(store.db)).rows.map(
    (row) => row.name,
  );

describe.each(dialects)('migration 0012 on a populated %s database', (dialect) => {
  let demo: Store & { url: string };
  beforeAll(async () => {
    demo = await createTestStore(dialect);
    await loadDemoData(demo.db, fixedClock(NOW));
  });
  afterAll(() => demo.close());

  it('carries the demo data over unchanged and adds each project’s name key', async () => {
    const older = await olderStore(dialect);
    try {
      await copyRows(demo, older);
      expect(await older.migrate('0012-tenant-keys')).toEqual(['0012-tenant-keys']);
      for (const table of TABLES) expect(await rowsOf(older.db, table)).toEqual(await rowsOf(demo.db, table));
      if (dialect === 'sqlite')
        expect((await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(older.db)).rows).toEqual([
          { foreign_keys: 1 },
        ]);
    } finally {
      await older.close();
    }
  });

  it('refuses a database where a row points into another tenant, names it, and migrates once it is corrected', async () => {
    const older = await olderStore(dialect);
    try {
      await copyRows(demo, older);
      const [summit, harbor] = (await rowsOf(older.db, 'tenants')).map((row) => String(row.id));
      const harborCompany = (await rowsOf(older.db, 'companies')).find((row) => row.tenant_id === harbor);
      await crmWriter(older.db, summit!).contacts([
        {
          id: 'cross-contact',
          company_id: String(harborCompany?.id),
          first_name: 'Cross',
          last_name: 'Tenant',
          email: 'cross@example.com',
          phone: null,
          title: null,
          created_at: NOW,
        },
      ]);
      // The hazard the keys remove: before 0012 a join without the tenant filter crosses tenants.
      const leaked = await contactsJoinedWithoutTenantFilter(older.db, summit!);
      expect(leaked).toContainEqual({
        id: 'cross-contact',
        company_name: harborCompany?.name,
        company_tenant: harbor,
      });

      const refusal = await failureOf(older.migrate('0012-tenant-keys'));
      expect(refusal).toContain('Migration 0012-tenant-keys refused');
      expect(refusal).toContain(
        `contacts cross-contact (tenant ${summit}) has company_id = ${String(harborCompany?.id)}`,
      );
      expect(refusal).toContain('Nothing was changed');
      expect(await applied(older)).not.toContain('0012-tenant-keys');
      expect(await rowsOf(older.db, 'projects')).toEqual(
        (await rowsOf(demo.db, 'projects')).map((row) =>
          Object.fromEntries(Object.entries(row).filter(([column]) => column !== 'name_key')),
        ),
      );

      await older.db
        .updateTable('contacts')
        .set({ company_id: null })
        .where('id', '=', 'cross-contact')
        .execute();
      expect(await older.migrate('0012-tenant-keys')).toEqual(['0012-tenant-keys']);
      const joined = await contactsJoinedWithoutTenantFilter(older.db, summit!);
      expect(
        joined.filter((row) => row.company_name !== null).every((row) => row.company_tenant === summit),
      ).toBe(true);
    } finally {
      await older.close();
    }
  });

  it('refuses a database where one tenant has two projects of one name, listing both', async () => {
    const older = await olderStore(dialect);
    try {
      await copyRows(demo, older);
      const [first, second] = (await rowsOf(older.db, 'projects')).filter(
        (row, _, all) => row.tenant_id === all[0]?.tenant_id,
      );
      await older.db
        .updateTable('projects')
        .set({ name: ` ${String(first?.name).toUpperCase()}` })
        .where('id', '=', String(second?.id))
        .execute();
      const refusal = await failureOf(older.migrate('0012-tenant-keys'));
      expect(refusal).toMatch(new RegExp(`has 2 projects named ".*" \\(ids .*${String(first?.id)}`));
      expect(refusal).toContain(String(second?.id));
      expect(await applied(older)).not.toContain('0012-tenant-keys');

      await older.db
        .updateTable('projects')
        .set({ name: 'Renamed' })
        .where('id', '=', String(second?.id))
        .execute();
      expect(await older.migrate('0012-tenant-keys')).toEqual(['0012-tenant-keys']);
      expect(
        await older.db
          .selectFrom('projects')
          .where('id', '=', String(second?.id))
          .select('name_key')
          .execute(),
      ).toEqual([{ name_key: 'renamed' }]);
    } finally {
      await older.close();
    }
  });
});
