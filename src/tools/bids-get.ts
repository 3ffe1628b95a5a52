import { z } from 'zod';
import { bidDetail } from '../domain/crm/views.js';
import { READ_ONLY, defineTool } from './define-tool.js';
import { bidLine } from './text-format.js';
import { BID_DETAIL } from '../views/registry.js';

export const bidsGet = defineTool({
  name: 'bids.get',
  title: 'Get a bid',
  description:
    'Get one bid with its status history and notes. `bid` accepts the bid number as "#123" or "123", or the bid id.',
  input: z.object({ bid: z.string().trim().min(1).max(100).describe('"#123", "123" or a bid id.') }),
  output: bidDetail,
  annotations: READ_ONLY,
  scopes: ['bids:read'],
  view: BID_DETAIL,
  invoking: 'Opening bid…',
  invoked: 'Opened bid',
  run: (input, { crm }) => crm.getBid(input.bid),
  text: (b) =>
    [
      bidLine(b).slice(2),
      `History: ${b.history.map((h) => `${h.to} on ${h.at.slice(0, 10)}`).join(' → ')}`,
      b.notes.length === 0
        ? 'No notes.'
        : `Notes:\n${b.notes.map((n) => `- ${n.at.slice(0, 10)} ${n.author ?? ''}: ${n.body}`).join('\n')}`,
    ].join('\n'),
});
