import { newId } from '../../lib/ids.js';
import type { Principal } from '../principal.js';
import type { SendOutcome } from './enqueue.js';
import { bodyHash } from './preview.js';
import type { SendRequest } from './send-request.js';

/** The bid's follow-up notes: one per queued message, from the results (the rows hold the same, as JSON). */
export function bidNotes(
  principal: Principal,
  request: SendRequest,
  results: readonly SendOutcome[],
  nowIso: string,
) {
  return results
    .filter((r) => r.message_id !== null)
    .map((r) => ({
      id: newId(),
      tenant_id: principal.tenantId,
      bid_id: request.bid?.id ?? '',
      author_user_id: principal.userId,
      body: `Follow-up email queued to ${r.recipients.join(', ')}: "${r.subject}" (message ${r.message_id ?? ''}).`,
      created_at: nowIso,
    }));
}

/**
 * The audit entry's details: every message with its outcome and a hash of its body (never the
 * body itself), so the log shows what was asked without holding the mail.
 */
export function sendAuditDetails(request: SendRequest, results: readonly SendOutcome[], dryRun: boolean) {
  return {
    idempotency_key: request.key,
    dry_run: dryRun,
    bid: request.bid?.label ?? null,
    messages: results.map((r) => ({
      message_id: r.message_id,
      status: r.status,
      recipients: r.recipients,
      subject: r.subject,
      body_hash: bodyHash(
        request.items[r.index]?.message.text ?? '',
        request.items[r.index]?.message.html ?? null,
      ),
      reason: r.reason,
    })),
  };
}
