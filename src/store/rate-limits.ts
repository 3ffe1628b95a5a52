import { type Kysely, type Transaction, sql } from 'kysely';
import type { Slice } from '../lib/sliding-window.js';
import { CompiledShapes, slot } from './compiled-shapes.js';
import type { Database } from './schema.js';

type Executor = Kysely<Database> | Transaction<Database>;

/** A key's stored slices and the version every write bumps (0: no row yet). */
export interface StoredWindow {
  readonly slices: readonly Slice[];
  readonly version: number;
}

const stored = (row: { slices: string; version: number } | undefined): StoredWindow =>
  row === undefined
    ? { slices: [], version: 0 }
    : { slices: JSON.parse(row.slices) as Slice[], version: row.version };

/**
 * The two statements of every uncontended take, compiled once per executor (they ran on every
 * OAuth `tools/call`, and building a Kysely query costs more than running this one).
 */
const shapes = new CompiledShapes();

/** A key's window as it is now, without locking anything. */
export async function readWindow(db: Executor, key: string): Promise<StoredWindow> {
  const rows = await shapes.execute<Database, { slices: string; version: number }>(
    db,
    'read',
    () => db.selectFrom('rate_limit_windows').select(['slices', 'version']).where('key', '=', slot('key')),
    { key },
  );
  return stored(rows[0]);
}

/**
 * Stores `slices` only if nobody wrote the key since it was read at `seen` (compare-and-set):
 * one statement, no lock held between the read and the write. False = another take got there
 * first.
 */
export async function compareAndSetWindow(
  db: Executor,
  key: string,
  seen: number,
  slices: readonly Slice[],
  expiresAt: number,
): Promise<boolean> {
  const values = { key, seen, slices: JSON.stringify(slices), version: seen + 1, expiresAt };
  if (seen === 0) {
    const inserted = await shapes.executeResult<Database, unknown>(
      db,
      'insert',
      () =>
        db
          .insertInto('rate_limit_windows')
          .values({
            key: slot('key'),
            slices: slot('slices'),
            version: slot<number>('version'),
            expires_at: slot<number>('expiresAt'),
          })
          .onConflict((oc) => oc.column('key').doNothing()),
      values,
    );
    return inserted.numAffectedRows === 1n;
  }
  const updated = await shapes.executeResult<Database, unknown>(
    db,
    'update',
    () =>
      db
        .updateTable('rate_limit_windows')
        .set({
          slices: slot('slices'),
          version: slot<number>('version'),
          expires_at: slot<number>('expiresAt'),
        })
        .where('key', '=', slot('key'))
        .where('version', '=', slot<number>('seen')),
    values,
  );
  return updated.numAffectedRows === 1n;
}

/**
 * Locks a key's row until the transaction ends and returns its window, creating an empty row
 * for a new key: one upsert that writes the row back unchanged. Takes on one key queue here (a
 * row lock on PostgreSQL, the write lock on SQLite), so the read sees the previous take's write.
 */
export async function lockWindow(tx: Transaction<Database>, key: string): Promise<StoredWindow> {
  return stored(
    await tx
      .insertInto('rate_limit_windows')
      .values({ key, slices: '[]', version: 0, expires_at: 0 })
      .onConflict((oc) => oc.column('key').doUpdateSet({ version: sql`rate_limit_windows.version` }))
      .returning(['slices', 'version'])
      .executeTakeFirstOrThrow(),
  );
}

/** Stores a locked key's new slices and when they stop counting (epoch ms). */
export async function saveWindow(
  tx: Transaction<Database>,
  key: string,
  locked: StoredWindow,
  slices: readonly Slice[],
  expiresAt: number,
): Promise<void> {
  await tx
    .updateTable('rate_limit_windows')
    .set({ slices: JSON.stringify(slices), version: locked.version + 1, expires_at: expiresAt })
    .where('key', '=', key)
    .execute();
}

/** Forgets keys none of whose events count any more (epoch ms). */
export async function pruneRateLimits(db: Executor, now: number): Promise<void> {
  await db.deleteFrom('rate_limit_windows').where('expires_at', '<=', now).execute();
}
