import { type Kysely, type RawBuilder, type Transaction, sql } from 'kysely';
import type { DialectTraits } from './open-store.js';
import type { Database } from './schema.js';

/**
 * Runs `work` in a transaction whose commit need not reach the disk before it returns, where the
 * commit's fsync would block the event loop (SQLite, `synchronous = FULL`: ~0.4 ms of CPU and
 * 1–5 ms of wall time per commit on the benchmark VM, during which no request and no SMTP reply
 * is served). Only for writes whose loss to a power cut is acceptable: under WAL a NORMAL commit
 * is atomic and survives a crashed process; a power cut can lose it, and with it only a suffix of
 * the most recent commits (the database stays consistent), until the next FULL commit or
 * checkpoint fsyncs the WAL frames written before it. `durable` keeps
 * this commit FULL. On PostgreSQL (whose server flushes off our event loop) it is a plain
 * transaction; a single statement commits lazily there with `lazyCommit` instead.
 *
 * SQLite refuses to change `synchronous` inside a transaction, so it is lowered before BEGIN and
 * restored after COMMIT on the one connection held for the whole call: no other statement can
 * run on it in between, so nothing else ever commits with NORMAL.
 */
export function lazilyCommitted<T>(
  db: Kysely<Database>,
  traits: DialectTraits,
  durable: boolean,
  work: (tx: Transaction<Database>) => Promise<T>,
): Promise<T> {
  if (durable || !traits.commitBlocksEventLoop) return db.transaction().execute(work);
  return db.connection().execute(async (connection) => {
    await sql`pragma synchronous = normal`.execute(connection);
    try {
      return await connection.transaction().execute(work);
    } finally {
      await sql`pragma synchronous = full`.execute(connection);
    }
  });
}

/**
 * PostgreSQL: in a statement, makes the transaction it runs in (its own, outside BEGIN … COMMIT)
 * commit without waiting for the WAL flush, which is most of what a small write statement costs
 * the caller. `set_config(…, true)` holds until that transaction ends, and the server reads the
 * setting at commit, so it adds no statement and no round trip. The same trade as SQLite's
 * NORMAL: a PostgreSQL crash or power cut can lose only a suffix of such commits (never a part of
 * one; the database stays consistent), and the next synchronous commit flushes the WAL up to its
 * own position, so every lazy commit before it is on disk after it. Select it as a column: an
 * unreferenced WITH is never run.
 */
export const lazyCommit: RawBuilder<string> = sql<string>`set_config('synchronous_commit', 'off', true)`;
