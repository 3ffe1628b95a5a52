import type { ExpressionBuilder, Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';

type Executor = Kysely<Database> | Transaction<Database>;

export interface ClaimRequest {
  readonly tenantId: string;
  readonly tool: string;
  readonly key: string;
  readonly fingerprint: string;
  readonly claimToken: string;
  readonly now: string;
  readonly claimedUntil: string;
  readonly expiresAt: string;
}

export type ClaimOutcome =
  | { readonly kind: 'claimed' }
  | { readonly kind: 'replay'; readonly result: string }
  | { readonly kind: 'reused' }
  | { readonly kind: 'in_progress' };

type KeyRef = Pick<ClaimRequest, 'tenantId' | 'tool' | 'key'>;
type HeldClaim = KeyRef & Pick<ClaimRequest, 'claimToken'>;

/** The one row of (tenant, tool, key). */
const keyRow = (ref: KeyRef) => (eb: ExpressionBuilder<Database, 'mail_idempotency'>) =>
  eb.and([eb('tenant_id', '=', ref.tenantId), eb('tool', '=', ref.tool), eb('key', '=', ref.key)]);

/** That row while `claim` still holds it (in progress, under its token). */
const heldBy = (claim: HeldClaim) => (eb: ExpressionBuilder<Database, 'mail_idempotency'>) =>
  eb.and([keyRow(claim)(eb), eb('claim_token', '=', claim.claimToken), eb('state', '=', 'in_progress')]);

/**
 * Claims (tenant, tool, key) for one call with conditional writes only, never read-then-write:
 * an `INSERT … ON CONFLICT DO NOTHING`, else an `UPDATE … WHERE` that takes over only an expired
 * key or an abandoned claim. Whoever changes a row owns the key; everyone else reads the row to
 * learn whether to replay, conflict or retry.
 */
export async function claimIdempotencyKey(db: Executor, claim: ClaimRequest): Promise<ClaimOutcome> {
  // What a claim writes, whether it creates the row or takes over an expired or abandoned one.
  const claimed = {
    fingerprint: claim.fingerprint,
    state: 'in_progress' as const,
    claim_token: claim.claimToken,
    claimed_until: claim.claimedUntil,
    result: null,
    created_at: claim.now,
    expires_at: claim.expiresAt,
  };
  const inserted = await db
    .insertInto('mail_idempotency')
    .values({ tenant_id: claim.tenantId, tool: claim.tool, key: claim.key, ...claimed })
    .onConflict((oc) => oc.columns(['tenant_id', 'tool', 'key']).doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1) return { kind: 'claimed' };

  const takenOver = await db
    .updateTable('mail_idempotency')
    .set(claimed)
    .where(keyRow(claim))
    .where((eb) =>
      eb.or([
        eb('expires_at', '<=', claim.now),
        eb.and([eb('state', '=', 'in_progress'), eb('claimed_until', '<=', claim.now)]),
      ]),
    )
    .executeTakeFirst();
  if (Number(takenOver.numUpdatedRows) === 1) return { kind: 'claimed' };

  const row = await db
    .selectFrom('mail_idempotency')
    .select(['fingerprint', 'state', 'result'])
    .where(keyRow(claim))
    .executeTakeFirst();
  if (row === undefined) return { kind: 'in_progress' };
  if (row.fingerprint !== claim.fingerprint) return { kind: 'reused' };
  if (row.state === 'done' && row.result !== null) return { kind: 'replay', result: row.result };
  return { kind: 'in_progress' };
}

/**
 * What a live (unexpired) key holds, without claiming it: lets a caller answer a replay or refuse
 * a reused key before asking anyone to confirm a change that would not be made.
 */
export async function findIdempotencyKey(
  db: Executor,
  ref: KeyRef,
  now: string,
): Promise<{ fingerprint: string; state: string; result: string | null } | undefined> {
  return await db
    .selectFrom('mail_idempotency')
    .select(['fingerprint', 'state', 'result'])
    .where(keyRow(ref))
    .where('expires_at', '>', now)
    .executeTakeFirst();
}

/** Stores the result under the caller's claim; false when the claim was lost (then roll back). */
export async function completeIdempotencyKey(
  db: Executor,
  claim: HeldClaim,
  result: string,
): Promise<boolean> {
  const updated = await db
    .updateTable('mail_idempotency')
    .set({ state: 'done', result })
    .where(heldBy(claim))
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1;
}

/** Gives a claim back (the call was refused after claiming), so the key stays unused. */
export async function releaseIdempotencyKey(db: Executor, claim: HeldClaim): Promise<void> {
  await db.deleteFrom('mail_idempotency').where(heldBy(claim)).execute();
}

/** Forgets keys past their retention, unless a live call still holds the claim. */
export async function pruneIdempotencyKeys(db: Executor, now: string): Promise<number> {
  // Built with eb.or, never raw SQL: a raw `a or b` after `.where(...)` compiles unparenthesised,
  // and `x and a or b` once deleted every completed key whose claim window had passed.
  const deleted = await db
    .deleteFrom('mail_idempotency')
    .where('expires_at', '<=', now)
    .where((eb) => eb.or([eb('state', '=', 'done'), eb('claimed_until', '<=', now)]))
    .executeTakeFirst();
  return Number(deleted.numDeletedRows);
}
