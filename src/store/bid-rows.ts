import type { Kysely } from 'kysely';
import { rowLimit } from './row-limit.js';
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

/** A tenant's bids with their project, company and contact, each joined inside the tenant. */
export function bidRows(db: Kysely<Database>, tenant: string) {
  return db
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
}

/** One page of `bidRows`, oldest status first, keyset-paged after `filter.after`. */
export function bidPage(db: Kysely<Database>, tenant: string, filter: BidFilter) {
  let query = bidRows(db, tenant);
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
  return query.orderBy('b.status_since').orderBy('b.number').limit(rowLimit(filter.limit));
}
