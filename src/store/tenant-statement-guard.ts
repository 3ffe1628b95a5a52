/**
 * SQLite has no row-level security, so tests run the repositories with this check on every SQL
 * text they prepare (issue 9): a statement that touches a tenant table must say which tenant —
 * an INSERT names `tenant_id` among its columns; any other reference to the table (FROM, JOIN,
 * UPDATE, DELETE) is followed by a `tenant_id` predicate on that table (`"t"."tenant_id" = ?`,
 * `IN`, or equal to a joined table's `tenant_id`). A table referenced alone may use the bare
 * column. Returns what is wrong, or undefined.
 */
export function tenantPredicateProblem(sql: string, tenantTables: ReadonlySet<string>): string | undefined {
  const references = [...sql.matchAll(/\b(from|join|update|into)\s+"(\w+)"(?:\s+as\s+"(\w+)")?/gi)];
  const tenantRefs = references.filter((m) => tenantTables.has(m[2] ?? ''));
  for (const [, keyword, table = '', alias] of tenantRefs) {
    if (keyword?.toLowerCase() === 'into') {
      const columns = new RegExp(`into\\s+"${table}"\\s*\\(([^)]*)\\)`, 'i').exec(sql)?.[1] ?? '';
      if (!columns.includes('"tenant_id"')) return `INSERT INTO ${table} without tenant_id`;
      continue;
    }
    const name = alias ?? table;
    const qualified = new RegExp(`"${name}"\\."tenant_id"\\s*(=|in\\b)`, 'i');
    const bare = /(^|[^.])"tenant_id"\s*(=|in\b)/i;
    if (!qualified.test(sql) && !(references.length === 1 && bare.test(sql)))
      return `${keyword?.toUpperCase() ?? ''} ${table}${alias === undefined ? '' : ` as ${alias}`} without a tenant_id predicate`;
  }
  return undefined;
}
