import { z } from 'zod';
import { DomainError, invalidInput } from '../errors.js';
import type { Scope } from '../scopes.js';
import { parseBidReference } from './bid-reads.js';
import type { CrmReader } from './crm-reader.js';
import { type RecordKind, canRead } from './view-shaping.js';

/**
 * The `search` / `fetch` pair in the shape ChatGPT deep research and company knowledge expect:
 * search returns `{results: [{id, title, url}]}`, fetch returns `{id, title, text, url, metadata}`.
 * Ids are typed (`project:<id>`, `company:<id>`, `contact:<id>`, `bid:<number>`) so fetch needs
 * no guessing.
 */
export const searchResults = z.object({
  results: z.array(z.object({ id: z.string(), title: z.string(), url: z.string() })),
});
export type SearchResults = z.infer<typeof searchResults>;

export const fetchedDocument = z.object({
  id: z.string(),
  title: z.string(),
  text: z.string(),
  url: z.string(),
  metadata: z.record(z.string(), z.string()).optional(),
});
export type FetchedDocument = z.infer<typeof fetchedDocument>;

const PER_KIND = 5;

const none = { projects: [], companies: [], contacts: [], bids: [], next_cursor: null };

/** A number that names no bid is simply no result; any other failure (the database) is not. */
function noSuchBid(error: unknown): undefined {
  if (error instanceof DomainError && error.code === 'not_found') return undefined;
  throw error;
}

export async function searchCrm(
  crm: CrmReader,
  query: string,
  scopes: readonly Scope[],
): Promise<SearchResults> {
  const term = query.trim();
  // Search skips kinds the grant cannot read (the reader would refuse them).
  const can = (kind: RecordKind) => canRead(scopes, kind);
  const bidRef = parseBidReference(term);
  const [projects, companies, contacts, bid] = await Promise.all([
    can('project') ? crm.listProjects({ query: term, limit: PER_KIND }) : none,
    can('company') ? crm.listCompanies({ query: term, limit: PER_KIND }) : none,
    can('contact') ? crm.searchContacts({ name: term, limit: PER_KIND }) : none,
    can('bid') && 'number' in bidRef ? crm.findBid(term).catch(noSuchBid) : undefined,
  ]);
  const projectBids = can('bid')
    ? await Promise.all(
        projects.projects.slice(0, 2).map((p) => crm.listBids({ project_id: p.id, limit: PER_KIND })),
      )
    : [];
  const bids = [...(bid === undefined ? [] : [bid]), ...projectBids.flatMap((page) => page.bids)];
  return {
    results: [
      ...bids.map((b) => ({ id: `bid:${b.number}`, title: `Bid ${b.label}: ${b.title}`, url: b.uri })),
      ...projects.projects.map((p) => ({ id: `project:${p.id}`, title: `Project: ${p.name}`, url: p.uri })),
      ...companies.companies.map((c) => ({
        id: `company:${c.id}`,
        title: `Company: ${c.name}`,
        url: `buildworkpro://companies/${c.id}`,
      })),
      ...contacts.contacts.map((c) => ({
        id: `contact:${c.id}`,
        title: `Contact: ${c.name}${c.company ? ` (${c.company.name})` : ''}`,
        url: c.uri,
      })),
    ].filter((item, index, all) => all.findIndex((other) => other.id === item.id) === index),
  };
}

/** One document by its search id; the scoped reader refuses a kind the grant cannot read. */
export async function fetchCrm(crm: CrmReader, id: string): Promise<FetchedDocument> {
  const separator = id.indexOf(':');
  const kind = id.slice(0, separator);
  const key = id.slice(separator + 1);
  switch (separator > 0 ? kind : '') {
    case 'project': {
      const p = await crm.getProject(key);
      return {
        id,
        title: `Project: ${p.name}`,
        url: p.uri,
        text: JSON.stringify(p, null, 2),
        metadata: { kind: 'project', status: p.status },
      };
    }
    case 'bid': {
      const b = await crm.getBid(key);
      return {
        id,
        title: `Bid ${b.label}: ${b.title}`,
        url: b.uri,
        text: JSON.stringify(b, null, 2),
        metadata: { kind: 'bid', status: b.status },
      };
    }
    case 'company': {
      const c = await crm.getCompany(key);
      return {
        id,
        title: `Company: ${c.name}`,
        url: `buildworkpro://companies/${c.id}`,
        text: JSON.stringify(c, null, 2),
        metadata: { kind: 'company' },
      };
    }
    case 'contact': {
      const c = await crm.getContact(key);
      return {
        id,
        title: `Contact: ${c.name}`,
        url: c.uri,
        text: JSON.stringify(c, null, 2),
        metadata: { kind: 'contact' },
      };
    }
    default:
      throw invalidInput(
        `${JSON.stringify(id)} is not a search result id.`,
        'Pass an `id` exactly as returned by `search`, e.g. "bid:123" or "project:<id>".',
      );
  }
}
