import type { Kysely, Transaction } from 'kysely';
import type {
  BidNoteRow,
  BidRow,
  BidStatusChangeRow,
  CompanyRow,
  ContactRow,
  Database,
  ProjectRow,
} from './schema.js';

type Executor = Kysely<Database> | Transaction<Database>;

export type NewCompany = Omit<CompanyRow, 'tenant_id' | 'name_key'>;
export type NewContact = Omit<ContactRow, 'tenant_id' | 'email_key' | 'search_text'>;
export type NewProject = Omit<ProjectRow, 'tenant_id' | 'name_key' | 'search_text'>;
export type NewBid = Omit<BidRow, 'tenant_id'>;
export type NewBidStatusChange = Omit<BidStatusChangeRow, 'tenant_id' | 'reason'> & {
  reason?: string | null;
};
export type NewBidNote = Omit<BidNoteRow, 'tenant_id'>;

/** Rows per INSERT: keeps every statement under SQLite's and PostgreSQL's bound-parameter limits. */
const CHUNK = 500;

/** Writes `rows` in statements of at most CHUNK rows each, in order. */
async function inChunks<R>(rows: readonly R[], write: (chunk: R[]) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < rows.length; start += CHUNK) await write(rows.slice(start, start + CHUNK));
}

const lower = (...parts: (string | null)[]) =>
  parts
    .filter((part): part is string => part !== null)
    .join(' ')
    .toLowerCase();

/**
 * Inserts CRM rows for one tenant, deriving the lower-cased key and search columns so no caller
 * can get them wrong. Used by the demo loader and the CSV importer, inside their transactions.
 */
export function crmWriter(db: Executor, tenantId: string) {
  return {
    companies: (rows: NewCompany[]) =>
      inChunks(
        rows.map((row) => ({ ...row, tenant_id: tenantId, name_key: row.name.trim().toLowerCase() })),
        (chunk) => db.insertInto('companies').values(chunk).execute(),
      ),
    contacts: (rows: NewContact[]) =>
      inChunks(
        rows.map((row) => ({
          ...row,
          tenant_id: tenantId,
          email_key: row.email.trim().toLowerCase(),
          search_text: lower(row.first_name, row.last_name, row.email, row.title),
        })),
        (chunk) => db.insertInto('contacts').values(chunk).execute(),
      ),
    projects: (rows: NewProject[]) =>
      inChunks(
        rows.map((row) => ({
          ...row,
          tenant_id: tenantId,
          name_key: row.name.trim().toLowerCase(),
          search_text: lower(row.name, row.location, row.description),
        })),
        (chunk) => db.insertInto('projects').values(chunk).execute(),
      ),
    bids: (rows: NewBid[]) =>
      inChunks(
        rows.map((row) => ({ ...row, tenant_id: tenantId })),
        (chunk) => db.insertInto('bids').values(chunk).execute(),
      ),
    bidStatusChanges: (rows: NewBidStatusChange[]) =>
      inChunks(
        rows.map((row) => ({ ...row, reason: row.reason ?? null, tenant_id: tenantId })),
        (chunk) => db.insertInto('bid_status_changes').values(chunk).execute(),
      ),
    bidNotes: (rows: NewBidNote[]) =>
      inChunks(
        rows.map((row) => ({ ...row, tenant_id: tenantId })),
        (chunk) => db.insertInto('bid_notes').values(chunk).execute(),
      ),
  };
}
