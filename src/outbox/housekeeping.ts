import type { Kysely } from 'kysely';
import { pruneIdempotencyKeys } from '../store/mail-idempotency.js';
import { pruneRate } from '../store/mail-rate.js';
import type { Database } from '../store/schema.js';

/** Forgets expired idempotency keys and previews and old rate counters (never outbox or audit rows). */
export async function housekeep(db: Kysely<Database>, now: Date): Promise<void> {
  const iso = now.toISOString();
  await pruneIdempotencyKeys(db, iso);
  await db.deleteFrom('mail_previews').where('expires_at', '<=', iso).execute();
  const hourAgo = new Date(now.getTime() - 3_600_000).toISOString();
  const twoDaysAgo = new Date(now.getTime() - 2 * 86_400_000).toISOString();
  await pruneRate(db, hourAgo.slice(0, 16), twoDaysAgo.slice(0, 10));
}
