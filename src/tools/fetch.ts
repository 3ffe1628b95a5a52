import { z } from 'zod';
import { fetchCrm, fetchedDocument } from '../domain/crm/deep-research.js';
import { READ_ONLY, defineTool } from './define-tool.js';

/** The deep-research `fetch` contract: the text block is exactly the JSON of the document. */
export const fetchDocument = defineTool({
  name: 'fetch',
  title: 'Fetch a BuildWorkPro record',
  description:
    'Fetch the full record for an `id` returned by `search` (e.g. "bid:123", "project:<id>", "company:<id>", "contact:<id>"). Returns its title, a URI and the complete record as text.',
  input: z.object({ id: z.string().trim().min(3).max(120).describe('A result id from `search`.') }),
  output: fetchedDocument,
  annotations: READ_ONLY,
  scopes: ['projects:read'],
  invoking: 'Fetching record…',
  invoked: 'Fetched record',
  run: (input, { crm }) => fetchCrm(crm, input.id),
  text: (out) => JSON.stringify(out),
});
