import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { lazilyCommitted } from '../../src/store/lazy-commit.js';
import { openStore, type DialectTraits } from '../../src/store/open-store.js';
import type { Database } from '../../src/store/schema.js';
import { withStatementCache } from '../../src/store/statement-cache.js';

/**
 * What SQLite itself runs (better-sqlite3's trace of every executed statement) around a lazily
 * committed transaction: NORMAL only from before its BEGIN to after its COMMIT or ROLLBACK, and no
 * other statement in between, so nothing else ever commits without the fsync.
 */
const dir = mkdtempSync(path.join(tmpdir(), 'workonward-lazy-commit-'));
const ran: string[] = [];
let connection: SqliteDatabase.Database;
let db: Kysely<Database>;
let traits: DialectTraits;
beforeAll(async () => {
  const file = path.join(dir, 'lazy.sqlite');
  const migrated = openStore(`sqlite:${file}`);
  traits = migrated.traits;
  await migrated.migrate();
  await migrated.close();
  connection = new SqliteDatabase(file, { verbose: (text) => ran.push(String(text)) });
  connection.pragma('journal_mode = WAL');
  connection.pragma('synchronous = FULL');
  db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(connection) }) });
});
afterAll(async () => {
  await db.destroy();
  rmSync(dir, { recursive: true, force: true });
});

const insert = (tx: Kysely<Database>, key: string) =>
  tx.insertInto('rate_limit_windows').values({ key, slices: '[]', version: 1, expires_at: 0 }).execute();
const trace = () => ran.splice(0).map((text) => text.replace(/\s+/g, ' ').slice(0, 40));

it('commits with NORMAL, restores FULL at once, and lets no other statement run in between', async () => {
  ran.length = 0;
  // A query issued while the lazy transaction runs waits for the connection, and FULL.
  const [, other] = await Promise.all([
    lazilyCommitted(db, traits, false, (tx) => insert(tx, 'lazy')),
    insert(db, 'other'),
  ]);
  expect(other).toBeDefined();
  const statements = trace();
  expect(statements[0]).toBe('pragma synchronous = normal');
  expect(statements.slice(1, 4).map((text) => text.split(' ')[0]?.toLowerCase())).toEqual([
    'begin',
    'insert',
    'commit',
  ]);
  expect(statements[4]).toBe('pragma synchronous = full');
  expect(statements.slice(5).map((text) => text.split(' ')[0])).toEqual(['insert']);
  expect(connection.pragma('synchronous', { simple: true })).toBe(2);
});

it('restores FULL after a rollback, and rethrows', async () => {
  ran.length = 0;
  await expect(
    lazilyCommitted(db, traits, false, async (tx) => {
      await insert(tx, 'rolled-back');
      throw new Error('work failed');
    }),
  ).rejects.toThrow('work failed');
  expect(trace().map((text) => text.split(' ')[0]?.toLowerCase())).toEqual([
    'pragma',
    'begin',
    'insert',
    'rollback',
    'pragma',
  ]);
  expect(connection.pragma('synchronous', { simple: true })).toBe(2);
  expect(
    await db.selectFrom('rate_limit_windows').select('key').where('key', '=', 'rolled-back').execute(),
  ).toEqual([]);
});

it('a durable commit never touches the setting', async () => {
  ran.length = 0;
  await lazilyCommitted(db, traits, true, (tx) => insert(tx, 'durable'));
  expect(trace().some((text) => text.toLowerCase().startsWith('pragma'))).toBe(false);
});
