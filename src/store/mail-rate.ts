import { type Kysely, type Transaction, sql } from 'kysely';
import type { Database } from './schema.js';

type Executor = Kysely<Database> | Transaction<Database>;

/**
 * Adds `count` to a tenant's counter for one time bucket if, and only if, the total stays within
 * `limit`: one conditional upsert, so concurrent senders can never overshoot. False = over limit.
 */
export async function consumeRate(
  db: Executor,
  tenantId: string,
  bucket: string,
  count: number,
  limit: number,
): Promise<boolean> {
  if (count > limit) return false;
  const row = await db
    .insertInto('mail_rate')
    .values({ tenant_id: tenantId, bucket, count })
    .onConflict((oc) =>
      oc
        .columns(['tenant_id', 'bucket'])
        .doUpdateSet({ count: sql<number>`mail_rate.count + excluded.count` })
        .where(sql<boolean>`mail_rate.count + excluded.count <= ${limit}`),
    )
    .returning('count')
    .executeTakeFirst();
  return row !== undefined;
}

/** Drops counters of buckets that sort before `before` within their prefix (minutes and days). */
export async function pruneRate(db: Executor, minuteBefore: string, dayBefore: string): Promise<void> {
  await db
    .deleteFrom('mail_rate')
    .where((eb) =>
      eb.or([
        eb.and([eb('bucket', 'like', 'm:%'), eb('bucket', '<', `m:${minuteBefore}`)]),
        eb.and([eb('bucket', 'like', 'd:%'), eb('bucket', '<', `d:${dayBefore}`)]),
      ]),
    )
    .execute();
}
