import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from '../../src/store/schema.js';
import { POSTGRES_URL } from './stores.js';

/** The non-superuser, non-BYPASSRLS role the tests connect as (docs/operations.md: the runtime role). */
export const RUNTIME_ROLE = 'workonward_runtime_test';

/** The schema a test store's URL selects (`options=-c search_path=…`). */
export function schemaOf(url: string): string {
  const options = new URL(url).searchParams.get('options') ?? '';
  const schema = /search_path=(\w+)/.exec(options)?.[1];
  if (schema === undefined) throw new Error(`no search_path in ${url}`);
  return schema;
}

/**
 * Creates the runtime role once per server (roles are global; parallel test files may race to
 * create it) and lets it use `schema`'s tables, as an operator would: DML only, owning nothing.
 */
export async function grantRuntimeRole(schema: string): Promise<void> {
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  try {
    await admin.query(`do $$ begin
      create role ${RUNTIME_ROLE} login nosuperuser nobypassrls nocreatedb nocreaterole;
    exception when duplicate_object or unique_violation then null; end $$`);
    await admin.query(`grant usage on schema ${schema} to ${RUNTIME_ROLE}`);
    await admin.query(
      `grant select, insert, update, delete on all tables in schema ${schema} to ${RUNTIME_ROLE}`,
    );
  } finally {
    await admin.end();
  }
}

/** A Kysely connected as the runtime role to `schema`, over a pool of `max` connections. */
export function runtimeRoleDb(schema: string, max = 2): Kysely<Database> {
  const url = new URL(POSTGRES_URL);
  url.username = RUNTIME_ROLE;
  url.password = '';
  url.searchParams.set('options', `-c search_path=${schema}`);
  return new Kysely<Database>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url.toString(), max }) }),
  });
}
