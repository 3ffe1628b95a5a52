import { appendAudit } from '../domain/audit/audit-log.js';
import { maskAddresses } from '../domain/mail/mask.js';
import type { CanonicalMessage } from '../domain/mail/message.js';
import { expiredFinalLeases, leaseOutbox } from '../store/mail-outbox.js';
import type { MailOutboxRow } from '../store/mail-schema.js';
import { NO_TRACING } from '../observability/tracing.js';
import { outgoingMail } from './outgoing.js';
import { alertDeadLetter, type Settled, settleRound } from './settle.js';

export { backoffMs } from './settle.js';

/**
 * Rows recorded (and leased) per transaction; the worker keeps `lanes ×` this many in flight, so
 * with the defaults at most 16 messages are out,
 * which also bounds how many one crash can cause to be sent twice (see docs/email.md).
 */
export const DEFAULT_BATCH = 8;

import type { WorkerOptions } from './worker-options.js';

export type { WorkerOptions };

export interface OutboxWorker {
  /** Wakes an idle worker now (called after something was queued). */
  kick(): void;
  /** Stops leasing, waits for the sends out and records them, then resolves. */
  stop(): Promise<void>;
}

/** Dead-letters rows whose worker died during their last allowed attempt. */
export async function buryAbandoned(options: WorkerOptions): Promise<void> {
  const nowIso = options.clock.now().toISOString();
  for (const row of await expiredFinalLeases(options.db, nowIso, options.maxAttempts)) {
    const buried = await options.db.transaction().execute(async (tx) => {
      const changed = await tx
        .updateTable('mail_outbox')
        .set({
          status: 'dead',
          last_error: 'worker stopped during the last attempt',
          lease_owner: null,
          lease_until: null,
          updated_at: nowIso,
        })
        .where('id', '=', row.id)
        .where('status', '=', 'sending')
        .where('lease_until', '<=', nowIso)
        .executeTakeFirst();
      if (Number(changed.numUpdatedRows) !== 1) return false;
      await appendAudit(tx, options.clock, {
        tenantId: row.tenant_id,
        userId: null,
        clientId: null,
        action: 'email.delivery',
        decision: 'dead',
        reason: 'worker stopped during the last attempt',
        details: { message_id: row.id, attempt: row.attempts },
      });
      return true;
    });
    if (buried)
      alertDeadLetter(
        options,
        row,
        JSON.parse(row.envelope_to) as string[],
        'worker stopped during the last attempt',
      );
  }
}

/** One round: lease due rows, send them concurrently, record every outcome. Returns rows leased. */
export async function deliverOnce(options: WorkerOptions, owner: string): Promise<number> {
  if (options.dryRun) return 0;
  const now = options.clock.now();
  const rows = await leaseOutbox(options.db, options.traits, {
    owner,
    now: now.toISOString(),
    until: new Date(now.getTime() + (options.leaseMs ?? 120_000)).toISOString(),
    limit: options.batch ?? DEFAULT_BATCH,
    maxAttempts: options.maxAttempts,
  });
  if (rows.length === 0) {
    await buryAbandoned(options);
    return 0;
  }
  const deliver = async () => {
    await settleRound(options, owner, await sendAll(options, rows));
  };
  await (options.tracing ?? NO_TRACING).span(
    'outbox deliver',
    { 'outbox.messages': rows.length },
    deliver,
    sendLinks(rows),
  );
  return rows.length;
}

/** The delivery span's links: to each send's span (its request's trace) that queued these rows. */
export function sendLinks(rows: readonly MailOutboxRow[]): { links: string[] } {
  return { links: rows.flatMap((row) => (row.trace_parent === null ? [] : [row.trace_parent])) };
}

/** Hands one leased row to the sender; the outcome is kept, never thrown. */
export async function sendOne(options: WorkerOptions, row: MailOutboxRow): Promise<Settled> {
  const to = JSON.parse(row.envelope_to) as string[];
  try {
    const message = JSON.parse(row.message) as CanonicalMessage;
    return { row, to, sent: await options.sender.send(outgoingMail(message, to, row.id)) };
  } catch (error) {
    options.logger.warn(
      { messageId: row.id, attempt: row.attempts, to: maskAddresses(to), err: (error as Error).message },
      'email delivery attempt failed',
    );
    return { row, to, error };
  }
}

/** Hands every leased row to the sender at once. */
function sendAll(options: WorkerOptions, rows: readonly MailOutboxRow[]): Promise<Settled[]> {
  return Promise.all(rows.map((row) => sendOne(options, row)));
}
