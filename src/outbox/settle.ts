import { type AuditEntry, appendAudits } from '../domain/audit/audit-log.js';
import { maskAddresses } from '../domain/mail/mask.js';
import { settleLeased, settleSent } from '../store/mail-outbox.js';
import type { MailOutboxRow } from '../store/mail-schema.js';
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
 * Records a round's outcomes in one transaction, once its last send has returned: one commit (an
 * fsync under synchronous=FULL) per round rather than per message. The window between the mail
 * server's acceptance and our record of it, where a crash causes a resend, is therefore the rest
 * of the round: bounded by the SMTP silence timeout (a quarter of the lease) and by the round's
 * size, never more messages than were in flight.
 */
export async function settleRound(options: WorkerOptions, owner: string, outcomes: Settled[]): Promise<void> {
  const after = await options.db.transaction().execute((tx) => settleIn(tx, options, owner, outcomes));
  after();
}

/**
 * Writes `outcomes` inside `tx` (the caller's transaction, which may also lease the next rows)
 * and returns what to do once it has committed: tell the observer, alert on dead letters.
 */
export async function settleIn(
  tx: Transaction<Database>,
  options: WorkerOptions,
  owner: string,
  outcomes: readonly Settled[],
): Promise<() => void> {
  const now = options.clock.now();
  const nowIso = now.toISOString();
  const deadLettered: { outcome: Settled; reason: string }[] = [];
  let retried = 0;
  const audits: AuditEntry[] = [];
  const audit = ({ row, to }: Settled, decision: string, reason: string | null) =>
    audits.push({
      tenantId: row.tenant_id,
      userId: null,
      clientId: null,
      action: 'email.delivery',
      decision,
      reason,
      details: { message_id: row.id, attempt: row.attempts, recipients: to },
    });

  // Delivered rows, the common case: one UPDATE for the whole batch.
  const delivered = outcomes.flatMap((outcome) =>
    'sent' in outcome ? [{ outcome, id: outcome.row.id, ...deliveryRecord(outcome.sent) }] : [],
  );
  const settled = await settleSent(tx, owner, delivered, nowIso);
  for (const d of delivered) if (settled.has(d.id)) audit(d.outcome, 'sent', d.lastError);
  const sent = settled.size;

  // Failed attempts, one by one: each gets its own retry time, or is dead-lettered.
  for (const outcome of outcomes) {
    if (!('error' in outcome)) continue;
    const { row } = outcome;
    const reason = (outcome.error as Error).message.slice(0, 500);
    const dead = row.attempts >= options.maxAttempts || permanent(outcome.error);
    const retryAt = new Date(
      now.getTime() + backoffMs(row.attempts, options.retryBaseMs, options.retryMaxMs, options.random),
    );
    const change = dead
      ? { status: 'dead' as const, last_error: reason, updated_at: nowIso }
      : {
          status: 'failed' as const,
          last_error: reason,
          next_attempt_at: retryAt.toISOString(),
          updated_at: nowIso,
        };
    if (!(await settleLeased(tx, row.id, owner, change))) continue;
    if (dead) deadLettered.push({ outcome, reason });
    else retried += 1;
    audit(outcome, change.status, reason);
  }
  await appendAudits(tx, options.clock, audits);
  return () => {
    options.observer?.settled({ sent, retried, dead: deadLettered.length });
    for (const { outcome, reason } of deadLettered) alertDeadLetter(options, outcome.row, outcome.to, reason);
  };
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
