import { invalidInput } from '../../domain/errors.js';
import type { RecipientAllowlist } from '../../domain/mail/allowlist.js';
import type { MessageInput } from '../../domain/mail/message.js';
import { checkRecipient } from '../../domain/mail/recipients.js';
import type { SendItem } from '../../domain/mail/send.js';
import type { PreviewResult, SendResult, ValidationResult } from '../mail-port.js';

type Verdict = ValidationResult['recipients'][number];

const NOT_ON_FRONT =
  "is not on this server's own recipient allowlist (WORKONWARD_MCP_RECIPIENT_ALLOWLIST), which narrows the backend's.";

/**
 * A front's own `WORKONWARD_MCP_RECIPIENT_ALLOWLIST` narrows what its backend allows (both must
 * allow an address). Unset on the front, the backend's allowlist alone decides.
 */
export function narrowVerdicts(allowlist: RecipientAllowlist, verdicts: readonly Verdict[]): Verdict[] {
  if (allowlist.source === undefined) return [...verdicts];
  return verdicts.map((v) =>
    v.allowed && v.canonical !== null && !allowlist.allows(v.canonical)
      ? { ...v, allowed: false, reason: `${v.canonical} ${NOT_ON_FRONT}` }
      : v,
  );
}

export function narrowValidation(allowlist: RecipientAllowlist, result: ValidationResult): ValidationResult {
  const recipients = narrowVerdicts(allowlist, result.recipients);
  return { ...result, recipients, all_allowed: recipients.every((r) => r.allowed) };
}

export function narrowPreview(allowlist: RecipientAllowlist, result: PreviewResult): PreviewResult {
  const recipients = narrowVerdicts(allowlist, result.recipients);
  const blocked = recipients.filter((r, i) => !r.allowed && result.recipients[i]?.allowed === true);
  if (blocked.length === 0) return result;
  return {
    ...result,
    recipients,
    sendable: false,
    preview_id: null,
    problems: [...result.problems, ...blocked.map((r) => r.reason ?? '')],
  };
}

/** Why the front's allowlist refuses `message` (a recipient it does not allow), or undefined. */
export function offFrontReason(allowlist: RecipientAllowlist, message: MessageInput): string | undefined {
  if (allowlist.source === undefined) return undefined;
  const blocked = [...message.to, ...(message.cc ?? [])]
    .map((entry) => checkRecipient(entry, allowlist))
    .filter((verdict) => verdict.canonical !== null && !verdict.allowed);
  return blocked.length === 0
    ? undefined
    : `Refused: ${blocked.map((v) => v.canonical ?? v.input).join(', ')} ${NOT_ON_FRONT} Nothing was sent.`;
}

/** send_email: refuses, before the backend is asked, a message with a recipient the front does not allow. */
export function refuseOffFront(allowlist: RecipientAllowlist, message: MessageInput): void {
  const reason = offFrontReason(allowlist, message);
  if (reason !== undefined)
    throw invalidInput(
      reason,
      'Remove that recipient, or ask the operator to widen WORKONWARD_MCP_RECIPIENT_ALLOWLIST; validate_recipients shows what is allowed.',
    );
}

/**
 * send_batch_email: messages the front refuses are answered here as `refused` (as the backend
 * answers its own refusals) and only the others are sent; indices are the caller's. The split is
 * the same on every retry, so a retry with the same key replays the backend's part.
 */
export async function sendBatchNarrowed(
  allowlist: RecipientAllowlist,
  items: readonly SendItem[],
  send: (kept: readonly SendItem[]) => Promise<SendResult>,
): Promise<SendResult> {
  const reasons = items.map((item) => offFrontReason(allowlist, item.message));
  const kept = items.filter((_, index) => reasons[index] === undefined);
  if (kept.length === items.length) return send(items);
  const keptIndex = items.map((_, index) => index).filter((index) => reasons[index] === undefined);
  const remote = kept.length === 0 ? undefined : await send(kept);
  const results = items.map((item, index): SendResult['results'][number] => {
    const reason = reasons[index];
    if (reason === undefined) {
      const answered = remote?.results.find((r) => keptIndex[r.index] === index);
      if (answered !== undefined) return { ...answered, index };
    }
    return {
      index,
      status: 'refused',
      message_id: null,
      recipients: [],
      subject: item.message.subject,
      reason: reason ?? 'not answered by the backend',
    };
  });
  return {
    idempotency_key: remote?.idempotency_key ?? '',
    dry_run: remote?.dry_run ?? false,
    replayed: remote?.replayed ?? false,
    queued_count: results.filter((r) => r.status === 'queued').length,
    refused_count: results.filter((r) => r.status === 'refused').length,
    results,
    note: remote?.note ?? 'Nothing was sent: every message was refused.',
  };
}
