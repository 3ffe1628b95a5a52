import { z } from 'zod';
import { contactView, nextCursor } from '../domain/crm/views.js';
import { READ_ONLY, defineTool } from './define-tool.js';
import { pageInput } from './projects-list.js';
import { contactLine, listText } from './text-format.js';

export const contactsSearch = defineTool({
  name: 'contacts.search',
  title: 'Search contacts',
  description:
    'Find people in the tenant’s CRM. Combine any of: `email` (exact, case-insensitive), `name` (part of first/last name, email or title) and `company` (part of the company name). Example: the contact at Acme Construction whose email is jane@example.com → `{ "company": "Acme Construction", "email": "jane@example.com" }`.',
  input: z.object({
    email: z.string().trim().min(3).max(320).optional().describe('Exact email address (any case).'),
    name: z.string().trim().min(1).max(200).optional().describe('Part of the person’s name, email or title.'),
    company: z.string().trim().min(1).max(200).optional().describe('Part of the company name.'),
    ...pageInput,
  }),
  output: z.object({ contacts: z.array(contactView), next_cursor: nextCursor }),
  annotations: READ_ONLY,
  scopes: ['contacts:read'],
  invoking: 'Searching contacts…',
  invoked: 'Searched contacts',
  run: (input, { crm }) => crm.searchContacts(input),
  text: (out) => listText('contacts', out.contacts.map(contactLine), out.next_cursor),
});
