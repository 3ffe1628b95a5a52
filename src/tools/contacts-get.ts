import { z } from 'zod';
import { contactView } from '../domain/crm/views.js';
import { READ_ONLY, defineTool } from './define-tool.js';
import { contactLine } from './text-format.js';

export const contactsGet = defineTool({
  name: 'contacts.get',
  title: 'Get a contact',
  description: 'Get one person by `id` (from `contacts.search`): name, email, phone, title and company.',
  input: z.object({ id: z.string().trim().min(1).max(100).describe('Contact id.') }),
  output: contactView,
  annotations: READ_ONLY,
  scopes: ['contacts:read'],
  invoking: 'Opening contact…',
  invoked: 'Opened contact',
  run: (input, { crm }) => crm.getContact(input.id),
  text: (c) => contactLine(c).slice(2),
});
