import type { BidSummary, ContactView, ProjectSummary } from '../domain/crm/views.js';

/** Plain-text renderings for the readable block each tool returns beside its structured content. */
const usdFormat = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  maximumFractionDigits: 0,
});

export const usd = (value: number | null) => (value === null ? 'value n/a' : usdFormat.format(value));

export const projectLine = (p: ProjectSummary) =>
  `- ${p.name} [${p.status}] — client: ${p.client?.name ?? 'n/a'} — ${p.location ?? 'no location'} — ${usd(p.value_usd)} — ${p.start_date ?? '?'} to ${p.end_date ?? '?'} (id ${p.id})`;

export const bidLine = (b: BidSummary) =>
  `- Bid ${b.label} ${b.title} [${b.status} for ${b.days_in_status} days] — ${usd(b.amount_usd)} — project: ${b.project.name} — company: ${b.company?.name ?? 'n/a'} — contact: ${b.contact ? `${b.contact.name} <${b.contact.email}>` : 'n/a'}`;

export const contactLine = (c: ContactView) =>
  `- ${c.name} <${c.email}>${c.title ? `, ${c.title}` : ''}${c.company ? ` at ${c.company.name}` : ''}${c.phone ? `, ${c.phone}` : ''} (id ${c.id})`;

export function listText(noun: string, lines: string[], nextCursor: string | null): string {
  if (lines.length === 0) return `No ${noun} matched.`;
  const more = nextCursor === null ? '' : '\nMore results: call again with `cursor` set to next_cursor.';
  return `${lines.length} ${noun}:\n${lines.join('\n')}${more}`;
}
