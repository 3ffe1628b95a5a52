import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { afterAll, expect, it } from 'vitest';
import { RateLimiter } from '../../src/domain/limits/rate-limiter.js';
import { openStore } from '../../src/store/open-store.js';
import { relaxCounterWrites } from '../../src/store/relaxed-counters.js';
import type { Database } from '../../src/store/schema.js';
import { withStatementCache } from '../../src/store/statement-cache.js';
import { ManualClock } from '../support/clock.js';

const dir = mkdtempSync(path.join(tmpdir(), 'workonward-pragmas-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

it('opens SQLite in WAL mode with FULL sync, foreign keys on and a busy timeout', async () => {
  const store = openStore(`sqlite:${path.join(dir, 'settings.sqlite')}`);
  const pragma = async (name: string) =>
    Object.values((await sql.raw(`pragma ${name}`).execute(store.db)).rows[0] as object)[0] as unknown;
  try {
    expect(await pragma('journal_mode')).toBe('wal');
    expect(await pragma('synchronous')).toBe(2); // FULL: an acknowledged send survives power loss
    expect(await pragma('foreign_keys')).toBe(1);
    expect(await pragma('busy_timeout')).toBe(5000);
  } finally {
    await store.close();
  }
});

it('a counter write on its own commits under NORMAL and restores FULL; inside a transaction it keeps FULL', async () => {
  const file = path.join(dir, 'counters.sqlite');
  const migrated = openStore(`sqlite:${file}`);
  await migrated.migrate();
  await migrated.close();
  // What SQLite itself runs, in order (better-sqlite3's trace of every executed statement).
  const ran: string[] = [];
  const connection = new SqliteDatabase(file, { verbose: (text) => ran.push(String(text)) });
  connection.pragma('journal_mode = WAL');
  connection.pragma('synchronous = FULL');
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({
      database: withStatementCache(connection, 16, undefined, relaxCounterWrites(connection)),
    }),
  });
  const limiter = new RateLimiter(db, new ManualClock(), { name: 'probe', limit: 5, windowMs: 60_000 });
  const around = (verb: string) => {
    const at = ran.findIndex((text) => text.startsWith(verb) && text.includes('rate_limit_windows'));
    return [ran[at - 1], ran[at + 1]];
  };
  try {
    expect((await limiter.take('k')).allowed).toBe(true); // the insert of a new key
    expect(around('insert')).toEqual(['PRAGMA synchronous = NORMAL', 'PRAGMA synchronous = FULL']);
    expect((await limiter.take('k')).allowed).toBe(true); // the compare-and-set update
    expect(around('update')).toEqual(['PRAGMA synchronous = NORMAL', 'PRAGMA synchronous = FULL']);
    expect(connection.pragma('synchronous', { simple: true })).toBe(2);
    ran.length = 0;
    await db.transaction().execute((tx) => limiter.take('k', 1, tx));
    expect(ran.some((text) => text.includes('rate_limit_windows'))).toBe(true);
    expect(ran.filter((text) => text.startsWith('PRAGMA synchronous'))).toEqual([]);
    expect(await limiter.used('k')).toBe(3);
  } finally {
    await db.destroy();
  }
});
