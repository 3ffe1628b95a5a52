import { z } from 'zod';
import { bidLine, projectLine } from '../tools/text-format.js';
import { PROJECT_BRIEF } from '../views/registry.js';
import { definePrompt } from './define-prompt.js';

const OPEN_STATUSES = ['active', 'bidding', 'on_hold'] as const;

/**
 * A prompt's messages are text; an MCP Apps view renders a tool's result. So the brief is
 * offered through the tool it belongs to: hosts that render MCP Apps show `projects.list`'s
 * result as the Project brief view (sorted and filtered by status there), others its text.
 */
const BRIEF_STEP = `After the summary, show the projects as a brief the user can scan: call \`projects.list\` with {"limit": 100}. Apps that render MCP Apps views show it as the Project brief view (${PROJECT_BRIEF.uri}: status, client, value and dates, sorted and filtered by status in the view); elsewhere it is a list in text.`;

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
      '',
      BRIEF_STEP,
    ].join('\n');
  },
});
