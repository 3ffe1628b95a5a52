import { randomInt } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../lib/clock.js';
import { newId } from '../lib/ids.js';
import type { KeyRing } from '../lib/secrets.js';
import type { Database } from '../store/schema.js';

export const CODE_TTL_MS = 10 * 60_000;
export const MAX_ATTEMPTS = 5;

/**
 * One-time sign-in codes: 8 digits, 10 minutes, single use, at most 5 guesses, stored only as an
 * HMAC (a keyed hash: 10⁸ codes are too few for a plain hash to hide them from a dump).
 */
export function signInCodes(db: Kysely<Database>, clock: Clock, keys: KeyRing) {
  const hashOf = (email: string, code: string) => keys.hmac('web/sign-in-code', `${email}\n${code}`);
  return {
    async issue(email: string): Promise<string> {
      const code = String(randomInt(0, 100_000_000)).padStart(8, '0');
      const now = clock.now();
      // A new code replaces any earlier one for the address.
      await db
        .updateTable('sign_in_codes')
        .set({ consumed_at: now.toISOString() })
        .where('email', '=', email)
        .where('consumed_at', 'is', null)
        .execute();
      await db
        .insertInto('sign_in_codes')
        .values({
          id: newId(),
          email,
          code_hash: hashOf(email, code),
          attempts: 0,
          created_at: now.toISOString(),
          expires_at: new Date(now.getTime() + CODE_TTL_MS).toISOString(),
          consumed_at: null,
        })
        .execute();
      return code;
    },
    /** True exactly once for the right code; every wrong guess counts against the code. */
    async redeem(email: string, code: string): Promise<boolean> {
      const now = clock.now().toISOString();
      const row = await db
        .selectFrom('sign_in_codes')
        .select(['id', 'code_hash', 'attempts'])
        .where('email', '=', email)
        .where('consumed_at', 'is', null)
        .where('expires_at', '>', now)
        .orderBy('created_at', 'desc')
        .executeTakeFirst();
      if (row === undefined) return false;
      if (
        row.attempts >= MAX_ATTEMPTS ||
        !/^\d{8}$/.test(code) ||
        !keys.hmacMatches('web/sign-in-code', `${email}\n${code}`, row.code_hash)
      ) {
        await db
          .updateTable('sign_in_codes')
          .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
          .where('id', '=', row.id)
          .execute();
        if (row.attempts + 1 >= MAX_ATTEMPTS)
          await db.updateTable('sign_in_codes').set({ consumed_at: now }).where('id', '=', row.id).execute();
        return false;
      }
      const claimed = await db
        .updateTable('sign_in_codes')
        .set({ consumed_at: now })
        .where('id', '=', row.id)
        .where('consumed_at', 'is', null)
        .executeTakeFirst();
      return claimed.numUpdatedRows === 1n;
    },
  };
}
