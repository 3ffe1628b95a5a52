import { z } from 'zod';
import { related, usd } from '../tools/text-format.js';
import { definePrompt } from './define-prompt.js';

export const draftBidFollowup = definePrompt({
  name: 'draft_bid_followup',
  title: 'Draft a bid follow-up email',
  description:
    'Drafts a follow-up email to the contact on a bid, using the bid’s amount, status, how long it has waited and its notes. Argument `bid`: "#123", "123" or a bid id.',
  args: z.object({
    bid: z.string().trim().min(1).max(100).describe('The bid: "#123", "123" or its id.'),
  }),
  scopes: ['bids:read'],
  async render(args, { crm, principal }) {
    const bid = await crm.getBid(args.bid);
    const recipient =
      bid.contact === null
        ? 'the client contact (none on file: ask the user)'
        : related(bid.contact, 'contacts:read', (c) => `${c.name} <${c.email}>`);
    return [
      `Draft a short, friendly, professional follow-up email from ${principal.tenantName} about bid ${bid.label}.`,
      '',
      `To: ${recipient}`,
      `Company: ${related(bid.company, 'contacts:read', (c) => c.name)}`,
      `Project: ${related(bid.project, 'projects:read', (p) => p.name)}`,
      `Bid: ${bid.label} — ${bid.title} — ${usd(bid.amount_usd)}`,
      `Status: ${bid.status} for ${bid.days_in_status} days (since ${bid.status_since.slice(0, 10)})${bid.due_date ? `; decision due ${bid.due_date}` : ''}`,
      `History: ${bid.history.map((h) => `${h.to} ${h.at.slice(0, 10)}`).join(' → ')}`,
      'Notes:',
      bid.notes.map((n) => `- ${n.at.slice(0, 10)}: ${n.body}`).join('\n') || '- none',
      '',
      'Reference the open points in the notes, propose a concrete next step (a call this week or a revised number by a date), and keep it under 150 words. Give a subject line. Do not send it: show the draft for review (it can be previewed with `preview_send`).',
    ].join('\n');
  },
});
