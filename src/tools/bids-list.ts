import { z } from 'zod';
import { bidSummary, nextCursor } from '../domain/crm/views.js';
import { BID_STATUSES } from '../store/schema.js';
import { READ_ONLY, defineTool } from './define-tool.js';
import { pageInput } from './projects-list.js';
import { bidLine, listText } from './text-format.js';
import { BID_PIPELINE } from '../views/registry.js';

export const bidsList = defineTool({
  name: 'bids.list',
  title: 'List bids',
  description:
    'List bids in the tenant, longest in their current status first. Filter by `status` (draft, submitted, negotiation, won, lost), `min_days_in_status` (e.g. bids in negotiation for more than 14 days → `{ "status": "negotiation", "min_days_in_status": 14 }`), `project_id` or `company_id`. Each bid has a human number like #123; use `bids.get` for its history and notes.',
  input: z.object({
    status: z.enum(BID_STATUSES).optional().describe('Only bids currently in this status.'),
    min_days_in_status: z
      .number()
      .int()
      .min(0)
      .max(3650)
      .optional()
      .describe('Only bids whose current status began at least this many days ago.'),
    project_id: z.string().trim().min(1).max(100).optional().describe('Only bids on this project.'),
    company_id: z.string().trim().min(1).max(100).optional().describe('Only bids with this company.'),
    ...pageInput,
  }),
  output: z.object({ bids: z.array(bidSummary), next_cursor: nextCursor }),
  annotations: READ_ONLY,
  scopes: ['bids:read'],
  view: BID_PIPELINE,
  invoking: 'Listing bids…',
  invoked: 'Listed bids',
  run: (input, { crm }) => crm.listBids(input),
  text: (out) => listText('bids', out.bids.map(bidLine), out.next_cursor),
});
