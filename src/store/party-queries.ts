import type { Kysely } from 'kysely';
import { containsText } from './like-pattern.js';
import { rowLimit } from './row-limit.js';
import type { Database } from './schema.js';

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

/** Companies and contacts of one tenant; a contact's company is joined inside the same tenant. */
export function partyQueries(db: Kysely<Database>, tenantId: string) {
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

  return {
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
      return query.orderBy('name').orderBy('id').limit(rowLimit(filter.limit)).execute();
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
      return query.orderBy('k.last_name').orderBy('k.id').limit(rowLimit(filter.limit)).execute();
    },

    getContact(id: string) {
      return contactsWithCompany().where('k.id', '=', id).executeTakeFirst();
    },

    contactsOfCompany(companyId: string) {
      return contactsWithCompany()
        .where('k.company_id', '=', companyId)
        .orderBy('k.last_name')
        .limit(rowLimit(50))
        .execute();
    },
  };
}
