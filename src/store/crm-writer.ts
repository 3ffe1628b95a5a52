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
export type NewProject = Omit<ProjectRow, 'tenant_id' | 'search_text'>;
export type NewBid = Omit<BidRow, 'tenant_id'>;
export type NewBidStatusChange = Omit<BidStatusChangeRow, 'tenant_id' | 'reason'> & {
  reason?: string | null;
};
export type NewBidNote = Omit<BidNoteRow, 'tenant_id'>;

/** Rows per INSERT: keeps every statement under SQLite's and PostgreSQL's bound-parameter limits. */
const CHUNK = 500;

async function insertAll<T extends keyof Database>(
  db: Executor,
  table: T,
  rows: Database[T][],
): Promise<void> {
  for (let start = 0; start < rows.length; start += CHUNK) {
    // Kysely's insert typing cannot follow a generic table name; callers pass rows of that table.
    await db
      .insertInto(table)
      .values(rows.slice(start, start + CHUNK) as never)
      .execute();
  }
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
      insertAll(
        db,
        'companies',
        rows.map((row) => ({ ...row, tenant_id: tenantId, name_key: row.name.trim().toLowerCase() })),
      ),
    contacts: (rows: NewContact[]) =>
      insertAll(
        db,
        'contacts',
        rows.map((row) => ({
          ...row,
          tenant_id: tenantId,
          email_key: row.email.trim().toLowerCase(),
          search_text: lower(row.first_name, row.last_name, row.email, row.title),
        })),
      ),
    projects: (rows: NewProject[]) =>
      insertAll(
        db,
        'projects',
        rows.map((row) => ({
          ...row,
          tenant_id: tenantId,
          search_text: lower(row.name, row.location, row.description),
        })),
      ),
    bids: (rows: NewBid[]) =>
      insertAll(
        db,
        'bids',
        rows.map((row) => ({ ...row, tenant_id: tenantId })),
      ),
    bidStatusChanges: (rows: NewBidStatusChange[]) =>
      insertAll(
        db,
        'bid_status_changes',
        rows.map((row) => ({ ...row, reason: row.reason ?? null, tenant_id: tenantId })),
      ),
    bidNotes: (rows: NewBidNote[]) =>
      insertAll(
        db,
        'bid_notes',
        rows.map((row) => ({ ...row, tenant_id: tenantId })),
      ),
  };
}
