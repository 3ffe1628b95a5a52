import { type AuditEntry, appendAudits } from '../domain/audit/audit-log.js';
import { maskAddresses } from '../domain/mail/mask.js';
import { newOrderedId } from '../lib/ids.js';
import { lazilyCommitted } from '../store/lazy-commit.js';
import { type Lease, leaseOutbox, settleLeased, settleSent } from '../store/mail-outbox.js';
import type { MailOutboxRow } from '../store/mail-schema.js';
import { type OutcomeRecord, recordAndLease } from '../store/outbox-record.js';
import type { Database } from '../store/schema.js';
import type { Transaction } from 'kysely';
import type { SentMail } from './mail-sender.js';
import type { WorkerOptions } from './worker-options.js';

/** base·2^(attempt−1), capped, with ±20 % jitter so failing messages do not retry in lockstep. */
export function backoffMs(
  attempt: number,
  base: number,
  max: number,
  random: () => number = Math.random,
): number {
  const delay = Math.min(max, base * 2 ** Math.max(0, attempt - 1));
  return Math.round(delay * (0.8 + 0.4 * random()));
}

/** A round's outcome for one row; `to` is its parsed envelope, read once per attempt. */
export type Settled = { row: MailOutboxRow; to: string[] } & ({ sent: SentMail } | { error: unknown });

