import type { BidStatus, ProjectStatus } from '../../store/schema.js';
import type {
  BidDetail,
  BidSummary,
  CompanyDetail,
  CompanySummary,
  ContactView,
  ProjectDetail,
  ProjectSummary,
} from './views.js';

export interface PageInput {
  limit?: number | undefined;
  cursor?: string | undefined;
}
export interface ProjectListInput extends PageInput {
  status?: ProjectStatus | undefined;
  query?: string | undefined;
}
export interface CompanyListInput extends PageInput {
  query?: string | undefined;
}
export interface ContactSearchInput extends PageInput {
  email?: string | undefined;
  name?: string | undefined;
  company?: string | undefined;
}
export interface BidListInput extends PageInput {
  status?: BidStatus | undefined;
  min_days_in_status?: number | undefined;
  project_id?: string | undefined;
  company_id?: string | undefined;
}

/**
 * The CRM reads every face asks for, for one tenant. The store-backed service implements it, and
 * `scopedCrm` wraps any implementation (this deployment's, or a client of another one) so that
 * what it returns is shaped by the principal's scopes.
 */
export interface CrmReader {
  listProjects(input: ProjectListInput): Promise<{ projects: ProjectSummary[]; next_cursor: string | null }>;
  getProject(id: string): Promise<ProjectDetail>;
  listCompanies(
    input: CompanyListInput,
  ): Promise<{ companies: CompanySummary[]; next_cursor: string | null }>;
  getCompany(id: string): Promise<CompanyDetail>;
  searchContacts(input: ContactSearchInput): Promise<{ contacts: ContactView[]; next_cursor: string | null }>;
  getContact(id: string): Promise<ContactView>;
  listBids(input: BidListInput): Promise<{ bids: BidSummary[]; next_cursor: string | null }>;
  /** A bid's summary only, for callers that need no history or notes (search, send_email's bid). */
  findBid(reference: string): Promise<BidSummary>;
  getBid(reference: string): Promise<BidDetail>;
}
