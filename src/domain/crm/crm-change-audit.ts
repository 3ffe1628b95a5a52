import { createHash } from 'node:crypto';
import type { Clock } from '../../lib/clock.js';
import { appendAudit } from '../audit/audit-log.js';
import type { Principal } from '../principal.js';
import type { ProposedChange } from './change-proposal.js';

/**
 * The audit entry of one CRM change (proposed, declined, refused, replayed or applied), whether the
 * change is made here or refused by a front: what it would change, who asked, and `extra`.
 */
export function auditCrmChange(
  db: Parameters<typeof appendAudit>[0],
  clock: Clock,
  principal: Principal,
  entry: { change: ProposedChange; decision: string; reason: string | null; extra?: Record<string, unknown> },
): Promise<string> {
  const { change } = entry;
  return appendAudit(db, clock, {
    tenantId: principal.tenantId,
    userId: principal.userId,
    clientId: principal.clientId,
    action: `crm.${change.tool}`,
    decision: entry.decision,
    reason: entry.reason,
    details: {
      tool: change.tool,
      target: change.target,
      from: change.from,
      to: change.to,
      reason: change.reason,
      // Like email bodies, note text stays out of the audit log: its hash and length identify it.
      note_sha256: change.note === null ? null : createHash('sha256').update(change.note).digest('hex'),
      note_length: change.note?.length ?? null,
      ...entry.extra,
      ...(principal.apiKey !== undefined && {
        api_key: principal.apiKey.prefix,
        on_behalf_of: principal.apiKey.onBehalfOf,
      }),
    },
  });
}
