import { z } from 'zod';
import type { CrmReader } from '../../domain/crm/crm-reader.js';
import {
  bidDetail,
  bidSummary,
  companyDetail,
  companySummary,
  contactView,
  nextCursor,
  projectDetail,
  projectSummary,
} from '../../domain/crm/views.js';
import type { Principal } from '../../domain/principal.js';
import type { BackendClient } from './backend-client.js';

const PROJECTS = z.object({ projects: z.array(projectSummary), next_cursor: nextCursor });
const COMPANIES = z.object({ companies: z.array(companySummary), next_cursor: nextCursor });
const CONTACTS = z.object({ contacts: z.array(contactView), next_cursor: nextCursor });
const BIDS = z.object({ bids: z.array(bidSummary), next_cursor: nextCursor });

/** A path segment: ids and bid references travel percent-encoded (`#123` → `%23123`). */
const segment = encodeURIComponent;

/**
 * The CRM reads of another deployment's `/api/v1`, for one principal. Unshaped by itself: the
 * remote backend wraps it in `scopedCrm`, exactly like the local one (and the backend narrows the
 * key's scopes to the principal's as well).
 */
export function remoteCrm(client: BackendClient, principal: Principal): CrmReader {
  const get = <S extends z.ZodType>(
    path: string,
    schema: S,
    query?: Record<string, string | number | undefined>,
  ) => client.call({ method: 'GET', path, principal, ...(query !== undefined && { query }) }, schema);
  return {
    listProjects: (input) => get('/projects', PROJECTS, { ...input }),
    getProject: (id) => get(`/projects/${segment(id)}`, projectDetail),
    listCompanies: (input) => get('/companies', COMPANIES, { ...input }),
    getCompany: (id) => get(`/companies/${segment(id)}`, companyDetail),
    searchContacts: (input) => get('/contacts', CONTACTS, { ...input }),
    getContact: (id) => get(`/contacts/${segment(id)}`, contactView),
    listBids: (input) => get('/bids', BIDS, { ...input }),
    findBid: (reference) => get(`/bids/${segment(reference)}`, bidSummary),
    getBid: (reference) => get(`/bids/${segment(reference)}`, bidDetail),
  };
}
