import type { Kysely } from 'kysely';
import type { Clock } from '../../lib/clock.js';
import { findOutboxMessage, listOutbox, transitionOutbox } from '../../store/mail-outbox.js';
import type { OutboxStatus } from '../../store/mail-schema.js';
import type { Database } from '../../store/schema.js';
import { appendAudit } from '../audit/audit-log.js';
import { DomainError, notFound } from '../errors.js';
import { statusView } from './status.js';

/** Who acts in the Outbox page or CLI (a signed-in member), for the audit log. */
export interface Operator {
  readonly tenantId: string;
  readonly userId: string | null;
}

/** The Outbox page's rows, newest first. */
export async function outboxPage(
  db: Kysely<Database>,
  tenantId: string,
  options: { status?: OutboxStatus; before?: string; limit?: number; dryRun?: boolean } = {},
) {
  const { dryRun = false, ...query } = options;
  return (await listOutbox(db, tenantId, query)).map((row) => statusView(row, dryRun));
}

async function transition(
  db: Kysely<Database>,
  clock: Clock,
  operator: Operator,
  id: string,
  action: 'cancel' | 'retry',
): Promise<void> {
  const now = clock.now().toISOString();
  const done = await db.transaction().execute(async (tx) => {
    const changed =
      action === 'cancel'
        ? await transitionOutbox(tx, operator.tenantId, id, ['queued', 'failed'], {
            status: 'cancelled',
            updated_at: now,
          })
        : await transitionOutbox(tx, operator.tenantId, id, ['failed', 'dead'], {
            status: 'queued',
            attempts: 0,
            next_attempt_at: now,
            updated_at: now,
          });
    await appendAudit(tx, clock, {
      tenantId: operator.tenantId,
      userId: operator.userId,
      clientId: null,
      action: `email.outbox_${action}`,
      decision: changed ? 'done' : 'refused',
      reason: changed ? null : 'not in a state that allows it',
      details: { message_id: id },
    });
    return changed;
  });
  if (done) return;
  // Refused: say whether the message is unknown here (another tenant's id, a typo) or only in a
  // state that does not allow the action.
  const current = await findOutboxMessage(db, operator.tenantId, id);
  if (current === undefined)
    throw notFound(
      `Outbox message ${JSON.stringify(id)}`,
      'Reload the Outbox to see this tenant’s messages.',
    );
  throw new DomainError(
    'conflict',
    action === 'cancel'
      ? `Only queued or failed (waiting to retry) messages can be cancelled; this one is ${current.status}.`
      : `Only failed or dead messages can be retried; this one is ${current.status}.`,
    'Reload the Outbox to see its current status.',
  );
}

/** Cancels a message that has not been handed to the mail server (queued or waiting to retry). */
export const cancelOutboxMessage = (db: Kysely<Database>, clock: Clock, operator: Operator, id: string) =>
  transition(db, clock, operator, id, 'cancel');

/** Puts a failed or dead message back in the queue with a fresh attempt budget. */
export const retryOutboxMessage = (db: Kysely<Database>, clock: Clock, operator: Operator, id: string) =>
  transition(db, clock, operator, id, 'retry');
