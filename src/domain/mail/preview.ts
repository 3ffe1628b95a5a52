import { createHash } from 'node:crypto';
import { newSecretToken } from '../../lib/ids.js';
import type { Principal } from '../principal.js';
import { auditEmail, type MailDeps } from './deps.js';
import { checkMessage, type MessageInput } from './message.js';
import { senderFor } from './policy.js';
import { checkRecipient, type RecipientInput } from './recipients.js';

export const PREVIEW_TTL_MS = 3_600_000;

export const bodyHash = (text: string, html: string | null) =>
  createHash('sha256')
    .update(JSON.stringify([text, html]))
    .digest('hex');

/** validate_recipients: each entry's canonical address, whether it may receive mail, and why not. */
export async function validateRecipients(
  deps: MailDeps,
  principal: Principal,
  entries: readonly RecipientInput[],
) {
  const recipients = entries.map((entry) => checkRecipient(entry, deps.policy.allowlist));
  await auditEmail(deps.db, deps.clock, principal, 'validate_recipients', 'checked', null, {
    recipients: recipients.map((r) => ({ input: r.input, canonical: r.canonical, allowed: r.allowed })),
  });
  return {
    recipients,
    all_allowed: recipients.every((r) => r.allowed),
    allowlist_configured: deps.policy.allowlist.source !== undefined,
    dry_run: deps.policy.dryRun,
  };
}

/**
 * preview_send: the exact message, its envelope, every blocked recipient with the reason, and a
 * preview_id bound to the SHA-256 of the canonical message (stored, so send_email can verify it).
 */
export async function previewMessage(deps: MailDeps, principal: Principal, input: MessageInput) {
  const checked = checkMessage(input, senderFor(deps.policy, principal.tenantSlug), deps.policy.allowlist);
  const now = deps.clock.now();
  const previewId = checked.ok ? `pv_${newSecretToken(16)}` : null;
  const headers = await deps.renderHeaders(checked.message, checked.envelopeTo);
  await deps.db.transaction().execute(async (tx) => {
    if (previewId !== null) {
      await tx
        .insertInto('mail_previews')
        .values({
          id: previewId,
          tenant_id: principal.tenantId,
          content_hash: checked.hash,
          created_at: now.toISOString(),
          expires_at: new Date(now.getTime() + PREVIEW_TTL_MS).toISOString(),
        })
        .execute();
    }
    await auditEmail(
      tx,
      deps.clock,
      principal,
      'preview_send',
      checked.ok ? 'previewed' : 'blocked',
      checked.problems.join(' ') || null,
      {
        recipients: checked.envelopeTo,
        blocked: checked.recipients.filter((r) => !r.allowed).map((r) => r.input),
        subject: input.subject,
        body_hash: bodyHash(input.text, input.html ?? null),
        content_hash: checked.hash,
        preview_id: previewId,
        dry_run: deps.policy.dryRun,
      },
    );
  });
  return {
    sendable: checked.ok,
    preview_id: previewId,
    content_hash: checked.hash,
    dry_run: deps.policy.dryRun,
    message: { ...checked.message, to: [...checked.message.to], cc: [...checked.message.cc] },
    headers,
    envelope: { from: checked.message.from.address, to: [...checked.envelopeTo] },
    recipients: [...checked.recipients],
    problems: [...checked.problems],
  };
}

/** The hash a preview was bound to, if the preview exists in this tenant and has not expired. */
export async function previewHash(deps: MailDeps, principal: Principal, previewId: string) {
  const row = await deps.db
    .selectFrom('mail_previews')
    .select(['content_hash', 'expires_at'])
    .where('tenant_id', '=', principal.tenantId)
    .where('id', '=', previewId)
    .executeTakeFirst();
  return row === undefined || row.expires_at <= deps.clock.now().toISOString() ? undefined : row.content_hash;
}
