import type { Kysely, Transaction } from 'kysely';
import type { Clock } from '../../lib/clock.js';
import type { Database } from '../../store/schema.js';
import { rateLimited } from '../errors.js';
import { type RateLimit, RateLimiter } from '../limits/rate-limiter.js';
import type { MailDeps } from './deps.js';
import type { MailPolicy } from './policy.js';

interface SendingLimit extends RateLimit {
  /** What the model should do besides waiting. */
  readonly hint: string;
}

/** The operator's sending limits (the mail policy and the mail config both carry them). */
export type SendingQuotas = Pick<MailPolicy, 'ratePerMinute' | 'quotaPerHour' | 'quotaPerDay'>;

/** A tenant's sending limits, shortest window first: rate per minute, then the quotas. */
export function sendingLimits(policy: SendingQuotas): SendingLimit[] {
  const limits: SendingLimit[] = [
    {
      name: 'mail-per-minute',
      limit: policy.ratePerMinute,
      windowMs: 60_000,
      hint: 'Wait as long as it says and call again with the same idempotency_key; do not split the send to get around the limit.',
    },
  ];
  if (policy.quotaPerHour !== undefined)
    limits.push({
      name: 'mail-per-hour',
      limit: policy.quotaPerHour,
      windowMs: 3_600_000,
      hint: 'Tell the user the email quota for the last hour is used up and when it frees up; the operator can raise WORKONWARD_MAIL_QUOTA_PER_HOUR.',
    });
  limits.push({
    name: 'mail-per-day',
    limit: policy.quotaPerDay,
    windowMs: 86_400_000,
    hint: 'Tell the user the email quota for the last 24 hours is used up and when it frees up; the operator can raise WORKONWARD_MAIL_QUOTA_PER_DAY.',
  });
  return limits;
}

/**
 * Counts `count` messages against every sending limit of the tenant inside the enqueue
 * transaction: a refusal rolls back everything the transaction wrote, and a failed commit gives
 * the units back.
 */
export async function takeSendingLimits(
  tx: Transaction<Database>,
  deps: MailDeps,
  tenantId: string,
  count: number,
): Promise<void> {
  for (const { hint, ...limit } of sendingLimits(deps.policy)) {
    const decision = await new RateLimiter(deps.db, deps.clock, limit, deps.limitObserver).take(
      tenantId,
      count,
      tx,
    );
    if (!decision.allowed)
      throw rateLimited(decision, 'queuing email for this tenant', `${hint} Nothing was sent.`);
  }
}

export interface SendingUsage {
  readonly name: string;
  readonly limit: number;
  readonly windowMs: number;
  /** Messages counted in the window now. */
  readonly used: number;
}

/** How much of each sending limit the tenant has used (the Outbox page shows it). */
export async function sendingUsage(
  db: Kysely<Database>,
  clock: Clock,
  quotas: SendingQuotas,
  tenantId: string,
): Promise<SendingUsage[]> {
  return Promise.all(
    sendingLimits(quotas).map(async ({ name, limit, windowMs }) => ({
      name,
      limit,
      windowMs,
      used: await new RateLimiter(db, clock, { name, limit, windowMs }).used(tenantId),
    })),
  );
}
