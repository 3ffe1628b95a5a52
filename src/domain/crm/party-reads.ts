import type { CrmRepository } from '../../store/crm-repository.js';
import { invalidInput, notFound } from '../errors.js';
import type { CrmReader } from './crm-reader.js';
import { DEFAULT_PAGE_SIZE, type Pager } from './paging.js';
import { toContactView, toProjectSummary } from './row-views.js';

/** Companies and the people at them, for one tenant. */
export function partyReads(
  repo: CrmRepository,
  pages: Pager,
): Pick<CrmReader, 'listCompanies' | 'getCompany' | 'searchContacts' | 'getContact'> {
  return {
    async listCompanies(input) {
      const limit = input.limit ?? DEFAULT_PAGE_SIZE;
      const listKey = `companies|${input.query ?? ''}|${limit}`;
      const rows = await repo.listCompanies({
        query: input.query,
        after: pages.position(listKey, input.cursor),
        limit,
      });
      return {
        companies: rows,
        next_cursor: pages.next(rows, limit, listKey, (row) => ({ name: row.name, id: row.id })),
      };
    },

    async getCompany(id) {
      const row = await repo.getCompany(id);
      if (row === undefined) {
        throw notFound(
          `Company ${JSON.stringify(id)}`,
          'Call `companies.list` (optionally with `query`) to find company ids.',
        );
      }
      const [contacts, projects] = await Promise.all([
        repo.contactsOfCompany(id),
        repo.projectsOfCompany(id),
      ]);
      return { ...row, contacts: contacts.map(toContactView), projects: projects.map(toProjectSummary) };
    },

    async searchContacts(input) {
      if (input.email === undefined && input.name === undefined && input.company === undefined) {
        throw invalidInput(
          'Give at least one of `email`, `name` or `company`.',
          'For example `{ "company": "Acme", "email": "jane@example.com" }`.',
        );
      }
      const limit = input.limit ?? DEFAULT_PAGE_SIZE;
      const listKey = `contacts|${input.email ?? ''}|${input.name ?? ''}|${input.company ?? ''}|${limit}`;
      const rows = await repo.searchContacts({
        email: input.email,
        name: input.name,
        company: input.company,
        after: pages.position(listKey, input.cursor),
        limit,
      });
      return {
        contacts: rows.map(toContactView),
        next_cursor: pages.next(rows, limit, listKey, (row) => ({ lastName: row.last_name, id: row.id })),
      };
    },

    async getContact(id) {
      const row = await repo.getContact(id);
      if (row === undefined) {
        throw notFound(
          `Contact ${JSON.stringify(id)}`,
          'Call `contacts.search` by email, name or company to find contact ids.',
        );
      }
      return toContactView(row);
    },
  };
}
