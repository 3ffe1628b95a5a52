import type { Kysely } from 'kysely';
import { bidQueries } from './bid-queries.js';
import { CompiledShapes } from './compiled-shapes.js';
import { partyQueries } from './party-queries.js';
import { projectQueries } from './project-queries.js';
import type { Database } from './schema.js';

export type { BidFilter } from './bid-rows.js';
export type { CompanyFilter, ContactFilter } from './party-queries.js';
export type { ProjectFilter } from './project-queries.js';

export type CrmRepository = ReturnType<typeof crmRepository>;

/** The list queries every page of `projects.list` / `bids.list` runs, compiled once per shape. */
const shapes = new CompiledShapes();

/**
 * The CRM rows of one tenant. Tenancy is structural: the tenant id is fixed here, every query and
 * every join condition carries it, and no function takes another tenant's id.
 */
export function crmRepository(db: Kysely<Database>, tenantId: string) {
  return {
    tenantId,
    ...projectQueries(db, tenantId, shapes),
    ...partyQueries(db, tenantId),
    ...bidQueries(db, tenantId, shapes),
  };
}
