import { type Kysely, type Transaction, sql } from 'kysely';
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
 * transaction.
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
