import { z } from 'zod';
import { daysBetween } from '../../lib/clock.js';
import { BID_STATUSES, PROJECT_STATUSES } from '../../store/schema.js';

/**
 * The shapes the CRM shows to clients. They double as the tools' output schemas, so what a tool
 * returns and what `tools/list` promises are one definition.
 */
const ref = z.object({ id: z.string(), name: z.string() });

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
  project: ref,
  company: ref.nullable(),
  contact: z.object({ id: z.string(), name: z.string(), email: z.string() }).nullable(),
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
  bids: z.array(bidSummary),
});

export const companyDetail = companySummary.extend({
  contacts: z.array(contactView),
  projects: z.array(projectSummary),
});

export const bidDetail = bidSummary.extend({
  history: z.array(
    z.object({ from: z.enum(BID_STATUSES).nullable(), to: z.enum(BID_STATUSES), at: z.string() }),
  ),
  notes: z.array(z.object({ author: z.string().nullable(), body: z.string(), at: z.string() })),
});

export const nextCursor = z
  .string()
  .nullable()
  .describe('Pass as `cursor` (with the same filters) to get the next page; null on the last page.');

const dollars = (cents: number | null) => (cents === null ? null : cents / 100);
const orNull = <T>(id: T | null, name: string | null) => (id === null || name === null ? null : { id, name });

export function toProjectSummary(row: {
  id: string;
  name: string;
  status: ProjectSummary['status'];
  client_company_id: string | null;
  client_company_name: string | null;
  location: string | null;
  value_cents: number | null;
  start_date: string | null;
  end_date: string | null;
}): ProjectSummary {
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    client: orNull(row.client_company_id, row.client_company_name),
    location: row.location,
    value_usd: dollars(row.value_cents),
    start_date: row.start_date,
    end_date: row.end_date,
    uri: `buildworkpro://projects/${row.id}`,
  };
}

export function toBidSummary(
  row: {
    id: string;
    number: number;
    title: string;
    amount_cents: number;
    status: BidSummary['status'];
    status_since: string;
    due_date: string | null;
    project_id: string;
    project_name: string;
    company_id: string | null;
    company_name: string | null;
    contact_id: string | null;
    contact_first_name: string | null;
    contact_last_name: string | null;
    contact_email: string | null;
  },
  now: Date,
): BidSummary {
  return {
    id: row.id,
    number: row.number,
    label: `#${row.number}`,
    title: row.title,
    status: row.status,
    amount_usd: row.amount_cents / 100,
    status_since: row.status_since,
    days_in_status: daysBetween(row.status_since, now),
    due_date: row.due_date,
    project: { id: row.project_id, name: row.project_name },
    company: orNull(row.company_id, row.company_name),
    contact:
      row.contact_id === null || row.contact_email === null
        ? null
        : {
            id: row.contact_id,
            name: `${row.contact_first_name ?? ''} ${row.contact_last_name ?? ''}`.trim(),
            email: row.contact_email,
          },
    uri: `buildworkpro://bids/${row.number}`,
  };
}

export function toContactView(row: {
  id: string;
  first_name: string;
  last_name: string;
  email: string;
  phone: string | null;
  title: string | null;
  company_id: string | null;
  company_name: string | null;
}): ContactView {
  return {
    id: row.id,
    name: `${row.first_name} ${row.last_name}`,
    first_name: row.first_name,
    last_name: row.last_name,
    email: row.email,
    phone: row.phone,
    title: row.title,
    company: orNull(row.company_id, row.company_name),
    uri: `buildworkpro://contacts/${row.id}`,
  };
}
