import { type Kysely, sql } from 'kysely';
import type { Database } from './schema.js';

/**
 * Counts one event for `key` and returns the events in its current window, in one conditional
 * upsert, so concurrent instances never lose a count: a window that started before `windowFloor`
 * is over, and the event starts a new one at `now`.
 */
export async function countEvent(
  db: Kysely<Database>,
  key: string,
  now: string,
  windowFloor: string,
): Promise<number> {
  const row = await db
    .insertInto('rate_limits')
    .values({ key, window_start: now, count: 1 })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        count: sql<number>`case when rate_limits.window_start > ${windowFloor} then rate_limits.count + 1 else 1 end`,
        window_start: sql<string>`case when rate_limits.window_start > ${windowFloor} then rate_limits.window_start else ${now} end`,
      }),
    )
    .returning('count')
    .executeTakeFirstOrThrow();
  return row.count;
}

/** The events counted for `key` in its current window (0 once the window is over). */
export async function eventsInWindow(
  db: Kysely<Database>,
  key: string,
  windowFloor: string,
): Promise<number> {
  const row = await db
    .selectFrom('rate_limits')
    .select('count')
    .where('key', '=', key)
    .where('window_start', '>', windowFloor)
    .executeTakeFirst();
  return row?.count ?? 0;
}

/** Forgets keys whose window ended before `windowFloor`. */
export async function pruneRateLimits(db: Kysely<Database>, windowFloor: string): Promise<void> {
  await db.deleteFrom('rate_limits').where('window_start', '<=', windowFloor).execute();
}
