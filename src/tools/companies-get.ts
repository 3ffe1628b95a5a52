import { z } from 'zod';
import { companyDetail } from '../domain/crm/views.js';
import { READ_ONLY, defineTool } from './define-tool.js';
import { contactLine, projectLine, withheld } from './text-format.js';

export const companiesGet = defineTool({
  name: 'companies.get',
  title: 'Get a company',
  description:
    'Get one company by `id` (from `companies.list`), with the people at it and the projects it is the client of.',
  input: z.object({ id: z.string().trim().min(1).max(100).describe('Company id.') }),
  output: companyDetail,
  annotations: READ_ONLY,
  scopes: ['contacts:read'],
  invoking: 'Opening company…',
  invoked: 'Opened company',
  run: (input, { crm }) => crm.getCompany(input.id),
  text: (c) =>
    [
      `${c.name} (${c.kind})${c.city ? `, ${c.city}` : ''}${c.phone ? `, ${c.phone}` : ''}${c.website ? `, ${c.website}` : ''}`,
      c.contacts.length === 0 ? 'No contacts.' : `Contacts:\n${c.contacts.map(contactLine).join('\n')}`,
      c.projects === undefined
        ? `Projects: ${withheld('projects:read')}`
        : c.projects.length === 0
          ? 'Client of no projects.'
          : `Projects:\n${c.projects.map(projectLine).join('\n')}`,
    ].join('\n'),
});
