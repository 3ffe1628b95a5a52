import type { Kysely } from 'kysely';
import { pruneIdempotencyKeys } from '../store/mail-idempotency.js';
import { pruneRateLimits } from '../store/rate-limits.js';
import type { Database } from '../store/schema.js';

/** Forgets expired idempotency keys, previews and rate-limit windows (never outbox or audit rows). */
export async function housekeep(db: Kysely<Database>, now: Date): Promise<void> {
  const iso = now.toISOString();
  await pruneIdempotencyKeys(db, iso);
  await db.deleteFrom('mail_previews').where('expires_at', '<=', iso).execute();
  await pruneRateLimits(db, now.getTime());
}
