import { type Kysely, sql } from 'kysely';
import { newId } from '../lib/ids.js';
import type { DialectTraits } from './open-store.js';
import { rowLimit } from './row-limit.js';
import type { SignInMailRow } from './oauth-schema.js';
import type { Database } from './schema.js';

/** The durable queue of sign-in code mail (migration 0011): rows hold the address, never a code. */
export function signInMailQueue(db: Kysely<Database>, traits: Pick<DialectTraits, 'skipLocked'>) {
  return {
    /** One row per `POST /login`, the same insert whoever asks (the answer must not tell). */
    async enqueue(email: string, refused: 'limited' | undefined, now: Date): Promise<void> {
      const at = now.toISOString();
      await db
        .insertInto('sign_in_mail')
        .values({
          id: newId(),
          email,
          refused: refused ?? null,
          status: 'queued',
          attempts: 0,
          next_attempt_at: at,
          lease_owner: null,
          lease_until: null,
          last_error: null,
          created_at: at,
          updated_at: at,
        })
        .execute();
    },

    /** Leases due rows (new, to retry, or whose worker died mid-send) for `owner` until `until`. */
    lease(owner: string, now: Date, until: Date, limit: number): Promise<SignInMailRow[]> {
      const at = now.toISOString();
      let due = db
        .selectFrom('sign_in_mail')
        .select('id')
        .where((eb) =>
          eb.or([
            eb.and([eb('status', 'in', ['queued', 'failed']), eb('next_attempt_at', '<=', at)]),
            eb.and([eb('status', '=', 'sending'), eb('lease_until', '<=', at)]),
          ]),
        )
        .orderBy('next_attempt_at')
        .limit(rowLimit(limit));
      if (traits.skipLocked) due = due.forUpdate().skipLocked();
      return db
        .updateTable('sign_in_mail')
        .set({
          status: 'sending',
          lease_owner: owner,
          lease_until: until.toISOString(),
          attempts: sql<number>`attempts + 1`,
          updated_at: at,
        })
        .where('id', 'in', due)
        .returningAll()
        .execute();
    },

    /** The outcome is final (mailed, refused, or given up): the address is not kept. */
    async finish(row: SignInMailRow, owner: string): Promise<void> {
      await db.deleteFrom('sign_in_mail').where('id', '=', row.id).where('lease_owner', '=', owner).execute();
    },

    /** Tries again at `next`; `error` is the mail server's answer (no address, no code). */
    async retry(row: SignInMailRow, owner: string, next: Date, error: string, now: Date): Promise<void> {
      await db
        .updateTable('sign_in_mail')
        .set({
          status: 'failed',
          next_attempt_at: next.toISOString(),
          lease_owner: null,
          lease_until: null,
          last_error: error,
          updated_at: now.toISOString(),
        })
        .where('id', '=', row.id)
        .where('lease_owner', '=', owner)
        .execute();
    },
  };
}

export type SignInMailQueue = ReturnType<typeof signInMailQueue>;
