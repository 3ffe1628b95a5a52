import { type Clock, daysBefore } from '../../lib/clock.js';
import type { CrmRepository } from '../../store/crm-repository.js';
import { notFound } from '../errors.js';
import type { CrmReader } from './crm-reader.js';
import { DEFAULT_PAGE_SIZE, type Pager } from './paging.js';
import { toBidSummary } from './row-views.js';

/** Parses "#123", "123" or a bid id. Returns the number when the reference is numeric. */
export function parseBidReference(reference: string): { number: number } | { id: string } {
  const trimmed = reference.trim();
  const match = /^#?\s*(\d{1,9})$/.exec(trimmed);
  return match?.[1] !== undefined ? { number: Number(match[1]) } : { id: trimmed };
}

/** Bids of one tenant: pages by time in status, one bid by number or id, its history and notes. */
export function bidReads(
  repo: CrmRepository,
  clock: Clock,
  pages: Pager,
): Pick<CrmReader, 'listBids' | 'findBid' | 'getBid'> {
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
    async listBids(input) {
      const limit = input.limit ?? DEFAULT_PAGE_SIZE;
      const now = clock.now();
      const listKey = [
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
        after: pages.position(listKey, input.cursor),
        limit,
      });
      return {
        bids: rows.map((row) => toBidSummary(row, now)),
        next_cursor: pages.next(rows, limit, listKey, (row) => ({
          statusSince: row.status_since,
          number: row.number,
        })),
      };
    },

    async findBid(reference) {
      return toBidSummary(await bidOrThrow(reference), clock.now());
    },

    async getBid(reference) {
      const row = await bidOrThrow(reference);
      const [history, notes] = await Promise.all([repo.bidHistory(row.id), repo.bidNotes(row.id)]);
      return {
        ...toBidSummary(row, clock.now()),
        history: history.map((h) => ({
          from: h.from_status,
          to: h.to_status,
          at: h.changed_at,
          reason: h.reason,
        })),
        notes: notes.map((n) => ({ author: n.author_name, body: n.body, at: n.created_at })),
      };
    },
  };
}
