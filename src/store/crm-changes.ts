import type { Transaction } from 'kysely';
import { newId } from '../lib/ids.js';
import type { BidStatus, Database, ProjectStatus } from './schema.js';

/**
 * The CRM writes a confirmed change makes, for one tenant, inside the caller's transaction. Each
 * update is conditional on the state the person confirmed (`WHERE status = from`), so a record
 * changed by someone else in between is reported (false) instead of being overwritten.
 */
export function crmChanges(tx: Transaction<Database>, tenantId: string) {
  return {
    async setBidStatus(change: {
      bidId: string;
      from: BidStatus;
      to: BidStatus;
      reason: string;
      at: string;
    }): Promise<boolean> {
      const updated = await tx
        .updateTable('bids')
        .set({ status: change.to, status_since: change.at, updated_at: change.at })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', change.bidId)
        .where('status', '=', change.from)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) !== 1) return false;
      await tx
        .insertInto('bid_status_changes')
        .values({
          id: newId(),
          tenant_id: tenantId,
          bid_id: change.bidId,
          from_status: change.from,
          to_status: change.to,
          changed_at: change.at,
          reason: change.reason,
        })
        .execute();
      return true;
    },

    async addBidNote(note: { bidId: string; authorUserId: string | null; body: string; at: string }) {
      await tx
        .insertInto('bid_notes')
        .values({
          id: newId(),
          tenant_id: tenantId,
          bid_id: note.bidId,
          author_user_id: note.authorUserId,
          body: note.body,
          created_at: note.at,
        })
        .execute();
      return true;
    },

    async setProjectStatus(change: {
      projectId: string;
      from: ProjectStatus;
      to: ProjectStatus;
      at: string;
    }): Promise<boolean> {
      const updated = await tx
        .updateTable('projects')
        .set({ status: change.to, updated_at: change.at })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', change.projectId)
        .where('status', '=', change.from)
        .executeTakeFirst();
      return Number(updated.numUpdatedRows) === 1;
    },
  };
}
