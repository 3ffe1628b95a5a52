import { createHash } from 'node:crypto';
import { newSecretToken } from '../../lib/ids.js';
import { claimIdempotencyKey, releaseIdempotencyKey } from '../../store/mail-idempotency.js';
import { DomainError, invalidInput } from '../errors.js';
import type { Principal } from '../principal.js';
import { ALLOWLIST_HOWTO } from './allowlist.js';
import { auditEmail, type MailDeps } from './deps.js';
import { enqueueChecked, type SendOutcome, type SendResult } from './enqueue.js';
import { checkMessage, type CheckedMessage } from './message.js';
import type { SendItem, SendRequest } from './send-request.js';
import { senderFor } from './policy.js';
import { bodyHash, previewHash } from './preview.js';

export type { SendItem, SendRequest, SendTool } from './send-request.js';
export type { SendOutcome, SendResult };

/** Default time one call holds an idempotency claim before another call may take it over. */
export const CLAIM_MS = 60_000;
const KEY = /^[\x20-\x7e]{1,255}$/;

export function checkIdempotencyKey(key: string): void {
  if (!KEY.test(key) || key.trim() === '')
    throw invalidInput(
      'idempotency_key must be 1–255 printable ASCII characters and not blank.',
      'Pass one key per intended email (for example "bid-123-followup-2026-11-21") and reuse the SAME key when retrying that email.',
    );
}

async function checkItem(deps: MailDeps, principal: Principal, item: SendItem): Promise<CheckedMessage> {
  const checked = checkMessage(
    item.message,
    senderFor(deps.policy, principal.tenantSlug),
    deps.policy.allowlist,
  );
  if (item.previewId === undefined) return checked;
  const bound = await previewHash(deps, principal, item.previewId);
  const problem =
    bound === undefined
      ? 'preview_id is unknown or expired (previews last one hour); call preview_send again.'
      : bound !== checked.hash
        ? 'preview_mismatch: this message differs from the one previewed under preview_id (recipients, subject or body changed); send exactly what was previewed, or preview the new version.'
        : undefined;
  return problem === undefined
    ? checked
    : { ...checked, ok: false, problems: [...checked.problems, problem] };
}

function refusalHint(deps: MailDeps): string {
  if (deps.policy.allowlist.source === undefined) return ALLOWLIST_HOWTO;
  return 'Fix the listed problems (validate_recipients checks addresses, preview_send the whole message) and call again with the same idempotency_key; nothing was sent or recorded under it.';
}

/**
 * send_email / send_batch_email. Validation failures are refused (audited, never recorded under
 * the key). Dry-run records `dry_run` rows and consumes no key. Otherwise the key is claimed,
 * then one transaction writes the outbox rows, the bid note, the audit entry and the stored result.
 */
export async function sendMessages(
  deps: MailDeps,
  principal: Principal,
  request: SendRequest,
): Promise<SendResult> {
  checkIdempotencyKey(request.key);
  const checked = await Promise.all(request.items.map((item) => checkItem(deps, principal, item)));
  const accepted = checked.filter((c) => c.ok);
  const audit = (decision: string, reason: string | null, extra: Record<string, unknown> = {}) =>
    auditEmail(deps.db, deps.clock, principal, request.tool, decision, reason, {
      idempotency_key: request.key,
      dry_run: deps.policy.dryRun,
      messages: checked.map((c, i) => ({
        recipients: c.envelopeTo,
        requested: c.recipients.map((r) => r.canonical ?? r.input),
        subject: request.items[i]?.message.subject,
        body_hash: bodyHash(request.items[i]?.message.text ?? '', request.items[i]?.message.html ?? null),
        problems: c.problems,
      })),
      ...extra,
    });
  if (accepted.length === 0 || (request.tool === 'send_email' && accepted.length < checked.length)) {
    const problems = checked.flatMap((c, i) =>
      c.problems.map((p) => (checked.length > 1 ? `Message ${i + 1}: ${p}` : p)),
    );
    await audit('refused', problems.join(' '));
    throw new DomainError('invalid_input', `Nothing was sent. ${problems.join(' ')}`, refusalHint(deps));
  }
  if (deps.policy.dryRun) return enqueueChecked(deps, principal, request, checked, { dryRun: true });

  const fingerprint = createHash('sha256')
    .update(
      JSON.stringify([
        request.tool,
        checked.map((c, i) => [c.hash, request.items[i]?.previewId ?? null]),
        request.bid?.id ?? null,
      ]),
    )
    .digest('hex');
  const now = deps.clock.now();
  const claim = {
    tenantId: principal.tenantId,
    tool: request.tool,
    key: request.key,
    fingerprint,
    claimToken: newSecretToken(16),
    now: now.toISOString(),
    claimedUntil: new Date(now.getTime() + (deps.policy.claimMs ?? CLAIM_MS)).toISOString(),
    expiresAt: new Date(now.getTime() + deps.policy.idempotencyMs).toISOString(),
  };
  const outcome = await claimIdempotencyKey(deps.db, claim);
  if (outcome.kind === 'replay') {
    await audit('replayed', null);
    return { ...(JSON.parse(outcome.result) as SendResult), replayed: true };
  }
  if (outcome.kind === 'reused') {
    await audit('refused', 'idempotency_key_reused');
    throw new DomainError(
      'conflict',
      `idempotency_key_reused: the key ${JSON.stringify(request.key)} was already used for a different email in the last ${deps.policy.idempotencyMs / 3_600_000} hours. Nothing was sent.`,
      'If you meant to retry that earlier email, call again with exactly the same arguments. If this is a genuinely new email the user asked for, choose a key that describes it (a key names one intended email, not one attempt).',
    );
  }
  if (outcome.kind === 'in_progress') {
    await audit('refused', 'idempotency_in_progress');
    throw new DomainError(
      'conflict',
      `idempotency_in_progress: another call with the key ${JSON.stringify(request.key)} is still being processed. Nothing new was sent.`,
      'Wait a few seconds and call again with the same key and arguments (you will get that call’s result), or call get_send_status with this idempotency_key.',
    );
  }
  try {
    return await enqueueChecked(deps, principal, request, checked, { dryRun: false, claim });
  } catch (error) {
    await releaseIdempotencyKey(deps.db, claim);
    if (error instanceof DomainError) await audit('refused', error.message);
    throw error;
  }
}
