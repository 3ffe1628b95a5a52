import { type Kysely, sql, type Transaction } from 'kysely';
import type { DialectTraits } from './open-store.js';
import type { Database } from './schema.js';

/** The PostgreSQL setting row-level security reads the current tenant from (migration 0010). */
export const TENANT_SETTING = 'workonward.tenant_id';

/**
 * Runs `work` in one transaction in which PostgreSQL's row-level security admits only
 * `tenantId`'s rows. The setting is transaction-scoped (`set_config(…, true)`): it ends with the
 * transaction, so a pooled connection never carries one request's tenant into the next (a
 * session-scoped setting leaked a row that way; see security-targets.md §4). SQLite has no
 * row-level security: there `work` simply runs in a transaction.
 *
 * For a connection that logged in as a runtime role (reporting, support tools, the RLS tests). The
 * server itself uses `store.asTenant` (store/runtime-role.ts): its owner's pooled connections
 * switch to the runtime role and this same setting, session-wide, on every acquisition.
 */
export function withTenant<T>(
  db: Kysely<Database>,
  tenantId: string,
  work: (tx: Transaction<Database>) => Promise<T>,
  traits: Pick<DialectTraits, 'rowLevelSecurity'>,
): Promise<T> {
  return db.transaction().execute(async (tx) => {
    if (traits.rowLevelSecurity)
      await sql`select set_config(${TENANT_SETTING}, ${tenantId}, true)`.execute(tx);
    return work(tx);
  });
}
