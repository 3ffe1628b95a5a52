import { z } from 'zod';
import { BID_STATUSES, PROJECT_STATUSES } from '../../store/schema.js';

/**
 * The shapes the CRM shows to clients. They double as the tools' output schemas, so what a tool
 * returns and what `tools/list` promises are one definition. A field that belongs to another kind
 * of record than the view's own is optional and names the scope that shows it: `view-shaping.ts`
 * leaves it out when the grant lacks that scope.
 */
const ref = z.object({ id: z.string(), name: z.string() });
const needs = (scope: string, what: string) => `${what} Present only when the grant has ${scope}.`;

export const projectSummary = z.object({
  id: z.string(),
  name: z.string(),
  status: z.enum(PROJECT_STATUSES),
  client: ref.nullable(),
  location: z.string().nullable(),
  value_usd: z.number().nullable().describe('Contract or estimated value in US dollars.'),
  start_date: z.string().nullable(),
  end_date: z.string().nullable(),
  uri: z.string().describe('Resource URI of this project.'),
});
export type ProjectSummary = z.infer<typeof projectSummary>;

export const bidSummary = z.object({
  id: z.string(),
  number: z.number().int(),
  label: z.string().describe('Human bid number, e.g. "#123".'),
  title: z.string(),
  status: z.enum(BID_STATUSES),
  amount_usd: z.number(),
  status_since: z.string().describe('When the current status began (ISO 8601).'),
  days_in_status: z.number().int(),
  due_date: z.string().nullable(),
  project: ref.optional().describe(needs('projects:read', 'The project the bid is for.')),
  company: ref.nullable().optional().describe(needs('contacts:read', 'The bidding company.')),
  contact: z
    .object({ id: z.string(), name: z.string(), email: z.string() })
    .nullable()
    .optional()
    .describe(needs('contacts:read', 'The person to talk to about the bid.')),
  uri: z.string(),
});
export type BidSummary = z.infer<typeof bidSummary>;

export const companySummary = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.string(),
  city: z.string().nullable(),
  phone: z.string().nullable(),
  website: z.string().nullable(),
});
export type CompanySummary = z.infer<typeof companySummary>;

export const contactView = z.object({
  id: z.string(),
  name: z.string(),
  first_name: z.string(),
  last_name: z.string(),
  email: z.string(),
  phone: z.string().nullable(),
  title: z.string().nullable(),
  company: ref.nullable(),
  uri: z.string(),
});
export type ContactView = z.infer<typeof contactView>;

export const projectDetail = projectSummary.extend({
  description: z.string().nullable(),
  bids: z.array(bidSummary).optional().describe(needs('bids:read', 'Every bid on the project.')),
});
export type ProjectDetail = z.infer<typeof projectDetail>;

export const companyDetail = companySummary.extend({
  contacts: z.array(contactView),
  projects: z
    .array(projectSummary)
    .optional()
    .describe(needs('projects:read', 'The projects this company is the client of.')),
});
export type CompanyDetail = z.infer<typeof companyDetail>;

export const bidDetail = bidSummary.extend({
  history: z.array(
    z.object({
      from: z.enum(BID_STATUSES).nullable(),
      to: z.enum(BID_STATUSES),
      at: z.string(),
      reason: z.string().nullable().describe('Why, when the change was made with bids.update_status.'),
    }),
  ),
  notes: z.array(z.object({ author: z.string().nullable(), body: z.string(), at: z.string() })),
});
export type BidDetail = z.infer<typeof bidDetail>;

export const nextCursor = z
  .string()
  .nullable()
  .describe('Pass as `cursor` (with the same filters) to get the next page; null on the last page.');
