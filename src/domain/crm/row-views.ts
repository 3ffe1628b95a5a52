import { daysBetween } from '../../lib/clock.js';
import type { BidSummary, ContactView, ProjectSummary } from './views.js';

/** Rows as the repository reads them → the views clients see (money in dollars, names joined). */
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
