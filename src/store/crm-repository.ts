import type { Kysely } from 'kysely';
import { CompiledShapes, slot } from './compiled-shapes.js';
import { containsText } from './like-pattern.js';
import type { BidStatus, Database, ProjectStatus } from './schema.js';

export interface ProjectFilter {
  status?: ProjectStatus | undefined;
  query?: string | undefined;
  /** Keyset position: the last row of the previous page. */
  after?: { name: string; id: string } | undefined;
  limit: number;
}

export interface BidFilter {
  status?: BidStatus | undefined;
  /** Only bids whose current status began at or before this instant (ISO). */
  statusSinceAtOrBefore?: string | undefined;
  projectId?: string | undefined;
  companyId?: string | undefined;
  after?: { statusSince: string; number: number } | undefined;
  limit: number;
}

export interface ContactFilter {
  email?: string | undefined;
  name?: string | undefined;
  company?: string | undefined;
  after?: { lastName: string; id: string } | undefined;
  limit: number;
}

export interface CompanyFilter {
  query?: string | undefined;
  after?: { name: string; id: string } | undefined;
  limit: number;
}

export type CrmRepository = ReturnType<typeof crmRepository>;

/** The list queries every page of `projects.list` / `bids.list` runs, compiled once per shape. */
const shapes = new CompiledShapes();

/**
 * The CRM rows of one tenant. Tenancy is structural: the tenant id is fixed here, every query and
 * every join condition carries it, and no function takes another tenant's id.
 */
export function crmRepository(db: Kysely<Database>, tenantId: string) {
  const projectsWithClient = (tenant: string = tenantId) =>
    db
      .selectFrom('projects as p')
      .leftJoin('companies as c', (join) =>
        join.onRef('c.id', '=', 'p.client_company_id').on('c.tenant_id', '=', tenant),
      )
      .where('p.tenant_id', '=', tenant)
      .select([
        'p.id',
        'p.name',
        'p.status',
        'p.location',
        'p.value_cents',
        'p.start_date',
        'p.end_date',
        'p.description',
        'p.updated_at',
        'p.client_company_id',
        'c.name as client_company_name',
      ]);

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

  const contactsWithCompany = () =>
    db
      .selectFrom('contacts as k')
      .leftJoin('companies as c', (join) =>
        join.onRef('c.id', '=', 'k.company_id').on('c.tenant_id', '=', tenantId),
      )
      .where('k.tenant_id', '=', tenantId)
      .select([
        'k.id',
        'k.first_name',
        'k.last_name',
        'k.email',
        'k.phone',
        'k.title',
        'k.company_id',
        'c.name as company_name',
      ]);

  const projectPage = (tenant: string, filter: ProjectFilter) => {
    let query = projectsWithClient(tenant);
    if (filter.status !== undefined) query = query.where('p.status', '=', filter.status);
    if (filter.query !== undefined) query = query.where(containsText('p.search_text', filter.query));
    const after = filter.after;
    if (after !== undefined) {
      query = query.where((eb) =>
        eb.or([
          eb('p.name', '>', after.name),
          eb.and([eb('p.name', '=', after.name), eb('p.id', '>', after.id)]),
        ]),
      );
    }
    return query.orderBy('p.name').orderBy('p.id').limit(filter.limit);
  };

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

  /** Which optional parts a filter has: one compiled query per distinct answer. */
  const shapeOf = (kind: string, parts: Record<string, unknown>) =>
    `${kind}:${Object.entries(parts)
      .filter(([, value]) => value !== undefined)
      .map(([name]) => name)
      .join(',')}`;

  return {
    tenantId,

    listProjects(filter: ProjectFilter) {
      // A text search binds a pattern derived from its term, so that shape is built per call.
      if (filter.query !== undefined) return projectPage(tenantId, filter).execute();
      const { status, after, limit } = filter;
      return shapes.execute(
        db,
        shapeOf('projects', { status, after }),
        () =>
          projectPage(slot('tenant'), {
            status: status === undefined ? undefined : slot<ProjectStatus>('status'),
            after: after === undefined ? undefined : { name: slot('afterName'), id: slot('afterId') },
            limit: slot<number>('limit'),
          }),
        { tenant: tenantId, status, afterName: after?.name, afterId: after?.id, limit },
      );
    },

    getProject(id: string) {
      return projectsWithClient().where('p.id', '=', id).executeTakeFirst();
    },

    listCompanies(filter: CompanyFilter) {
      let query = db
        .selectFrom('companies')
        .where('tenant_id', '=', tenantId)
        .select(['id', 'name', 'kind', 'city', 'phone', 'website']);
      if (filter.query !== undefined) query = query.where(containsText('name_key', filter.query));
      const after = filter.after;
      if (after !== undefined) {
        query = query.where((eb) =>
          eb.or([
            eb('name', '>', after.name),
            eb.and([eb('name', '=', after.name), eb('id', '>', after.id)]),
          ]),
        );
      }
      return query.orderBy('name').orderBy('id').limit(filter.limit).execute();
    },

    getCompany(id: string) {
      return db
        .selectFrom('companies')
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .select(['id', 'name', 'kind', 'city', 'phone', 'website'])
        .executeTakeFirst();
    },

    findCompanyByName(name: string) {
      return db
        .selectFrom('companies')
        .where('tenant_id', '=', tenantId)
        .where('name_key', '=', name.trim().toLowerCase())
        .select(['id', 'name'])
        .executeTakeFirst();
    },

    searchContacts(filter: ContactFilter) {
      let query = contactsWithCompany();
      if (filter.email !== undefined)
        query = query.where('k.email_key', '=', filter.email.trim().toLowerCase());
      if (filter.name !== undefined) query = query.where(containsText('k.search_text', filter.name));
      if (filter.company !== undefined) query = query.where(containsText('c.name_key', filter.company));
      const after = filter.after;
      if (after !== undefined) {
        query = query.where((eb) =>
          eb.or([
            eb('k.last_name', '>', after.lastName),
            eb.and([eb('k.last_name', '=', after.lastName), eb('k.id', '>', after.id)]),
          ]),
        );
      }
      return query.orderBy('k.last_name').orderBy('k.id').limit(filter.limit).execute();
    },

    getContact(id: string) {
      return contactsWithCompany().where('k.id', '=', id).executeTakeFirst();
    },

    contactsOfCompany(companyId: string) {
      return contactsWithCompany()
        .where('k.company_id', '=', companyId)
        .orderBy('k.last_name')
        .limit(50)
        .execute();
    },

    projectsOfCompany(companyId: string) {
      return projectsWithClient()
        .where('p.client_company_id', '=', companyId)
        .orderBy('p.name')
        .limit(50)
        .execute();
    },

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
        .select(['from_status', 'to_status', 'changed_at'])
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
