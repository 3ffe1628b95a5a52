import type { Kysely } from 'kysely';
import { type CompiledShapes, slot } from './compiled-shapes.js';
import { shapeOf } from './query-shape.js';
import { rowLimit } from './row-limit.js';
import { type BidFilter, bidPage, bidRows } from './bid-rows.js';
import type { BidStatus, Database } from './schema.js';

/** Bids of one tenant with their project, company and contact (each joined inside the tenant). */
export function bidQueries(db: Kysely<Database>, tenantId: string, shapes: CompiledShapes) {
  const bidsWithParties = () => bidRows(db, tenantId);

  return {
    listBids(filter: BidFilter) {
      const { status, statusSinceAtOrBefore: since, projectId, companyId, after, limit } = filter;
      return shapes.execute(
        db,
        // The limit is part of the SQL text (row-limit.ts), so of the shape.
        `${shapeOf('bids', { status, since, projectId, companyId, after })}|${limit}`,
        () =>
          bidPage(db, slot('tenant'), {
            status: status === undefined ? undefined : slot<BidStatus>('status'),
            statusSinceAtOrBefore: since === undefined ? undefined : slot('since'),
            projectId: projectId === undefined ? undefined : slot('projectId'),
            companyId: companyId === undefined ? undefined : slot('companyId'),
            after:
              after === undefined
                ? undefined
                : { statusSince: slot('afterSince'), number: slot<number>('afterNumber') },
            limit,
          }),
        {
          tenant: tenantId,
          status,
          since,
          projectId,
          companyId,
          afterSince: after?.statusSince,
          afterNumber: after?.number,
        },
      );
    },

    getBidById(id: string) {
      return bidsWithParties().where('b.id', '=', id).executeTakeFirst();
    },

    getBidByNumber(number: number) {
      return bidsWithParties().where('b.number', '=', number).executeTakeFirst();
    },

    bidHistory(bidId: string) {
      return db
        .selectFrom('bid_status_changes')
        .where('tenant_id', '=', tenantId)
        .where('bid_id', '=', bidId)
        .select(['from_status', 'to_status', 'changed_at', 'reason'])
        .orderBy('changed_at')
        .execute();
    },

    bidNotes(bidId: string) {
      return db
        .selectFrom('bid_notes as n')
        .leftJoin('users as u', 'u.id', 'n.author_user_id')
        .where('n.tenant_id', '=', tenantId)
        .where('n.bid_id', '=', bidId)
        .select(['n.id', 'n.body', 'n.created_at', 'u.name as author_name'])
        .orderBy('n.created_at')
        .execute();
    },

    bidsOfProject(projectId: string) {
      return bidsWithParties()
        .where('b.project_id', '=', projectId)
        .orderBy('b.number')
        .limit(rowLimit(50))
        .execute();
    },
  };
}
