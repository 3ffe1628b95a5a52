import { findOutboxByKey, findOutboxMessage } from '../../store/mail-outbox.js';
import type { MailOutboxRow } from '../../store/mail-schema.js';
import { invalidInput, notFound } from '../errors.js';
import type { Principal } from '../principal.js';
import { auditEmail, type MailDeps } from './deps.js';

const EXPLAIN: Record<MailOutboxRow['status'], string> = {
  queued: 'Waiting for the outbox worker to send it.',
  sending: 'A worker is handing it to the mail server right now.',
  sent: 'The mail server accepted it.',
  failed: 'The last attempt failed; it will be retried automatically at next_attempt_at.',
  dead: 'Delivery gave up after the maximum number of attempts; an operator can retry it from the Outbox.',
  dry_run: 'Recorded in dry-run mode (WORKONWARD_MCP_DRY_RUN=1): it was never queued and will never be sent.',
  cancelled: 'Cancelled by an operator before it was sent.',
};

/** Said of a row that would be delivered but is held, because nothing leaves while dry-run is on. */
export const HELD_BY_DRY_RUN =
  'Held: the server now runs in dry-run mode (WORKONWARD_MCP_DRY_RUN=1), so nothing leaves, including messages queued before it was switched on. It stays here and is sent once the operator sets WORKONWARD_MCP_DRY_RUN=0 and restarts; an operator can cancel it under Settings → Outbox.';

const DELIVERABLE: ReadonlySet<MailOutboxRow['status']> = new Set(['queued', 'sending', 'failed']);

/** A row as the status tool and the Outbox page show it; `dryRun` is this server's mode now. */
export function statusView(row: MailOutboxRow, dryRun: boolean) {
  return {
    message_id: row.id,
    status: row.status,
    explanation: dryRun && DELIVERABLE.has(row.status) ? HELD_BY_DRY_RUN : EXPLAIN[row.status],
    idempotency_key: row.idempotency_key,
    recipients: JSON.parse(row.envelope_to) as string[],
    subject: row.subject,
    attempts: row.attempts,
    last_error: row.last_error,
    next_attempt_at: row.status === 'queued' || row.status === 'failed' ? row.next_attempt_at : null,
    created_at: row.created_at,
    sent_at: row.sent_at,
  };
}

/** get_send_status: by message id or by idempotency key; another tenant's id is simply not found. */
export async function sendStatus(
  deps: MailDeps,
  principal: Principal,
  query: { message_id?: string | undefined; idempotency_key?: string | undefined },
) {
  if ((query.message_id === undefined) === (query.idempotency_key === undefined))
    throw invalidInput(
      'Give exactly one of message_id or idempotency_key.',
      'Use the message_id returned by send_email, or the idempotency_key you sent it with.',
    );
  const rows =
    query.message_id !== undefined
      ? [await findOutboxMessage(deps.db, principal.tenantId, query.message_id)].filter(
          (r) => r !== undefined,
        )
      : await findOutboxByKey(deps.db, principal.tenantId, query.idempotency_key ?? '');
  await auditEmail(
    deps.db,
    deps.clock,
    principal,
    'get_send_status',
    rows.length > 0 ? 'found' : 'not_found',
    null,
    {
      message_id: query.message_id ?? null,
      idempotency_key: query.idempotency_key ?? null,
    },
  );
  if (rows.length === 0)
    throw notFound(
      query.message_id !== undefined
        ? `Message ${JSON.stringify(query.message_id)}`
        : `A send with idempotency_key ${JSON.stringify(query.idempotency_key)}`,
      deps.policy.dryRun
        ? 'The server is in dry-run mode, but nothing was recorded under this reference either; check the value, or call send_email first.'
        : 'Check the value; sends refused during validation are not recorded under their key.',
    );
  return {
    dry_run_enabled: deps.policy.dryRun,
    messages: rows.map((row) => statusView(row, deps.policy.dryRun)),
  };
}
