import { z } from 'zod';
import { PROJECT_STATUSES } from '../store/schema.js';
import { changeControls } from './change-schemas.js';
import { defineChangeTool } from './define-change-tool.js';

export const projectsUpdateStatus = defineChangeTool({
  name: 'projects.update_status',
  title: 'Change a project’s status',
  description: 'Moves a project to another status (bidding, active, on_hold, completed, cancelled).',
  input: z.strictObject({
    project: z.string().trim().min(1).max(100).describe('The project id (from projects.list).'),
    status: z.enum(PROJECT_STATUSES).describe('The new status.'),
    reason: z.string().trim().min(1).max(500).optional().describe('Why (kept in the audit log).'),
    ...changeControls,
  }),
  scopes: ['projects:read', 'bids:write'],
  invoking: 'Preparing the status change…',
  invoked: 'Project status handled',
  request: ({ project, status, reason }) => ({
    tool: 'projects.update_status',
    project,
    status,
    reason: reason ?? null,
  }),
});
