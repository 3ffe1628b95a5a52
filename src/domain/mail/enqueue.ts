import { completeIdempotencyKey, type ClaimRequest } from '../../store/mail-idempotency.js';
import { insertOutbox } from '../../store/mail-outbox.js';
import { DomainError } from '../errors.js';
import type { Principal } from '../principal.js';
import { auditEmail, type MailDeps } from './deps.js';
import { maskAddresses } from './mask.js';
import type { CheckedMessage } from './message.js';
import { takeSendingLimits } from './sending-limits.js';
import { planSend } from './send-plan.js';
import { bidNotes, sendAuditDetails } from './send-records.js';
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
  const { rows, results } = planSend(principal, request, checked, mode.dryRun, {
    nowIso,
    traceParent: deps.traceParent?.() ?? null,
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
    if (request.bid !== undefined && !mode.dryRun)
      await tx
        .insertInto('bid_notes')
        .values(bidNotes(principal, request, results, nowIso))
        .execute();
    await auditEmail(
      tx,
      deps.clock,
      principal,
      request.tool,
      mode.dryRun ? 'dry_run' : 'queued',
      null,
      sendAuditDetails(request, results, mode.dryRun),
    );
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
