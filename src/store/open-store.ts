import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import {
  type Dialect,
  type Driver,
  Kysely,
  type KyselyPlugin,
  type LogEvent,
  Migrator,
  PostgresDialect,
  SqliteDialect,
  sql,
} from 'kysely';
import type pg from 'pg';
import { migrations } from './migrations/index.js';
import { preparingMarkedStatements } from './prepared-statements.js';
import { refusingNulParameters } from './nul-parameters.js';
import type { OwnerWork } from './owner-work.js';
import { RuntimeRoleScope } from './runtime-role.js';
import { grantRuntimeRole } from './runtime-role-grants.js';
import type { Database } from './schema.js';
import { relaxCounterWrites } from './relaxed-counters.js';
import { objectRows } from './row-objects.js';
import { withStatementCache } from './statement-cache.js';
import { checkpointInThread, type WalCheckpointOptions } from './wal-checkpointer.js';
import { SqliteWorkScope, type WorkScope } from './work-scope.js';

/** The role tenant work runs as on PostgreSQL unless WORKONWARD_DATABASE_RUNTIME_ROLE names another. */
export const DEFAULT_RUNTIME_ROLE = 'workonward_runtime';

/** What differs between the two databases, declared once (queries never branch on the dialect name). */
export interface DialectTraits {
  readonly name: 'sqlite' | 'postgres';
  /** `FOR UPDATE SKIP LOCKED` is available, so several workers can lease rows concurrently. */
  readonly skipLocked: boolean;
  /** Row-level security admits only the tenant set by `withTenant` (migration 0010). */
  readonly rowLevelSecurity: boolean;
  /**
   * A commit's fsync runs on the event loop (better-sqlite3), so every commit blocks every
   * request for it; see store/lazy-commit.ts. PostgreSQL flushes in its server process.
   */
  readonly commitBlocksEventLoop: boolean;
  /**
   * A statement's WITH may hold writes (PostgreSQL), so one statement, one round trip to the
   * server, can do what would otherwise take a transaction of several (store/outbox-record.ts).
   * SQLite has no data-modifying WITH, and no round trips: it runs in this process.
   */
  readonly dataModifyingWith: boolean;
  /**
   * A statement whose LIMIT is a bound parameter is parsed and planned again on every run
   * (SQLite 3.53, see row-limit.ts), so a cached statement with a limit that varies per call is
   * kept per limit, the limit written into its SQL. PostgreSQL plans a bound LIMIT like any
   * value: there such a statement stays one prepared statement (prepared-statements.ts) rather
   * than one per limit on every pooled connection.
   */
  readonly boundLimitReprepares: boolean;
}

export interface Store {
  readonly db: Kysely<Database>;
  readonly traits: DialectTraits;
  /**
   * Applies pending migrations, or migrates to `target` (a migration name) when given (tests
   * build older schemas this way); returns the names applied.
   */
  migrate(target?: string): Promise<string[]>;
  /** Throws unless the database answers. */
  ping(): Promise<void>;
  /**
   * Runs `work` as `tenantId`: on PostgreSQL every query it makes runs as the runtime role with
   * row-level security admitting only that tenant's rows (store/runtime-role.ts). SQLite has no
   * roles: there it just runs `work` (its tenant guard is the test-time statement check).
   */
  readonly asTenant: <T>(tenantId: string, work: () => T) => T;
  /** Runs `work` as the owner even when called inside a tenant scope; `reason` is one of OWNER_WORK. */
  readonly asOwner: <T>(reason: OwnerWork, work: () => T) => T;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** Told of every query after it ran (tracing records a span per query), when set. */
  readonly onQuery?: (event: LogEvent) => void;
  /**
   * SQLite: told every SQL text before it runs, with the scope it runs in (tests install the
   * tenant statement guard); throwing refuses the statement.
   */
  readonly checkStatement?: (sql: string, scope: WorkScope | undefined) => void;
  /** PostgreSQL: the role tenant work runs as (default DEFAULT_RUNTIME_ROLE); granted at migrate. */
  readonly runtimeRole?: string;
  /** Kysely plugins on every query (tests install one that forgets tenant predicates). */
  readonly plugins?: KyselyPlugin[];
  /**
   * A SQLite file: its WAL checkpoints run in a thread of their own, off the event loop
   * (wal-checkpointer.ts). For a server; a one-off command keeps SQLite's own checkpoints.
   */
  readonly walCheckpoints?: WalCheckpointOptions;
}

