import type { Kysely } from 'kysely';
import type { Database } from '../../src/store/schema.js';

/**
 * The contacts query of src/store/party-queries.ts with its manual tenant filter on the join
 * (`.on('c.tenant_id', '=', tenantId)`) removed: only the contact's own tenant is named.
 */
export const contactsJoinedWithoutTenantFilter = (db: Kysely<Database>, tenantId: string) =>
  db
    .selectFrom('contacts as k')
    .leftJoin('companies as c', 'c.id', 'k.company_id')
    .where('k.tenant_id', '=', tenantId)
    .select(['k.id', 'c.name as company_name', 'c.tenant_id as company_tenant'])
    .execute();
