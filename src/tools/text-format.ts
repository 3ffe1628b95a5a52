import type { BidSummary, ContactView, ProjectSummary } from '../domain/crm/views.js';
import { wholeDollars } from './usd.js';

/** Plain-text renderings for the readable block each tool returns beside its structured content. */
export const usd = (value: number | null) => (value === null ? 'value n/a' : wholeDollars(value));

/**
 * List lines separate their fields with ASCII ` | `, not an em dash: one character outside
 * Latin-1 makes V8 store the whole text, and the JSON answer built around it, as two-byte
 * strings — on the bench's page of 20 projects 103 instead of 70 KB allocated per call, and a
 * slower UTF-8 encode. The rows' own text (names, emails) is what it is.
 */
export const projectLine = (p: ProjectSummary) =>
  `- ${p.name} [${p.status}] | client: ${p.client?.name ?? 'n/a'} | ${p.location ?? 'no location'} | ${usd(p.value_usd)} | ${p.start_date ?? '?'} to ${p.end_date ?? '?'} (id ${p.id})`;

/** What a readable line says where a field was left out because the grant lacks its scope. */
export const withheld = (scope: string) => `(needs ${scope})`;

/** A related record's text: withheld when absent, 'n/a' when the record has none. */
export function related<T>(value: T | null | undefined, scope: string, render: (value: T) => string): string {
  if (value === undefined) return withheld(scope);
  return value === null ? 'n/a' : render(value);
}

export const bidLine = (b: BidSummary) =>
  `- Bid ${b.label} ${b.title} [${b.status} for ${b.days_in_status} days] | ${usd(b.amount_usd)} | project: ${related(b.project, 'projects:read', (p) => p.name)} | company: ${related(b.company, 'contacts:read', (c) => c.name)} | contact: ${related(b.contact, 'contacts:read', (c) => `${c.name} <${c.email}>`)}`;

export const contactLine = (c: ContactView) =>
  `- ${c.name} <${c.email}>${c.title ? `, ${c.title}` : ''}${c.company ? ` at ${c.company.name}` : ''}${c.phone ? `, ${c.phone}` : ''} (id ${c.id})`;

export function listText(noun: string, lines: string[], nextCursor: string | null): string {
  if (lines.length === 0) return `No ${noun} matched.`;
  const more = nextCursor === null ? '' : '\nMore results: call again with `cursor` set to next_cursor.';
  return `${lines.length} ${noun}:\n${lines.join('\n')}${more}`;
}