export function openStore(url: string, options: StoreOptions = {}): Store {
  const log = {
    ...(options.onQuery !== undefined && { log: options.onQuery }),
    ...(options.plugins !== undefined && { plugins: options.plugins }),
  };
  return url.startsWith('sqlite:')
    ? openSqlite(url.slice('sqlite:'.length), log, options.checkStatement, options.walCheckpoints)
    : openPostgres(url, log, options.runtimeRole ?? DEFAULT_RUNTIME_ROLE);
}

function openSqlite(
  file: string,
  log: KyselyLog,
  checkStatement?: StoreOptions['checkStatement'],
  walCheckpoints?: WalCheckpointOptions,
): Store {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const connection = new SqliteDatabase(file);
  connection.pragma('journal_mode = WAL');
  // FULL: a send acknowledged to a client is in the outbox even after a power loss, not only
  // after a process crash (NORMAL under WAL). Still thousands of commits per second here.
  // Two exceptions, both safe to lose to a power cut: rate-limit counter writes made on their own
  // (relaxed-counters.ts) and the outbox worker's recording transactions (lazy-commit.ts).
  connection.pragma('synchronous = FULL');
  connection.pragma('foreign_keys = ON');
  connection.pragma('busy_timeout = 5000');
  // SQLite's own default page cache, 2 MB: better-sqlite3 builds SQLite with 16 MB per connection,
  // which a server whose reads cover more than the first pages fills and keeps resident (walking
  // every page of the bench tenant's lists held ~+25 MB of RSS); the OS page cache still holds the
  // file (bench/README.md, issue 8 ninth pass: memory).
  connection.pragma('cache_size = -2000');
  // The scope is tracked only for a statement check: production SQLite pays nothing for it.
  const scope = checkStatement === undefined ? undefined : new SqliteWorkScope();
  const check =
    scope &&
    ((sql: string) => {
      checkStatement?.(sql, scope.current());
    });
  const relaxed = relaxCounterWrites(connection);
  const dialect = new SqliteDialect({
    database: withStatementCache(connection, 256, check, (sql, statement) =>
      statement.reader ? objectRows(sql, statement) : relaxed(sql, statement),
    ),
  });
  const db = new Kysely<Database>({ dialect: wrappingDriver(dialect, refusingNulParameters), ...log });
  // Started after the pragmas: the thread's connection finds the file in WAL mode.
  const checkpointer =
    walCheckpoints === undefined || file === ':memory:'
      ? undefined
      : checkpointInThread(connection, file, walCheckpoints);
  return assemble(
    db,
    {
      name: 'sqlite',
      skipLocked: false,
      rowLevelSecurity: false,
      commitBlocksEventLoop: true,
      dataModifyingWith: false,
      boundLimitReprepares: true,
    },
    scope === undefined ? NO_ROLES : scopedRoles(scope),
    undefined,
    // Before the store's connection closes, so that closing, as the last connection, checkpoints
    // the rest of the WAL and removes it.
    () => checkpointer?.stop() ?? Promise.resolve(),
  );
}

/** SQLite has one user: tenant and owner work run alike. */
const NO_ROLES: Roles = {
  asTenant: (_tenantId, work) => work(),
  asOwner: (_reason, work) => work(),
  afterMigrate: () => Promise.resolve(),
};

/** As NO_ROLES, with the scope each piece of work runs in kept for the statement check. */
function scopedRoles(scope: SqliteWorkScope): Roles {
  return {
    asTenant: (tenantId, work) => scope.run({ tenantId }, work),
    asOwner: (owner, work) => scope.run({ owner }, work),
    afterMigrate: () => Promise.resolve(),
  };
}

/**
 * PostgreSQL's driver, loaded by the first PostgreSQL store: a SQLite server never keeps its
 * modules in its heap (bench/README.md, issue 8 seventh pass: memory). pg is CommonJS, so this
 * is the same module instance an `import` of it elsewhere gets.
 */
