import { type Kysely, sql } from 'kysely';
import type { Database } from './schema.js';

/** PostgreSQL's "insufficient_privilege": the owner may not create roles or grant; a DBA does it. */
const INSUFFICIENT_PRIVILEGE = '42501';

/**
 * Makes `role` the runtime role of this schema, as far as the owner may (after every migration,
 * so a new table is granted too): creates it (NOLOGIN: the server reaches it by `SET ROLE`), lets
 * it use the schema's tables (DML only), and makes the owner a member so it can switch to it.
 * Steps the owner has no right to are left to a DBA (docs/operations.md); `checkRuntimeRole`
 * then says exactly what is missing.
 */
export async function grantRuntimeRole(db: Kysely<Database>, role: string): Promise<void> {
  // Instances starting together would grant at the same moment, and PostgreSQL refuses a
  // concurrent change of the same catalog row ("tuple concurrently updated"): one at a time,
  // under a session advisory lock on one pinned connection.
  await db.connection().execute(async (connection) => {
    await sql`select pg_advisory_lock(hashtext('workonward runtime role'))`.execute(connection);
    try {
      await grantSteps(connection, role);
    } finally {
      await sql`select pg_advisory_unlock(hashtext('workonward runtime role'))`.execute(connection);
    }
  });
}

async function grantSteps(db: Kysely<Database>, role: string): Promise<void> {
  const r = sql.id(role);
  const attempt = async (statement: ReturnType<typeof sql>) => {
    try {
      await statement.execute(db);
    } catch (error) {
      if ((error as { code?: string }).code !== INSUFFICIENT_PRIVILEGE) throw error;
    }
  };
  // Roles are global: several instances (or test files) may create it at once.
  await attempt(sql`do $$ begin
      create role ${r} nologin nosuperuser nobypassrls nocreatedb nocreaterole;
    exception when duplicate_object or unique_violation then null; end $$`);
  const schema = sql.id(await currentSchema(db));
  await attempt(sql`grant usage on schema ${schema} to ${r}`);
  await attempt(sql`grant select, insert, update, delete on all tables in schema ${schema} to ${r}`);
  const member = await sql<{ member: boolean }>`
    select exists (select from pg_roles where rolname = ${role})
       and pg_has_role(current_user, ${role}, 'MEMBER') as member`.execute(db);
  if (member.rows[0]?.member === false) await attempt(sql`grant ${r} to current_user`);
  await checkRuntimeRole(db, role);
}

/**
 * Refuses to start unless `role` exists, the owner can switch to it, and row-level security binds
 * it: not superuser, not BYPASSRLS, owning no tenant table, with DML on every table.
 */
export async function checkRuntimeRole(db: Kysely<Database>, role: string): Promise<void> {
  const schema = await currentSchema(db);
  const { rows } = await sql<{
    rolsuper: boolean;
    rolbypassrls: boolean;
    member: boolean;
    owned: string[];
    ungranted: string[];
  }>`
    select r.rolsuper, r.rolbypassrls, pg_has_role(current_user, r.oid, 'MEMBER') as member,
      array(select c.relname::text from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = ${schema}::text and c.relkind = 'r' and c.relowner = r.oid) as owned,
      array(select c.relname::text from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = ${schema}::text and c.relkind = 'r' and c.relname not like 'kysely_%'
              and not (has_schema_privilege(r.oid, n.oid, 'USAGE')
                and has_table_privilege(r.oid, c.oid, 'SELECT, INSERT, UPDATE, DELETE'))) as ungranted
    from pg_roles r where r.rolname = ${role}`.execute(db);
  const found = rows[0];
  const problems =
    found === undefined
      ? [`the role does not exist`]
      : [
          ...(found.rolsuper ? ['it is a superuser (row-level security does not bind it)'] : []),
          ...(found.rolbypassrls ? ['it has BYPASSRLS'] : []),
          ...(found.owned.length > 0
            ? [`it owns ${found.owned.join(', ')} (owners bypass the policies)`]
            : []),
          ...(found.member ? [] : ["the server's database user is not a member of it (SET ROLE fails)"]),
          ...(found.ungranted.length > 0
            ? [
                `it may not read and write ${found.ungranted.slice(0, 5).join(', ')}${found.ungranted.length > 5 ? ', …' : ''}`,
              ]
            : []),
        ];
  if (problems.length === 0) return;
  throw new Error(
    `WORKONWARD_DATABASE_RUNTIME_ROLE=${role} cannot serve tenant requests: ${problems.join('; ')}. ` +
      `A DBA fixes it with: create role ${role} nologin nosuperuser nobypassrls; ` +
      `grant usage on schema ${schema} to ${role}; ` +
      `grant select, insert, update, delete on all tables in schema ${schema} to ${role}; ` +
      `grant ${role} to <the server's database user>; (docs/operations.md, "Tenant isolation in PostgreSQL").`,
  );
}

async function currentSchema(db: Kysely<Database>): Promise<string> {
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  const schema = rows[0]?.schema;
  if (schema === undefined) throw new Error('no current schema (search_path names no existing schema)');
  return schema;
}
