import type { OwnerWork } from './owner-work.js';
import type { WorkScope } from './work-scope.js';

/**
 * SQLite has no row-level security, so tests run the repositories with this check on every SQL
 * text they run (issue 9): a statement that touches a tenant table must say which tenant —
 * an INSERT names `tenant_id` among its columns; any other reference to the table (FROM, JOIN,
 * UPDATE, DELETE) is followed by a `tenant_id` predicate on that table (`"t"."tenant_id" = ?`,
 * `IN`, or equal to a joined table's `tenant_id`). A table referenced alone may use the bare
 * column. Returns what is wrong, or undefined.
 */
export function tenantPredicateProblem(sql: string, tenantTables: ReadonlySet<string>): string | undefined {
  // Names quoted (as Kysely writes them) or not (raw SQL), so hand-written SQL is checked too.
  const references = [...sql.matchAll(/\b(from|join|update|into)\s+"?(\w+)"?(?:\s+as\s+"?(\w+)"?)?/gi)];
  const tenantRefs = references.filter((m) => tenantTables.has(m[2] ?? ''));
  // An UPDATE's SET clause assigns, it does not bind: `set "tenant_id" = ?` is no predicate.
  const predicates = sql.replace(/\bset\b[\s\S]*?(\bwhere\b|$)/i, '$1');
  for (const [, keyword, table = '', alias] of tenantRefs) {
    if (keyword?.toLowerCase() === 'into') {
      const columns = new RegExp(`into\\s+"?${table}"?\\s*\\(([^)]*)\\)`, 'i').exec(sql)?.[1] ?? '';
      if (!/\btenant_id\b/.test(columns)) return `INSERT INTO ${table} without tenant_id`;
      continue;
    }
    const name = alias ?? table;
    const qualified = new RegExp(`\\b${name}"?\\."?tenant_id"?\\s*(=|in\\b)`, 'i');
    const bare = /(^|[^."\w])"?tenant_id"?\s*(=|in\b)/i;
    if (!qualified.test(predicates) && !(references.length === 1 && bare.test(predicates)))
      return `${keyword?.toUpperCase() ?? ''} ${table}${alias === undefined ? '' : ` as ${alias}`} without a tenant_id predicate`;
  }
  return undefined;
}

/**
 * Tables with a `tenant_id` column whose rows are not a tenant's: a web session belongs to a
 * person, and its `tenant_id` is only the tenant they are looking at (found by its cookie's hash).
 * Row-level security leaves it out for the same reason (migration 0010).
 */
export const NOT_TENANT_ROWS: readonly string[] = ['web_sessions'];

/** Every tenant table, in the exemption list below. */
const ALL = 'every tenant table';

/**
 * The statements that legitimately cross tenants: inside `store.asOwner(reason, …)`, a statement
 * on one of `reason`'s tables needs no tenant predicate. Everywhere else — inside `asTenant`, and
 * outside any scope — every tenant table a statement touches must be bound to a tenant. Each
 * reason of OWNER_WORK is listed, so a new one must say here what it may read across tenants.
 */
export const CROSS_TENANT_TABLES: Readonly<Record<OwnerWork, readonly string[] | typeof ALL>> = {
  // Rebuild tables (SQLite's ALTER) and scan every row for keys that cross tenants (0012).
  migrations: ALL,
  // Lease, settle and bury due rows of every tenant in one statement; sweep expired claims and
  // previews; count what is buried.
  'outbox worker': ['mail_outbox', 'mail_idempotency', 'mail_previews'],
  // An access token's grant and connection are found by the token before its tenant is known.
  'token verifier': ['oauth_connections', 'memberships'],
  // A key is found by its hash (and its last use stamped by its id) before its tenant is known.
  'api key verifier': ['api_keys'],
  // Connections are found and revoked by grant or client; consent lists a person's tenants.
  'authorization server': ['oauth_connections', 'memberships'],
  // A person's memberships and connected apps span tenants.
  'sign-in and sessions': ['memberships', 'oauth_connections'],
  // Rate-limit windows are not tenant rows.
  'rate limits': [],
  // Outbox depth and age across tenants.
  'metrics and readiness': ['mail_outbox'],
  // Demo data and the first tenant are written with their tenant ids.
  'start-up': [],
  // The operator works on every tenant (import, tenants, users, keys, doctor, backup, restore).
  'cli and backups': ALL,
};

/**
 * What is wrong with running `sql` in `scope`, or undefined: `tenantPredicateProblem` over the
 * tenant tables the scope's owner work may not cross (CROSS_TENANT_TABLES).
 */
export function tenantStatementProblem(
  sql: string,
  tenantTables: ReadonlySet<string>,
  scope: WorkScope | undefined,
): string | undefined {
  const crossing = scope !== undefined && 'owner' in scope ? CROSS_TENANT_TABLES[scope.owner] : [];
  if (crossing === ALL) return undefined;
  const bound = new Set([...tenantTables].filter((table) => !crossing.includes(table)));
  return tenantPredicateProblem(sql, bound);
}
