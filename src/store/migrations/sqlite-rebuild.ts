import { type Kysely, sql } from 'kysely';

/** A single-column reference to be replaced by a `(tenant_id, column)` one. */
export interface CompositeReference {
  readonly column: string;
  readonly parent: string;
  readonly constraint: string;
}

/**
 * SQLite cannot add or change a constraint on an existing table, so this is its documented
 * procedure (sqlite.org/lang_altertable.html, "making other kinds of table schema changes"): create
 * the new table under another name from the old definition with each `"column" … references
 * "parent" ("id")` replaced by a table constraint `foreign key ("tenant_id", "column") references
 * "parent" ("tenant_id", "id")`, plus `addColumns`; copy every row (added columns take `fill`
 * expressions), drop the old table, rename the new one, and recreate its indexes and triggers. The definition is
 * read from `sqlite_master`, not restated here, so columns added by later migrations are kept.
 * Run with foreign keys off, inside one transaction (see 0012).
 */
export async function rebuildWithCompositeReferences(
  db: Kysely<unknown>,
  table: string,
  references: readonly CompositeReference[],
  addColumns: readonly { name: string; definition: string; fill: string }[] = [],
): Promise<void> {
  await rebuild(db, table, references, addColumns, []);
}

/**
 * The same procedure for a table that gains foreign keys without losing an inline reference:
 * `constraints` are table constraints as SQL (`constraint "…" foreign key (…) references …`).
 */
export async function rebuildWithForeignKeys(
  db: Kysely<unknown>,
  table: string,
  constraints: readonly string[],
): Promise<void> {
  await rebuild(db, table, [], [], constraints);
}

async function rebuild(
  db: Kysely<unknown>,
  table: string,
  references: readonly CompositeReference[],
  addColumns: readonly { name: string; definition: string; fill: string }[],
  addConstraints: readonly string[],
): Promise<void> {
  const schema = await sql<{ type: string; sql: string }>`
    select type, sql from sqlite_master where tbl_name = ${table} and sql is not null`.execute(db);
  const create = schema.rows.find((row) => row.type === 'table')?.sql;
  if (create === undefined) throw new Error(`no table ${table} to rebuild`);
  // Dropping the table drops its indexes and triggers (0014's auth epoch): both are made again.
  const dependents = schema.rows
    .filter((row) => row.type === 'index' || row.type === 'trigger')
    .map((row) => row.sql);
  const columns = (
    await sql<{ name: string }>`select name from pragma_table_info(${table})`.execute(db)
  ).rows.map((row) => `"${row.name}"`);

  const rebuilt = `${table}_rebuilt`;
  let definition = replaceOnce(create, `CREATE TABLE "${table}" (`, `CREATE TABLE "${rebuilt}" (`);
  const constraints: string[] = [...addConstraints];
  for (const { column, parent, constraint } of references) {
    const inline = new RegExp(`("${column}" text(?: not null)?) references "${parent}" \\("id"\\)`);
    if (!inline.test(definition))
      throw new Error(`${table}.${column}: not the reference this migration expects`);
    definition = definition.replace(inline, '$1');
    constraints.push(
      `constraint "${constraint}" foreign key ("tenant_id", "${column}") references "${parent}" ("tenant_id", "id")`,
    );
  }
  const added = addColumns.map((column) => `"${column.name}" ${column.definition}`);
  definition = `${definition.slice(0, -1)}, ${[...added, ...constraints].join(', ')})`;

  const into = [...columns, ...addColumns.map((column) => `"${column.name}"`)].join(', ');
  const from = [...columns, ...addColumns.map((column) => column.fill)].join(', ');
  await sql.raw(definition).execute(db);
  await sql.raw(`insert into "${rebuilt}" (${into}) select ${from} from "${table}"`).execute(db);
  await sql.raw(`drop table "${table}"`).execute(db);
  await sql.raw(`alter table "${rebuilt}" rename to "${table}"`).execute(db);
  for (const dependent of dependents) await sql.raw(dependent).execute(db);
}

function replaceOnce(text: string, from: string, to: string): string {
  if (!text.startsWith(from)) throw new Error(`unexpected definition: ${text.slice(0, 80)}`);
  return to + text.slice(from.length);
}
