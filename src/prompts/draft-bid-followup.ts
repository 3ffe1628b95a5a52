import { z } from 'zod';
import { hasScopes } from '../domain/principal.js';
import type { Principal } from '../domain/principal.js';
import { related, usd } from '../tools/text-format.js';
import { definePrompt } from './define-prompt.js';

/**
 * The prompt's last step: log the follow-up on the bid as a note, through `bids.add_note`, which
 * shows the note and adds it only after the person confirms. The key names the bid and the note
 * it would be, so a retry of the same log reuses it and a later follow-up gets a new one.
 */
function logStep(principal: Principal, bid: { label: string; notes: readonly unknown[] }): string {
  if (!hasScopes(principal, ['bids:write']))
    return `Logging this follow-up on bid ${bid.label} needs the bids:write scope, which this connection was not granted: if the user wants it logged, they can reconnect this app and grant bids:write on the consent screen.`;
  const call = {
    bid: bid.label,
    body: 'Follow-up email: <subject line>, sent <date> to <recipient>.',
    idempotency_key: `followup-${bid.label.replace('#', '')}-note-${bid.notes.length + 1}`,
  };
  return [
    `Then offer to log this follow-up on bid ${bid.label}. If the user agrees, call \`bids.add_note\` with ${JSON.stringify(call)} (fill in the note).`,
    'It asks before it acts: if the answer\'s outcome is "confirmation_required", show `change.summary` to the user and, only if they say yes, call again with the same arguments plus `change_id`; the note is added only then.',
  ].join(' ');
}

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
      '',
      logStep(principal, bid),
    ].join('\n');
  },
});
