import { type Clock, daysBefore } from '../../lib/clock.js';
import type { CrmRepository } from '../../store/crm-repository.js';
import type { BidStatus, ProjectStatus } from '../../store/schema.js';
import { invalidInput, notFound } from '../errors.js';
import type { CursorCodec } from './cursor.js';
import { toBidSummary, toContactView, toProjectSummary } from './views.js';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** Parses "#123", "123" or a bid id. Returns the number when the reference is numeric. */
export function parseBidReference(reference: string): { number: number } | { id: string } {
  const trimmed = reference.trim();
  const match = /^#?\s*(\d{1,9})$/.exec(trimmed);
  return match?.[1] !== undefined ? { number: Number(match[1]) } : { id: trimmed };
}

/** Read use-cases of the CRM for one tenant (the repository is already scoped to it). */
export function crmService(repo: CrmRepository, clock: Clock, cursors: CursorCodec) {
  const page = <T, K>(rows: T[], limit: number, scope: string, keyOf: (row: T) => K) => {
    const last = rows.length === limit ? rows[rows.length - 1] : undefined;
    return last === undefined ? null : cursors.encode(repo.tenantId, scope, keyOf(last));
  };
  const positionOf = <K>(scope: string, cursor: string | undefined) =>
    cursor === undefined ? undefined : cursors.decode<K>(repo.tenantId, scope, cursor);

  async function bidOrThrow(reference: string) {
    const parsed = parseBidReference(reference);
    const row =
      'number' in parsed ? await repo.getBidByNumber(parsed.number) : await repo.getBidById(parsed.id);
    if (row === undefined) {
      throw notFound(
        `Bid ${JSON.stringify(reference)}`,
        'Call `bids.list` to see this tenant’s bids and their numbers.',
      );
    }
    return row;
  }

  return {
    async listProjects(input: { status?: ProjectStatus; query?: string; limit?: number; cursor?: string }) {
      const limit = input.limit ?? DEFAULT_PAGE_SIZE;
      const scope = `projects|${input.status ?? ''}|${input.query ?? ''}|${limit}`;
      const rows = await repo.listProjects({
        status: input.status,
        query: input.query,
        after: positionOf(scope, input.cursor),
        limit,
      });
      return {
        projects: rows.map(toProjectSummary),
        next_cursor: page(rows, limit, scope, (row) => ({ name: row.name, id: row.id })),
      };
    },

    async getProject(id: string) {
      const row = await repo.getProject(id);
      if (row === undefined) {
        throw notFound(
          `Project ${JSON.stringify(id)}`,
          'Call `projects.list` (optionally with `query`) to find project ids.',
        );
      }
      const bids = await repo.bidsOfProject(id);
      const now = clock.now();
      return {
        ...toProjectSummary(row),
        description: row.description,
        bids: bids.map((bid) => toBidSummary(bid, now)),
      };
    },

    async listCompanies(input: { query?: string; limit?: number; cursor?: string }) {
      const limit = input.limit ?? DEFAULT_PAGE_SIZE;
      const scope = `companies|${input.query ?? ''}|${limit}`;
      const rows = await repo.listCompanies({
        query: input.query,
        after: positionOf(scope, input.cursor),
        limit,
      });
      return {
        companies: rows,
        next_cursor: page(rows, limit, scope, (row) => ({ name: row.name, id: row.id })),
      };
    },

    async getCompany(id: string) {
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

    async searchContacts(input: {
      email?: string;
      name?: string;
      company?: string;
      limit?: number;
      cursor?: string;
    }) {
      if (input.email === undefined && input.name === undefined && input.company === undefined) {
        throw invalidInput(
          'Give at least one of `email`, `name` or `company`.',
          'For example `{ "company": "Acme", "email": "jane@example.com" }`.',
        );
      }
      const limit = input.limit ?? DEFAULT_PAGE_SIZE;
      const scope = `contacts|${input.email ?? ''}|${input.name ?? ''}|${input.company ?? ''}|${limit}`;
      const rows = await repo.searchContacts({
        email: input.email,
        name: input.name,
        company: input.company,
        after: positionOf(scope, input.cursor),
        limit,
      });
      return {
        contacts: rows.map(toContactView),
        next_cursor: page(rows, limit, scope, (row) => ({ lastName: row.last_name, id: row.id })),
      };
    },

    async getContact(id: string) {
      const row = await repo.getContact(id);
      if (row === undefined) {
        throw notFound(
          `Contact ${JSON.stringify(id)}`,
          'Call `contacts.search` by email, name or company to find contact ids.',
        );
      }
      return toContactView(row);
    },

    async listBids(input: {
      status?: BidStatus;
      min_days_in_status?: number;
      project_id?: string;
      company_id?: string;
      limit?: number;
      cursor?: string;
    }) {
      const limit = input.limit ?? DEFAULT_PAGE_SIZE;
      const now = clock.now();
      const scope = [
        'bids',
        input.status,
        input.min_days_in_status,
        input.project_id,
        input.company_id,
        limit,
      ].join('|');
      const rows = await repo.listBids({
        status: input.status,
        // "more than N days" = the status began at least N days ago.
        statusSinceAtOrBefore:
          input.min_days_in_status === undefined
            ? undefined
            : daysBefore(now, input.min_days_in_status).toISOString(),
        projectId: input.project_id,
        companyId: input.company_id,
        after: positionOf(scope, input.cursor),
        limit,
      });
      return {
        bids: rows.map((row) => toBidSummary(row, now)),
        next_cursor: page(rows, limit, scope, (row) => ({
          statusSince: row.status_since,
          number: row.number,
        })),
      };
    },

    /** A bid's summary only, for callers that need no history or notes (search, send_email's bid). */
    async findBid(reference: string) {
      return toBidSummary(await bidOrThrow(reference), clock.now());
    },

    async getBid(reference: string) {
      const row = await bidOrThrow(reference);
      const [history, notes] = await Promise.all([repo.bidHistory(row.id), repo.bidNotes(row.id)]);
      return {
        ...toBidSummary(row, clock.now()),
        history: history.map((h) => ({ from: h.from_status, to: h.to_status, at: h.changed_at })),
        notes: notes.map((n) => ({ author: n.author_name, body: n.body, at: n.created_at })),
      };
    },
  };
}

export type CrmService = ReturnType<typeof crmService>;
