import type { Kysely } from 'kysely';
import { type CompiledShapes, slot } from './compiled-shapes.js';
import { shapeOf } from './query-shape.js';
import type { BidStatus, Database } from './schema.js';

export interface BidFilter {
  status?: BidStatus | undefined;
  /** Only bids whose current status began at or before this instant (ISO). */
  statusSinceAtOrBefore?: string | undefined;
  projectId?: string | undefined;
  companyId?: string | undefined;
  after?: { statusSince: string; number: number } | undefined;
  limit: number;
}

/** Bids of one tenant with their project, company and contact (each joined inside the tenant). */
export function bidQueries(db: Kysely<Database>, tenantId: string, shapes: CompiledShapes) {
  const bidsWithParties = (tenant: string = tenantId) =>
    db
      .selectFrom('bids as b')
      .innerJoin('projects as p', (join) =>
        join.onRef('p.id', '=', 'b.project_id').on('p.tenant_id', '=', tenant),
      )
      .leftJoin('companies as c', (join) =>
        join.onRef('c.id', '=', 'b.company_id').on('c.tenant_id', '=', tenant),
      )
      .leftJoin('contacts as k', (join) =>
        join.onRef('k.id', '=', 'b.contact_id').on('k.tenant_id', '=', tenant),
      )
      .where('b.tenant_id', '=', tenant)
      .select([
        'b.id',
        'b.number',
        'b.title',
        'b.amount_cents',
        'b.status',
        'b.status_since',
        'b.due_date',
        'b.project_id',
        'p.name as project_name',
        'b.company_id',
        'c.name as company_name',
        'b.contact_id',
        'k.first_name as contact_first_name',
        'k.last_name as contact_last_name',
        'k.email as contact_email',
      ]);

  const bidPage = (tenant: string, filter: BidFilter) => {
    let query = bidsWithParties(tenant);
    if (filter.status !== undefined) query = query.where('b.status', '=', filter.status);
    if (filter.statusSinceAtOrBefore !== undefined) {
      query = query.where('b.status_since', '<=', filter.statusSinceAtOrBefore);
    }
    if (filter.projectId !== undefined) query = query.where('b.project_id', '=', filter.projectId);
    if (filter.companyId !== undefined) query = query.where('b.company_id', '=', filter.companyId);
    const after = filter.after;
    if (after !== undefined) {
      query = query.where((eb) =>
        eb.or([
          eb('b.status_since', '>', after.statusSince),
          eb.and([eb('b.status_since', '=', after.statusSince), eb('b.number', '>', after.number)]),
        ]),
      );
    }
    return query.orderBy('b.status_since').orderBy('b.number').limit(filter.limit);
  };

  return {
    listBids(filter: BidFilter) {
      const { status, statusSinceAtOrBefore: since, projectId, companyId, after, limit } = filter;
      return shapes.execute(
        db,
        shapeOf('bids', { status, since, projectId, companyId, after }),
        () =>
          bidPage(slot('tenant'), {
            status: status === undefined ? undefined : slot<BidStatus>('status'),
            statusSinceAtOrBefore: since === undefined ? undefined : slot('since'),
            projectId: projectId === undefined ? undefined : slot('projectId'),
            companyId: companyId === undefined ? undefined : slot('companyId'),
            after:
              after === undefined
                ? undefined
                : { statusSince: slot('afterSince'), number: slot<number>('afterNumber') },
            limit: slot<number>('limit'),
          }),
        {
          tenant: tenantId,
          status,
          since,
          projectId,
          companyId,
          afterSince: after?.statusSince,
          afterNumber: after?.number,
          limit,
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
      return bidsWithParties().where('b.project_id', '=', projectId).orderBy('b.number').limit(50).execute();
    },
  };
}
