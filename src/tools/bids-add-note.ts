import { z } from 'zod';
import { changeControls } from './change-schemas.js';
import { defineChangeTool } from './define-change-tool.js';

export const bidsAddNote = defineChangeTool({
  name: 'bids.add_note',
  title: 'Add a note to a bid',
  description:
    'Adds a note to a bid, e.g. "Follow-up email sent to Jane" after draft_bid_followup and send_email.',
  input: z.strictObject({
    bid: z.string().trim().min(1).max(100).describe('"#123", "123" or a bid id.'),
    body: z.string().trim().min(1).max(2000).describe('The note, as the user wants it recorded.'),
    ...changeControls,
  }),
  scopes: ['bids:read', 'bids:write'],
  invoking: 'Preparing the note…',
  invoked: 'Bid note handled',
  request: ({ bid, body }) => ({ tool: 'bids.add_note', bid, body }),
});
