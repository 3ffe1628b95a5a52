import type { ProposedChange } from '../domain/crm/change-proposal.js';
import type { AppliedChange, ConfirmedVia } from '../domain/crm/crm-changes.js';

/**
 * What a write tool may ask of the CRM, for one principal's tenant: what an idempotency key
 * already holds, making a change the person confirmed, and recording proposals, declines and
 * refusals in the audit log. Never asked before `Confirmer` said yes (see tools/ask-first.ts).
 */
export interface CrmChangePort {
  earlier(change: ProposedChange, key: string): Promise<AppliedChange | undefined>;
  apply(
    change: ProposedChange,
    key: string,
    via: ConfirmedVia,
  ): Promise<AppliedChange & { replayed: boolean }>;
  audit(
    change: ProposedChange,
    decision: string,
    reason: string | null,
    extra?: Record<string, unknown>,
  ): Promise<string>;
}
