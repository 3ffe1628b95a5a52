import { z } from 'zod';
import { MAX_PAGE_SIZE } from '../domain/crm/paging.js';
import { nextCursor, projectSummary } from '../domain/crm/views.js';
import { PROJECT_STATUSES } from '../store/schema.js';
import { READ_ONLY, defineTool } from './define-tool.js';
import { listText, projectLine } from './text-format.js';
import { PROJECT_BRIEF } from '../views/registry.js';

export const pageInput = {
  limit: z.number().int().min(1).max(MAX_PAGE_SIZE).optional().describe('Page size, 1–100 (default 20).'),
  cursor: z
    .string()
    .max(2048)
    .optional()
    .describe('`next_cursor` from the previous page; keep the other arguments the same.'),
};

export const projectsList = defineTool({
  name: 'projects.list',
  title: 'List projects',
  description:
    'List construction projects in the connected BuildWorkPro tenant, sorted by name. Filter by `status` (bidding, active, on_hold, completed, cancelled) and/or a free-text `query` matched against name, location and description. Use status "active" to summarize active projects. Returns one page; pass `next_cursor` back as `cursor` for more. Use `projects.get` for a project’s bids and description.',
  input: z.object({
    status: z.enum(PROJECT_STATUSES).optional().describe('Only projects in this status.'),
    query: z.string().trim().min(1).max(200).optional().describe('Case-insensitive text to look for.'),
    ...pageInput,
  }),
  output: z.object({ projects: z.array(projectSummary), next_cursor: nextCursor }),
  annotations: READ_ONLY,
  scopes: ['projects:read'],
  view: PROJECT_BRIEF,
  invoking: 'Listing projects…',
  invoked: 'Listed projects',
  run: (input, { crm }) => crm.listProjects(input),
  text: (out) => listText('projects', out.projects.map(projectLine), out.next_cursor),
});
