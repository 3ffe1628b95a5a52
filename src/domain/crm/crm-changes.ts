import type { Kysely } from 'kysely';
import type { Clock } from '../../lib/clock.js';
import { newSecretToken } from '../../lib/ids.js';
import {
  claimIdempotencyKey,
  completeIdempotencyKey,
  findIdempotencyKey,
} from '../../store/mail-idempotency.js';
import type { Database } from '../../store/schema.js';
import type { Principal } from '../principal.js';
import type { ProposedChange } from './change-proposal.js';
import { auditCrmChange } from './crm-change-audit.js';
import { crmChangeErrors } from './crm-change-errors.js';
import { writeChange } from './write-change.js';

/** How a person said yes: a change_id shown with the change, or the client's own confirmation UI. */
export type ConfirmedVia = 'change_id' | 'elicitation' | 'input_required';

/** What a write tool returns once a change was made (stored under the key, replayed as is). */
export interface AppliedChange {
  readonly outcome: 'applied';
  readonly applied_at: string;
  readonly confirmed_via: ConfirmedVia;
}

export interface CrmChangeDeps {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  /** How long an idempotency key is remembered (the mail tools' window, one setting). */
  readonly keyRetentionMs: number;
}

/** A claim held longer than this is abandoned (the process died mid-change) and may be taken over. */
const CLAIM_MS = 60_000;

/**
 * The CRM changes of one principal's tenant: what an idempotency key already holds, making a
 * confirmed change (key, change, audit entry and stored result in ONE transaction), and the audit
 * entries of changes proposed, declined and refused.
 */
export function crmChangeService(deps: CrmChangeDeps, principal: Principal) {
  const keyRef = (change: ProposedChange, key: string) => ({
    tenantId: principal.tenantId,
    tool: change.tool,
    key,
  });
  const audit = (
    db: Parameters<typeof auditCrmChange>[0],
    change: ProposedChange,
    decision: string,
    reason: string | null,
    extra: Record<string, unknown> = {},
  ) => auditCrmChange(db, deps.clock, principal, { change, decision, reason, extra });

  return {
    audit: (
      change: ProposedChange,
      decision: string,
      reason: string | null,
      extra?: Record<string, unknown>,
    ) => audit(deps.db, change, decision, reason, extra),

    /** A replay of a change already made under `key`, or a refusal when `key` named another change. */
    async earlier(change: ProposedChange, key: string): Promise<AppliedChange | undefined> {
      const row = await findIdempotencyKey(deps.db, keyRef(change, key), deps.clock.now().toISOString());
      if (row === undefined) return undefined;
      if (row.fingerprint !== change.fingerprint) {
        await audit(deps.db, change, 'refused', 'idempotency_key_reused', { idempotency_key: key });
        throw crmChangeErrors.reusedKey(key);
      }
      if (row.state !== 'done' || row.result === null) return undefined;
      await audit(deps.db, change, 'replayed', null, { idempotency_key: key });
      return JSON.parse(row.result) as AppliedChange;
    },

    /** Makes a confirmed change. Throws `conflict` when the record moved on since it was shown. */
    async apply(
      change: ProposedChange,
      key: string,
      via: ConfirmedVia,
    ): Promise<AppliedChange & { replayed: boolean }> {
      const now = deps.clock.now();
      const at = now.toISOString();
      const claim = {
        ...keyRef(change, key),
        fingerprint: change.fingerprint,
        claimToken: newSecretToken(16),
        now: at,
        claimedUntil: new Date(now.getTime() + CLAIM_MS).toISOString(),
        expiresAt: new Date(now.getTime() + deps.keyRetentionMs).toISOString(),
      };
      const result: AppliedChange = { outcome: 'applied', applied_at: at, confirmed_via: via };
      return await deps.db.transaction().execute(async (tx) => {
        const outcome = await claimIdempotencyKey(tx, claim);
        if (outcome.kind === 'replay')
          return { ...(JSON.parse(outcome.result) as AppliedChange), replayed: true };
        if (outcome.kind === 'reused') throw crmChangeErrors.reusedKey(key);
        if (outcome.kind === 'in_progress') throw crmChangeErrors.inProgress(key);
        if (!(await writeChange(tx, principal, change, at)))
          throw crmChangeErrors.changedMeanwhile(change.target.label, change.from);
        await audit(tx, change, 'applied', null, { idempotency_key: key, confirmed_via: via });
        if (!(await completeIdempotencyKey(tx, claim, JSON.stringify(result))))
          throw crmChangeErrors.claimTakenOver();
        return { ...result, replayed: false };
      });
    },
  };
}

export type CrmChangeService = ReturnType<typeof crmChangeService>;
