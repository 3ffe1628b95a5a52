import { sql } from 'kysely';
import { openStore, type StoreOptions } from '../../src/store/open-store.js';
import { NOT_TENANT_ROWS, tenantStatementProblem } from '../../src/store/tenant-statement-guard.js';
import type { WorkScope } from '../../src/store/work-scope.js';

/** The CRM's tenant tables (the migration tests build and compare them). */
export const CRM_TENANT_TABLES: ReadonlySet<string> = new Set([
  'companies',
  'contacts',
  'projects',
  'bids',
  'bid_status_changes',
  'bid_notes',
]);

/**
 * Every table with a `tenant_id` column but NOT_TENANT_ROWS, read from the migrated schema itself
 * (not a hand list, so a new tenant table is guarded the day its migration lands).
 */
async function tenantTablesOfSchema(): Promise<ReadonlySet<string>> {
  const store = openStore('sqlite::memory:');
  try {
    await store.migrate();
    const { rows } = await sql<{ name: string }>`
      select m.name from sqlite_master m join pragma_table_info(m.name) c
      where m.type = 'table' and c.name = 'tenant_id' order by m.name`.execute(store.db);
    return new Set(rows.map((row) => row.name).filter((name) => !NOT_TENANT_ROWS.includes(name)));
  } finally {
    await store.close();
  }
}

export const TENANT_TABLES: ReadonlySet<string> = await tenantTablesOfSchema();

/**
 * SQLite store options that fail any statement on a tenant table without a tenant predicate,
 * unless it runs as owner work allowed to cross tenants on that table (CROSS_TENANT_TABLES): the
 * statement is refused before it runs, so the query that carried it fails, and it is recorded in
 * `violations` for a final assertion.
 */
export function tenantGuard(tables: ReadonlySet<string> = TENANT_TABLES) {
  const violations: string[] = [];
  // Judged once per SQL text and scope kind: the guard runs before every statement.
  const judged = new Map<string, string | undefined>();
  const options: StoreOptions = {
    checkStatement(text: string, scope: WorkScope | undefined) {
      const key = `${scope !== undefined && 'owner' in scope ? scope.owner : ''}\n${text}`;
      if (!judged.has(key)) judged.set(key, tenantStatementProblem(text, tables, scope));
      const problem = judged.get(key);
      if (problem === undefined) return;
      violations.push(`${problem}: ${text}`);
      throw new Error(`tenant statement guard: ${problem}\n${text}`);
    },
  };
  return { options, violations };
}
