import type { StoreOptions } from '../../src/store/open-store.js';
import { tenantPredicateProblem } from '../../src/store/tenant-statement-guard.js';

/** The CRM's tenant tables: every statement the CRM repositories prepare must name a tenant. */
export const CRM_TENANT_TABLES: ReadonlySet<string> = new Set([
  'companies',
  'contacts',
  'projects',
  'bids',
  'bid_status_changes',
  'bid_notes',
]);

/**
 * SQLite store options that fail any statement on one of `tables` without a tenant predicate
 * (the statement is refused before it is prepared, so the query that carried it fails), and
 * record it in `violations` for a final assertion.
 */
export function tenantGuard(tables: ReadonlySet<string> = CRM_TENANT_TABLES) {
  const violations: string[] = [];
  const options: StoreOptions = {
    checkStatement(sql) {
      const problem = tenantPredicateProblem(sql, tables);
      if (problem === undefined) return;
      violations.push(`${problem}: ${sql}`);
      throw new Error(`tenant statement guard: ${problem}\n${sql}`);
    },
  };
  return { options, violations };
}
