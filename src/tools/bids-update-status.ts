import { z } from 'zod';
import { BID_STATUSES } from '../store/schema.js';
import { changeControls } from './change-schemas.js';
import { defineChangeTool } from './define-change-tool.js';

export const bidsUpdateStatus = defineChangeTool({
  name: 'bids.update_status',
  title: 'Change a bid’s status',
  description:
    'Moves a bid to another status (draft, submitted, negotiation, won, lost) with the reason, recorded in the bid’s status history.',
  input: z.strictObject({
    bid: z.string().trim().min(1).max(100).describe('"#123", "123" or a bid id.'),
    status: z.enum(BID_STATUSES).describe('The new status.'),
    reason: z.string().trim().min(1).max(500).describe('Why, in the user’s words (kept in the history).'),
    ...changeControls,
  }),
  scopes: ['bids:read', 'bids:write'],
  invoking: 'Preparing the status change…',
  invoked: 'Bid status handled',
  request: ({ bid, status, reason }) => ({ tool: 'bids.update_status', bid, status, reason }),
});
