import { z } from 'zod';
import { projectDetail } from '../domain/crm/views.js';
import { READ_ONLY, defineTool } from './define-tool.js';
import { bidLine, projectLine, withheld } from './text-format.js';

export const projectsGet = defineTool({
  name: 'projects.get',
  title: 'Get a project',
  description:
    'Get one project by its `id` (from `projects.list` or `search`), with its description, client and every bid on it.',
  input: z.object({ id: z.string().trim().min(1).max(100).describe('Project id.') }),
  output: projectDetail,
  annotations: READ_ONLY,
  scopes: ['projects:read'],
  invoking: 'Opening project…',
  invoked: 'Opened project',
  run: (input, { crm }) => crm.getProject(input.id),
  text: (p) =>
    [
      projectLine(p).slice(2),
      p.description ?? '',
      p.bids === undefined
        ? `Bids: ${withheld('bids:read')}`
        : p.bids.length === 0
          ? 'No bids.'
          : `Bids:\n${p.bids.map(bidLine).join('\n')}`,
    ].join('\n'),
});
