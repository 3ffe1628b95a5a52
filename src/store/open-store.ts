import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, type LogEvent, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { migrations } from './migrations/index.js';
import type { Database } from './schema.js';
import { withStatementCache } from './statement-cache.js';

/** What differs between the two databases, declared once (queries never branch on the dialect name). */
export interface DialectTraits {
  readonly name: 'sqlite' | 'postgres';
  /** `FOR UPDATE SKIP LOCKED` is available, so several workers can lease rows concurrently. */
  readonly skipLocked: boolean;
  /** Row-level security admits only the tenant set by `withTenant` (migration 0010). */
  readonly rowLevelSecurity: boolean;
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
  close(): Promise<void>;
}

export interface StoreOptions {
  /** Told of every query after it ran (tracing records a span per query), when set. */
  readonly onQuery?: (event: LogEvent) => void;
  /** SQLite: told every SQL text before it is first prepared (tests install the tenant guard). */
  readonly checkStatement?: (sql: string) => void;
}

export function openStore(url: string, options: StoreOptions = {}): Store {
  const log = options.onQuery === undefined ? {} : { log: options.onQuery };
  return url.startsWith('sqlite:')
    ? openSqlite(url.slice('sqlite:'.length), log, options.checkStatement)
    : openPostgres(url, log);
}

function openSqlite(file: string, log: KyselyLog, checkStatement?: (sql: string) => void): Store {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const connection = new SqliteDatabase(file);
  connection.pragma('journal_mode = WAL');
  // FULL: a send acknowledged to a client is in the outbox even after a power loss, not only
  // after a process crash (NORMAL under WAL). Still thousands of commits per second here.
  connection.pragma('synchronous = FULL');
  connection.pragma('foreign_keys = ON');
  connection.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: withStatementCache(connection, 256, checkStatement) }),
    ...log,
  });
  return assemble(db, { name: 'sqlite', skipLocked: false, rowLevelSecurity: false });
}

/** int8 columns (money in cents) arrive as numbers; values stay far below 2^53. */
const int8AsNumber = new pg.TypeOverrides();
int8AsNumber.setTypeParser(pg.types.builtins.INT8, Number);

function openPostgres(url: string, log: KyselyLog): Store {
  const pool = new pg.Pool({
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
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), ...log });
  // Kysely looks for its migration tables in every schema unless told which one, so a database
  // holding another schema's `kysely_migration` would skip creating ours; pin it to ours.
  const migrationSchema = async () =>
    (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema;
  return assemble(db, { name: 'postgres', skipLocked: true, rowLevelSecurity: true }, migrationSchema);
}

type KyselyLog = { log?: (event: LogEvent) => void };

function assemble(
  db: Kysely<Database>,
  traits: DialectTraits,
  migrationSchema: () => Promise<string | undefined> = () => Promise.resolve(undefined),
): Store {
  return {
    db,
    traits,
    async migrate(target?: string) {
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
      return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
    },
    async ping() {
      await sql`select 1`.execute(db);
    },
    async close() {
      await db.destroy();
    },
  };
}
