import { z } from 'zod';
import { bidLine, projectLine } from '../tools/text-format.js';
import { definePrompt } from './define-prompt.js';

const OPEN_STATUSES = ['active', 'bidding', 'on_hold'] as const;

export const summarizeOpenProjects = definePrompt({
  name: 'summarize_open_projects',
  title: 'Summarize open projects',
  description:
    'A status brief of every open project (active, bidding, on hold) and the bids in negotiation, ready to turn into a short update (for example a one-paragraph Slack post).',
  args: z.object({
    audience: z
      .string()
      .max(200)
      .optional()
      .describe('Who the summary is for, e.g. "the leadership Slack channel".'),
  }),
  scopes: ['projects:read', 'bids:read'],
  async render(args, { crm, principal }) {
    const pages = await Promise.all(OPEN_STATUSES.map((status) => crm.listProjects({ status, limit: 100 })));
    const negotiating = await crm.listBids({ status: 'negotiation', limit: 100 });
    const sections = OPEN_STATUSES.map((status, index) => {
      const projects = pages[index]?.projects ?? [];
      return `${status.replace('_', ' ')} (${projects.length}):\n${projects.map(projectLine).join('\n') || '- none'}`;
    });
    return [
      `Summarize the open projects of ${principal.tenantName}${args.audience ? ` for ${args.audience}` : ''}.`,
      'Lead with what needs attention (schedule risk, bids waiting longest, projects on hold), then the overall picture. Use only the data below; do not invent figures.',
      '',
      ...sections,
      '',
      `Bids in negotiation (${negotiating.bids.length}), longest waiting first:`,
      negotiating.bids.map(bidLine).join('\n') || '- none',
    ].join('\n');
  },
});
