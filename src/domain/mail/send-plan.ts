import { newSecretToken } from '../../lib/ids.js';
import type { MailOutboxRow } from '../../store/mail-schema.js';
import type { Principal } from '../principal.js';
import type { SendOutcome } from './enqueue.js';
import type { CheckedMessage } from './message.js';
import type { SendRequest } from './send-request.js';

/** What one send writes and answers, decided before its transaction opens. */
export interface SendPlan {
  /** One outbox row per accepted message (`queued`, or `dry_run` for a dry run). */
  readonly rows: MailOutboxRow[];
  /** One outcome per requested message, in request order: accepted with its id, or refused with why. */
  readonly results: SendOutcome[];
}

/**
 * Turns the checked messages into outbox rows and per-message outcomes. Refused messages get no
 * row and no id; every accepted one gets a fresh `msg_` id the caller can look up later.
 */
export function planSend(
  principal: Principal,
  request: SendRequest,
  checked: readonly CheckedMessage[],
  dryRun: boolean,
  meta: { readonly nowIso: string; readonly traceParent: string | null },
): SendPlan {
  const { nowIso, traceParent } = meta;
  const rows: MailOutboxRow[] = [];
  const results: SendOutcome[] = checked.map((c, index) => {
    const subject = request.items[index]?.message.subject ?? '';
    if (!c.ok)
      return {
        index,
        status: 'refused',
        message_id: null,
        recipients: [...c.envelopeTo],
        subject,
        reason: c.problems.join(' '),
      };
    const id = `msg_${newSecretToken(16)}`;
    rows.push({
      id,
      tenant_id: principal.tenantId,
      tool: request.tool,
      idempotency_key: request.key,
      status: dryRun ? 'dry_run' : 'queued',
      user_id: principal.userId,
      client_id: principal.clientId,
      from_header: JSON.stringify(c.message.from),
      envelope_from: c.message.from.address,
      envelope_to: JSON.stringify(c.envelopeTo),
      message: JSON.stringify(c.message),
      content_hash: c.hash,
      subject,
      bid_id: request.bid?.id ?? null,
      attempts: 0,
      next_attempt_at: nowIso,
      lease_owner: null,
      lease_until: null,
      last_error: null,
      smtp_message_id: null,
      created_at: nowIso,
      updated_at: nowIso,
      sent_at: null,
      trace_parent: traceParent,
    });
    return {
      index,
      status: dryRun ? 'dry_run' : 'queued',
      message_id: id,
      recipients: [...c.envelopeTo],
      subject,
      reason: null,
    };
  });
  return { rows, results };
}
