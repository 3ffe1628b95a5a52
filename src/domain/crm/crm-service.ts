import type { Clock } from '../../lib/clock.js';
import type { CrmRepository } from '../../store/crm-repository.js';
import { bidReads } from './bid-reads.js';
import type { CrmReader } from './crm-reader.js';
import type { CursorCodec } from './cursor.js';
import { pager } from './paging.js';
import { partyReads } from './party-reads.js';
import { projectReads } from './project-reads.js';

/**
 * Every CRM read of one tenant (the repository is already scoped to it), unshaped: callers that
 * show data to a principal get it through `scopedCrm`, never from here directly.
 */
export function crmService(repo: CrmRepository, clock: Clock, cursors: CursorCodec): CrmReader {
  const pages = pager(cursors, repo.tenantId);
  return {
    ...projectReads(repo, clock, pages),
    ...partyReads(repo, pages),
    ...bidReads(repo, clock, pages),
  };
}