function permanent(error: unknown): boolean {
  const code = (error as { responseCode?: number }).responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

/**
 * Records a round's outcomes in one commit, once its last send has returned: one commit (an
 * fsync under synchronous=FULL) per round rather than per message. The window between the mail
 * server's acceptance and our record of it, where a crash causes a resend, is therefore the rest
 * of the round: bounded by the SMTP silence timeout (a quarter of the lease) and by the round's
 * size, never more messages than were in flight.
 */
export async function settleRound(options: WorkerOptions, owner: string, outcomes: Settled[]): Promise<void> {
  const { after } = await recordAndLeaseNext(options, owner, outcomes, undefined, true);
  after();
}

/**
 * Records `outcomes` (only those whose lease `owner` still holds, each with its audit entry) and,
 * given a `lease`, leases the next rows, all in one commit, lazily committed unless `durable`
 * (store/lazy-commit.ts). On PostgreSQL that is one statement (store/outbox-record.ts), so one
 * round trip; on SQLite one transaction. Returns the rows leased and what to do once committed: tell
 * the observer, alert on dead letters.
 */
export async function recordAndLeaseNext(
  options: WorkerOptions,
  owner: string,
  outcomes: readonly Settled[],
  lease: Lease | undefined,
  durable: boolean,
): Promise<{ rows: MailOutboxRow[]; after: () => void }> {
  const now = options.clock.now();
  const plans = plan(options, outcomes, now);
  const { recorded, rows } = await (options.traits.dataModifyingWith ? inOneStatement : inOneTransaction)(
    options,
    owner,
    now.toISOString(),
    plans,
    lease,
    durable,
  );
  return {
    rows,
    after: () => {
      tell(options, plans, recorded);
    },
  };
}

type Recording = (
  options: WorkerOptions,
  owner: string,
  now: string,
  plans: readonly Plan[],
  lease: Lease | undefined,
  durable: boolean,
) => Promise<{ recorded: Set<string>; rows: MailOutboxRow[] }>;

/** SQLite: the recording (recordIn) and the lease in one transaction. */
const inOneTransaction: Recording = (options, owner, now, plans, lease, durable) =>
  lazilyCommitted(options.db, options.traits, durable, async (tx) => ({
    recorded: plans.length > 0 ? await recordIn(tx, owner, now, plans, options.clock) : new Set<string>(),
    rows: lease === undefined ? [] : await leaseOutbox(tx, options.traits, lease),
  }));

/** PostgreSQL: the recording, its audit entries and the lease as one statement (outbox-record.ts). */
const inOneStatement: Recording = async (options, owner, now, plans, lease, durable) => {
  if (plans.length === 0)
    return {
      recorded: new Set(),
      rows: lease === undefined ? [] : await leaseOutbox(options.db, options.traits, lease),
    };
  // The audit entries' ids and JSON are made here only: SQLite's appendAudits makes its own.
  const records = plans.map((p) => ({
    ...p.record,
    auditId: newOrderedId(),
    details: JSON.stringify(p.details),
  }));
  return recordAndLease(options.db, owner, now, records, lease, durable);
};

/** An outcome and what recording it writes. */
interface Plan {
  readonly outcome: Settled;
  readonly record: Omit<OutcomeRecord, 'auditId' | 'details'>;
  /** The audit entry's details. */
  readonly details: Record<string, unknown>;
}

/** Each outcome's next state: sent, failed (due again after its backoff) or dead. */
function plan(options: WorkerOptions, outcomes: readonly Settled[], now: Date): Plan[] {
  return outcomes.map((outcome) => {
    const { row, to } = outcome;
    const details = { message_id: row.id, attempt: row.attempts, recipients: to };
    if ('sent' in outcome) {
      const { smtpMessageId, lastError } = deliveryRecord(outcome.sent);
      const record = {
        id: row.id,
        status: 'sent',
        lastError,
        nextAttemptAt: null,
        smtpMessageId,
      } as const;
      return { outcome, record, details };
    }
    const lastError = (outcome.error as Error).message.slice(0, 500);
    const dead = row.attempts >= options.maxAttempts || permanent(outcome.error);
    const retryAt =
      now.getTime() + backoffMs(row.attempts, options.retryBaseMs, options.retryMaxMs, options.random);
    const record = {
      id: row.id,
      status: dead ? 'dead' : 'failed',
      lastError,
      nextAttemptAt: dead ? null : new Date(retryAt).toISOString(),
      smtpMessageId: null,
    } as const;
    return { outcome, record, details };
  });
}

/**
 * Writes `plans` inside `tx` (SQLite): delivered rows in one UPDATE, failed ones one by one, and
 * the audit entries of those this owner still held. Returns the ids recorded.
 */
async function recordIn(
  tx: Transaction<Database>,
  owner: string,
  now: string,
  plans: readonly Plan[],
  clock: WorkerOptions['clock'],
): Promise<Set<string>> {
  const delivered = plans.flatMap(({ record }) =>
    record.status === 'sent' ? [{ ...record, smtpMessageId: record.smtpMessageId ?? '' }] : [],
  );
  const recorded = await settleSent(tx, owner, delivered, now);
  for (const { record } of plans) {
    if (record.status === 'sent') continue;
    const change = {
      status: record.status,
      last_error: record.lastError,
      ...(record.nextAttemptAt !== null && { next_attempt_at: record.nextAttemptAt }),
      updated_at: now,
    };
    if (await settleLeased(tx, record.id, owner, change)) recorded.add(record.id);
  }
  const audits: AuditEntry[] = plans
    .filter(({ record }) => recorded.has(record.id))
    .map(({ outcome, record, details }) => ({
      tenantId: outcome.row.tenant_id,
      userId: null,
      clientId: null,
      action: 'email.delivery',
      decision: record.status,
      reason: record.lastError,
      details,
    }));
  await appendAudits(tx, clock, audits);
  return recorded;
}

/** After the commit: the observer's counts, and one alert per dead letter. */
function tell(options: WorkerOptions, plans: readonly Plan[], recorded: ReadonlySet<string>): void {
  const counts = { sent: 0, retried: 0, dead: 0 };
  for (const { outcome, record } of plans) {
    if (!recorded.has(record.id)) continue;
    if (record.status === 'sent') counts.sent += 1;
    else if (record.status === 'failed') counts.retried += 1;
    else {
      counts.dead += 1;
      alertDeadLetter(options, outcome.row, outcome.to, record.lastError ?? '');
    }
  }
  options.observer?.settled(counts);
}

/** What a delivery leaves on its row: the server's Message-ID, and any recipients it refused. */
function deliveryRecord(sent: SentMail): { smtpMessageId: string; lastError: string | null } {
  return {
    smtpMessageId: sent.messageId,
    lastError: sent.rejected.length > 0 ? `rejected by the server: ${sent.rejected.join(', ')}` : null,
  };
}

/**
 * A message that will never be retried is an operator's problem: one error-level line (what log
 * alerting watches) per dead letter, addresses masked, saying where to act.
 */
export function alertDeadLetter(
  options: Pick<WorkerOptions, 'logger'>,
  row: Pick<MailOutboxRow, 'id' | 'tenant_id' | 'attempts'>,
  to: readonly string[],
  reason: string,
): void {
  options.logger.error(
    {
      messageId: row.id,
      tenantId: row.tenant_id,
      attempt: row.attempts,
      to: maskAddresses(to),
      reason,
    },
    'email dead-lettered: it will not be retried automatically; retry or cancel it under Settings → Outbox',
  );
}
