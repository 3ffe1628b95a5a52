import { newId, newSecretToken } from '../../lib/ids.js';
import { completeIdempotencyKey, type ClaimRequest } from '../../store/mail-idempotency.js';
import { insertOutbox } from '../../store/mail-outbox.js';
import type { MailOutboxRow } from '../../store/mail-schema.js';
import { DomainError } from '../errors.js';
import type { Principal } from '../principal.js';
import { auditEmail, type MailDeps } from './deps.js';
import { maskAddresses } from './mask.js';
import type { CheckedMessage } from './message.js';
import { bodyHash } from './preview.js';
import { takeSendingLimits } from './sending-limits.js';
import type { SendRequest } from './send-request.js';

export interface SendOutcome {
  readonly index: number;
  readonly status: 'queued' | 'dry_run' | 'refused';
  readonly message_id: string | null;
  readonly recipients: string[];
  readonly subject: string;
  readonly reason: string | null;
}

export interface SendResult {
  readonly idempotency_key: string;
  readonly dry_run: boolean;
  readonly replayed: boolean;
  readonly queued_count: number;
  readonly refused_count: number;
  readonly results: SendOutcome[];
  readonly note: string;
}

export const DRY_RUN_NOTE =
  'DRY RUN: nothing was queued and nothing will be sent, because the server runs with WORKONWARD_MCP_DRY_RUN=1. The message was fully checked and recorded in the audit log. The operator must set WORKONWARD_MCP_DRY_RUN=0 and restart for real sends; the same idempotency_key will then send for real (dry runs do not use up keys).';
const QUEUED_NOTE =
  'Queued for delivery: the outbox worker sends it shortly (retrying on failure). Call get_send_status with the message_id or idempotency_key to see when it is sent. Repeating this call with the same idempotency_key and arguments returns this result again and sends nothing more.';

/**
 * Writes the accepted messages in ONE transaction: rate-limit counts, outbox rows (or `dry_run`
 * rows), the bid note, the audit entry and, for real sends, the stored idempotency result under
 * the caller's claim. Either all of it commits or none of it does.
 */
export async function enqueueChecked(
  deps: MailDeps,
  principal: Principal,
  request: SendRequest,
  checked: readonly CheckedMessage[],
  mode: { dryRun: true } | { dryRun: false; claim: ClaimRequest },
): Promise<SendResult> {
  const nowIso = deps.clock.now().toISOString();
  const rows: MailOutboxRow[] = [];
  const traceParent = deps.traceParent?.() ?? null;
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
      status: mode.dryRun ? 'dry_run' : 'queued',
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
      status: mode.dryRun ? 'dry_run' : 'queued',
      message_id: id,
      recipients: [...c.envelopeTo],
      subject,
      reason: null,
    };
  });
  const result: SendResult = {
    idempotency_key: request.key,
    dry_run: mode.dryRun,
    replayed: false,
    queued_count: mode.dryRun ? 0 : rows.length,
    refused_count: results.filter((r) => r.status === 'refused').length,
    results,
    note: mode.dryRun ? DRY_RUN_NOTE : QUEUED_NOTE,
  };
  await deps.db.transaction().execute(async (tx) => {
    await insertOutbox(tx, rows);
    if (request.bid !== undefined && !mode.dryRun) {
      await tx
        .insertInto('bid_notes')
        .values(
          // One note per queued message, from the results (the rows hold the same, as JSON).
          results
            .filter((r) => r.message_id !== null)
            .map((r) => ({
              id: newId(),
              tenant_id: principal.tenantId,
              bid_id: request.bid?.id ?? '',
              author_user_id: principal.userId,
              body: `Follow-up email queued to ${r.recipients.join(', ')}: "${r.subject}" (message ${r.message_id ?? ''}).`,
              created_at: nowIso,
            })),
        )
        .execute();
    }
    await auditEmail(tx, deps.clock, principal, request.tool, mode.dryRun ? 'dry_run' : 'queued', null, {
      idempotency_key: request.key,
      dry_run: mode.dryRun,
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
    });
    if (!mode.dryRun && !(await completeIdempotencyKey(tx, mode.claim, JSON.stringify(result))))
      throw new DomainError(
        'conflict',
        'idempotency_in_progress: this call’s claim on the key expired and another call took it over. Nothing was sent by this call.',
        'Call get_send_status with this idempotency_key, or call again with the same key and arguments.',
      );
    // Last, so the tenant's limit rows stay locked only until the commit that follows.
    if (!mode.dryRun) await takeSendingLimits(tx, deps, principal.tenantId, rows.length);
  });
  deps.logger.info(
    {
      tool: request.tool,
      tenant: principal.tenantSlug,
      queued: rows.length,
      dryRun: mode.dryRun,
      to: results.flatMap((r) => (r.message_id === null ? [] : maskAddresses(r.recipients))),
    },
    mode.dryRun ? 'email dry run recorded' : 'email queued',
  );
  return result;
}
