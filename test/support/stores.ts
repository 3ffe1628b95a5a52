import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openStore, type Store, type StoreOptions } from '../../src/store/open-store.js';

/**
 * The databases every contract test runs against: a real SQLite file always, and a real
 * PostgreSQL at WORKONWARD_TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test).
 * With WORKONWARD_TEST_POSTGRES=require (set by .ci/run) an unreachable PostgreSQL fails the run;
 * elsewhere it is skipped with a loud notice, never silently.
 */
export const POSTGRES_URL =
  process.env.WORKONWARD_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const POSTGRES_REQUIRED = process.env.WORKONWARD_TEST_POSTGRES === 'require';

async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch (error) {
    if (POSTGRES_REQUIRED)
      throw new Error(
        `PostgreSQL is required (WORKONWARD_TEST_POSTGRES=require) but unreachable at ${POSTGRES_URL}: ${String(error)}`,
      );
    console.warn(
      `\n!!! PostgreSQL unreachable at ${POSTGRES_URL}: PostgreSQL contract tests are SKIPPED on this machine. !!!\n`,
    );
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export type Dialect = 'sqlite' | 'postgres';

/**
 * Test schemas are named after the vitest run (its main process id: test files run in forks of
 * it), so a run drops only its own schemas and never those of another run on the same server.
 */
export function testSchemaPrefix(runPid: number): string {
  return `t_${runPid}_`;
}

/** A fresh schema name of this run: `t_<run pid>_<12 hex>`. */
export function newTestSchemaName(): string {
  return `${testSchemaPrefix(process.ppid)}${randomBytes(6).toString('hex')}`;
}

/** The dialects to run on: resolve once per test file at module load (top-level await). */
export async function availableDialects(): Promise<Dialect[]> {
  return (await postgresReachable()) ? ['sqlite', 'postgres'] : ['sqlite'];
}

export interface TestDatabase {
  readonly dialect: Dialect;
  /** A URL for `openStore` / WORKONWARD_DATABASE_URL that points at this isolated database. */
  readonly url: string;
  dispose(): Promise<void>;
}

/**
 * An empty, isolated database: a fresh SQLite file in a temp dir, or a fresh PostgreSQL schema
 * (selected through the connection's search_path), dropped when the test run ends.
 */
export async function createTestDatabase(dialect: Dialect): Promise<TestDatabase> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(path.join(tmpdir(), 'workonward-test-'));
    return {
      dialect,
      url: `sqlite:${path.join(dir, 'test.sqlite')}`,
      dispose: () => {
        rmSync(dir, { recursive: true, force: true });
        return Promise.resolve();
      },
    };
  }
  const schema = newTestSchemaName();
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const url = new URL(POSTGRES_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    dialect,
    url: url.toString(),
    // Dropped once at the end of the run (test/support/global-setup.ts): Kysely's migrator
    // introspects every schema, and a schema dropped mid-introspection fails another file's migrate.
    dispose: () => Promise.resolve(),
  };
}

/** A migrated store on a fresh database; `close` also disposes the database. */
export async function createTestStore(
  dialect: Dialect,
  options: StoreOptions = {},
): Promise<Store & { url: string }> {
  const database = await createTestDatabase(dialect);
  // Migrations read and rebuild whole tables across tenants by nature: they run unchecked, and
  // `options` (a tenant statement guard, a query log) apply to what the test does afterwards.
  const migrator = openStore(database.url);
  await migrator.migrate().finally(() => migrator.close());
  const store = openStore(database.url, options);
  return {
    ...store,
    url: database.url,
    async close() {
      await store.close();
      await database.dispose();
    },
  };
}
