import { z } from 'zod';
import { searchCrm, searchResults } from '../domain/crm/deep-research.js';
import { READ_ONLY, defineTool } from './define-tool.js';

/** The deep-research `search` contract: the text block is exactly the JSON of the results. */
export const search = defineTool({
  name: 'search',
  title: 'Search BuildWorkPro',
  description:
    'Search the tenant’s projects, bids, companies and contacts for a query (a name, place, company or bid number such as "#123"). Returns result ids to pass to `fetch` for the full record. Only kinds the connection may read are searched.',
  input: z.object({ query: z.string().trim().min(1).max(200).describe('What to look for.') }),
  output: searchResults,
  annotations: READ_ONLY,
  scopes: ['projects:read'],
  invoking: 'Searching BuildWorkPro…',
  invoked: 'Searched BuildWorkPro',
  run: (input, { crm, principal }) => searchCrm(crm, input.query, principal.scopes),
  text: (out) => JSON.stringify(out),
});