const loadPg = () => createRequire(import.meta.url)('pg') as typeof pg;

function openPostgres(url: string, log: KyselyLog, runtimeRole: string): Store {
  const driver = loadPg();
  /** int8 columns (money in cents) arrive as numbers; values stay far below 2^53. */
  const int8AsNumber = new driver.TypeOverrides();
  int8AsNumber.setTypeParser(driver.types.builtins.INT8, Number);
  const pool = new driver.Pool({
    connectionString: url,
    max: 10,
    connectionTimeoutMillis: 5000,
    types: int8AsNumber,
  });
  // A dropped connection must not crash the process (PostgreSQL restarted, failed over, or a
  // connection killed): the pool reports idle ones, and each client its own while checked out,
  // where no listener would make the error fatal. The query running on it fails; the pool
  // replaces the connection; /readyz answers 503 until the database is back.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
    preparingMarkedStatements(client);
  });
  const roles = new RuntimeRoleScope(runtimeRole);
  const db = new Kysely<Database>({
    dialect: wrappingDriver(new PostgresDialect({ pool }), (driver) =>
      refusingNulParameters(roles.driver(driver)),
    ),
    ...log,
  });
  // Kysely looks for its migration tables in every schema unless told which one, so a database
  // holding another schema's `kysely_migration` would skip creating ours; pin it to ours.
  const migrationSchema = async () =>
    (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema;
  return assemble(
    db,
    {
      name: 'postgres',
      skipLocked: true,
      rowLevelSecurity: true,
      commitBlocksEventLoop: false,
      dataModifyingWith: true,
      boundLimitReprepares: false,
    },
    {
      asTenant: (tenantId, work) => roles.asTenant(tenantId, work),
      asOwner: (_reason, work) => roles.asOwner(work),
      afterMigrate: () => grantRuntimeRole(db, runtimeRole),
    },
    migrationSchema,
  );
}

/**
 * `base` with its driver wrapped: on both databases to refuse NUL parameters (nul-parameters.ts),
 * on PostgreSQL also to switch each connection to the scope's role (runtime-role.ts).
 */
function wrappingDriver(base: Dialect, wrap: (driver: Driver) => Driver): Dialect {
  return {
    createAdapter: () => base.createAdapter(),
    createDriver: () => wrap(base.createDriver()),
    createQueryCompiler: () => base.createQueryCompiler(),
    createIntrospector: (db) => base.createIntrospector(db),
  };
}

type KyselyLog = { log?: (event: LogEvent) => void; plugins?: KyselyPlugin[] };

interface Roles {
  asTenant<T>(tenantId: string, work: () => T): T;
  asOwner<T>(reason: OwnerWork, work: () => T): T;
  /** After migrations: the runtime role may use every table, including new ones. */
  afterMigrate(): Promise<void>;
}

function assemble(
  db: Kysely<Database>,
  traits: DialectTraits,
  roles: Roles,
  migrationSchema: () => Promise<string | undefined> = () => Promise.resolve(undefined),
  beforeClose: () => Promise<void> = () => Promise.resolve(),
): Store {
  return {
    db,
    traits,
    asTenant: (tenantId, work) => roles.asTenant(tenantId, work),
    asOwner: (reason, work) => roles.asOwner(reason, work),
    // Migrations are owner work: they read and rebuild whole tables across tenants.
    migrate: (target?: string) => roles.asOwner('migrations', () => migrate(target)),
    async ping() {
      await sql`select 1`.execute(db);
    },
    async close() {
      await beforeClose();
      await db.destroy();
    },
  };

  async function migrate(target?: string) {
    const migrationTableSchema = await migrationSchema();
    const migrator = new Migrator({
      db,
      provider: { getMigrations: () => Promise.resolve(migrations) },
      ...(migrationTableSchema !== undefined && { migrationTableSchema }),
    });
    const { error, results } = await (target === undefined
      ? migrator.migrateToLatest()
      : migrator.migrateTo(target));
    if (error !== undefined)
      throw error instanceof Error ? error : new Error('migration failed', { cause: error });
    await roles.afterMigrate();
    return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  }
}
