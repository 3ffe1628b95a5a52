import type { Clock } from '../../lib/clock.js';
import type { CrmRepository } from '../../store/crm-repository.js';
import { notFound } from '../errors.js';
import type { CrmReader } from './crm-reader.js';
import { DEFAULT_PAGE_SIZE, type Pager } from './paging.js';
import { toBidSummary, toProjectSummary } from './row-views.js';

/** Projects of one tenant: a filtered page, or one project with its bids. */
export function projectReads(
  repo: CrmRepository,
  clock: Clock,
  pages: Pager,
): Pick<CrmReader, 'listProjects' | 'getProject'> {
  return {
    async listProjects(input) {
      const limit = input.limit ?? DEFAULT_PAGE_SIZE;
      const listKey = `projects|${input.status ?? ''}|${input.query ?? ''}|${limit}`;
      const rows = await repo.listProjects({
        status: input.status,
        query: input.query,
        after: pages.position(listKey, input.cursor),
        limit,
      });
      return {
        projects: rows.map(toProjectSummary),
        next_cursor: pages.next(rows, limit, listKey, (row) => ({ name: row.name, id: row.id })),
      };
    },

    async getProject(id) {
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
  };
}
