import type { Transaction } from 'kysely';
import { crmChanges } from '../../store/crm-changes.js';
import type { BidStatus, Database, ProjectStatus } from '../../store/schema.js';
import type { Principal } from '../principal.js';
import type { ProposedChange } from './change-proposal.js';

/**
 * Writes one confirmed change of each kind in `tx`, as of `at`. Returns false when the record is
 * no longer as the change was shown (its status moved on), and nothing was written.
 */
export function writeChange(
  tx: Transaction<Database>,
  principal: Principal,
  change: ProposedChange,
  at: string,
): Promise<boolean> {
  const writes = crmChanges(tx, principal.tenantId);
  switch (change.kind) {
    case 'bid_status':
      return writes.setBidStatus({
        bidId: change.target.id,
        from: change.from as BidStatus,
        to: change.to as BidStatus,
        reason: change.reason ?? '',
        at,
      });
    case 'project_status':
      return writes.setProjectStatus({
        projectId: change.target.id,
        from: change.from as ProjectStatus,
        to: change.to as ProjectStatus,
        at,
      });
    case 'bid_note':
      return writes.addBidNote({
        bidId: change.target.id,
        authorUserId: principal.userId,
        body: change.note ?? '',
        at,
      });
  }
}
