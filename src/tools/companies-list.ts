import { z } from 'zod';
import { companySummary, nextCursor } from '../domain/crm/views.js';
import { READ_ONLY, defineTool } from './define-tool.js';
import { pageInput } from './projects-list.js';
import { listText } from './text-format.js';

export const companiesList = defineTool({
  name: 'companies.list',
  title: 'List companies',
  description:
    'List companies (clients, general contractors, subcontractors, suppliers, architects) in the tenant, sorted by name, optionally filtered by a case-insensitive `query` on the name. Use `companies.get` for a company’s contacts and projects.',
  input: z.object({
    query: z.string().trim().min(1).max(200).optional().describe('Text to look for in the company name.'),
    ...pageInput,
  }),
  output: z.object({ companies: z.array(companySummary), next_cursor: nextCursor }),
  annotations: READ_ONLY,
  scopes: ['contacts:read'],
  invoking: 'Listing companies…',
  invoked: 'Listed companies',
  run: (input, { crm }) => crm.listCompanies(input),
  text: (out) =>
    listText(
      'companies',
      out.companies.map((c) => `- ${c.name} (${c.kind})${c.city ? `, ${c.city}` : ''} (id ${c.id})`),
      out.next_cursor,
    ),
});
