import { type Kysely, sql } from 'kysely';

/** A column of a tenant table that names a row of another tenant table (by its `id`). */
export interface TenantReference {
  readonly table: string;
  readonly column: string;
  readonly parent: string;
}

const SHOWN = 20;

/**
 * What in an existing database the tenant keys of migration 0012 would forbid: rows that point
 * at another tenant's row, and project names repeated within a tenant (compared as `nameKey`
 * does). Neither can be repaired without a person deciding (which tenant the row belongs to, which
 * project keeps the name), so the migration refuses and lists them, changing nothing.
 * Returns one line per problem (at most SHOWN per kind), empty when there is none.
 */
export async function tenantKeyProblems(
  db: Kysely<unknown>,
  references: readonly TenantReference[],
  nameKey: (name: string) => string,
): Promise<string[]> {
  const problems: string[] = [];
  for (const { table, column, parent } of references) {
    // The one place a join leaves the tenant out on purpose: it looks for rows that cross.
    const { rows } = await sql<{ id: string; tenant_id: string; ref: string; ref_tenant: string }>`
      select c.id, c.tenant_id, p.id as ref, p.tenant_id as ref_tenant
      from ${sql.table(table)} as c join ${sql.table(parent)} as p on p.id = ${sql.ref(`c.${column}`)}
      where p.tenant_id <> c.tenant_id order by c.id limit ${SHOWN}`.execute(db);
    for (const row of rows)
      problems.push(
        `${table} ${row.id} (tenant ${row.tenant_id}) has ${column} = ${row.ref}, a row of ${parent} in tenant ${row.ref_tenant}`,
      );
  }
  const { rows: projects } = await sql<{ id: string; tenant_id: string; name: string }>`
    select id, tenant_id, name from projects order by tenant_id, created_at, id`.execute(db);
  const byName = new Map<string, { name: string; ids: string[] }>();
  for (const project of projects) {
    const key = `${project.tenant_id}\u0000${nameKey(project.name)}`;
    const entry = byName.get(key) ?? { name: project.name, ids: [] };
    entry.ids.push(project.id);
    byName.set(key, entry);
  }
  const repeated = [...byName.entries()].filter(([, entry]) => entry.ids.length > 1).slice(0, SHOWN);
  for (const [key, { name, ids }] of repeated)
    problems.push(
      `tenant ${key.split('\u0000')[0] ?? ''} has ${ids.length} projects named "${name}" (ids ${ids.join(', ')}): rename all but one`,
    );
  return problems;
}

/** The error a refused migration throws: every problem, and what to do. */
export function refusal(migration: string, problems: readonly string[]): Error {
  return new Error(
    `Migration ${migration} refused: the database holds rows that tenant keys forbid. Nothing was changed.\n` +
      problems.map((problem) => `  - ${problem}`).join('\n') +
      '\nCorrect these rows (SQL on the database) and run `npx workonward-mcp migrate` again.',
  );
}
