import type { OAuthTables } from './oauth-schema.js';
import type { MailIdempotencyRow, MailOutboxRow, MailPreviewRow } from './mail-schema.js';

/**
 * Row shapes of every table, as Kysely sees them. Timestamps are ISO-8601 UTC strings made in the
 * app (`2026-11-21T23:30:17.000Z`), dates are `YYYY-MM-DD`, money is integer cents: the same
 * values and the same ordering on SQLite and PostgreSQL.
 */
export interface TenantRow {
  id: string;
  slug: string;
  name: string;
  created_at: string;
}

export interface UserRow {
  id: string;
  /** Lower-cased; unique. */
  email: string;
  name: string;
  created_at: string;
}

export interface MembershipRow {
  tenant_id: string;
  user_id: string;
  role: 'owner' | 'admin' | 'member';
  created_at: string;
}

export interface CompanyRow {
  id: string;
  tenant_id: string;
  name: string;
  /** Lower-cased name: unique per tenant, and what imports match on. */
  name_key: string;
  kind: 'client' | 'general_contractor' | 'subcontractor' | 'supplier' | 'architect';
  city: string | null;
  phone: string | null;
  website: string | null;
  created_at: string;
}

export interface ContactRow {
  id: string;
  tenant_id: string;
  company_id: string | null;
  first_name: string;
  last_name: string;
  email: string;
  /** Lower-cased email: unique per tenant (case-insensitive). */
  email_key: string;
  phone: string | null;
  title: string | null;
  /** Lower-cased "first last email title" for portable case-insensitive search. */
  search_text: string;
  created_at: string;
}

export const PROJECT_STATUSES = ['bidding', 'active', 'on_hold', 'completed', 'cancelled'] as const;
export type ProjectStatus = (typeof PROJECT_STATUSES)[number];

export interface ProjectRow {
  id: string;
  tenant_id: string;
  name: string;
  /** Trimmed, lower-cased name: unique per tenant (migration 0012), what bid imports match on. */
  name_key: string;
  status: ProjectStatus;
  client_company_id: string | null;
  location: string | null;
  value_cents: number | null;
  start_date: string | null;
  end_date: string | null;
  description: string | null;
  /** Lower-cased "name location description" for portable case-insensitive search. */
  search_text: string;
  created_at: string;
  updated_at: string;
}

export const BID_STATUSES = ['draft', 'submitted', 'negotiation', 'won', 'lost'] as const;
export type BidStatus = (typeof BID_STATUSES)[number];

export interface BidRow {
  id: string;
  tenant_id: string;
  /** Per-tenant human number, shown as `#123`. */
  number: number;
  title: string;
  project_id: string;
  company_id: string | null;
  contact_id: string | null;
  amount_cents: number;
  status: BidStatus;
  /** When the current status began. */
  status_since: string;
  due_date: string | null;
  created_at: string;
  updated_at: string;
}

export interface BidStatusChangeRow {
  id: string;
  tenant_id: string;
  bid_id: string;
  from_status: BidStatus | null;
  to_status: BidStatus;
  changed_at: string;
  /** Why, when the change was made through `bids.update_status` (migration 0009). */
  reason: string | null;
}

export interface BidNoteRow {
  id: string;
  tenant_id: string;
  bid_id: string;
  author_user_id: string | null;
  body: string;
  created_at: string;
}

export interface DevMailboxRow {
  id: string;
  envelope_from: string;
  /** JSON array of addresses. */
  envelope_to: string;
  subject: string;
  /** The complete RFC 5322 message as it would have been sent. */
  raw: string;
  created_at: string;
}

export interface AuditRow {
  id: string;
  at: string;
  tenant_id: string | null;
  user_id: string | null;
  client_id: string | null;
  /** What happened, e.g. `oauth.consent`, `oauth.token_issued`, `email.send`. */
  action: string;
  /** `allowed`, `denied`, `refused`, `dry_run`, … */
  decision: string;
  reason: string | null;
  /** JSON object with the action's particulars (never secrets, tokens or bodies). */
  details: string;
}

/** One rate-limited key's sliding window (migration 0008, src/domain/limits/rate-limiter.ts). */
export interface RateLimitWindowRow {
  key: string;
  /** JSON `[[slice start epoch ms, units], …]`. */
  slices: string;
  /** Bumped by every write: a compare-and-set checks it. */
  version: number;
  /** Epoch ms after which none of the slices counts. */
  expires_at: number;
}

/** One API key (migration 0007); the key itself is never stored, only its SHA-256. */
export interface ApiKeyRow {
  id: string;
  tenant_id: string;
  name: string;
  prefix: string;
  key_hash: string;
  scopes: string;
  on_behalf_of: number;
  created_by: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface Database extends OAuthTables {
  tenants: TenantRow;
  users: UserRow;
  memberships: MembershipRow;
  companies: CompanyRow;
  contacts: ContactRow;
  projects: ProjectRow;
  bids: BidRow;
  bid_status_changes: BidStatusChangeRow;
  bid_notes: BidNoteRow;
  dev_mailbox: DevMailboxRow;
  audit_log: AuditRow;
  mail_outbox: MailOutboxRow;
  mail_idempotency: MailIdempotencyRow;
  mail_previews: MailPreviewRow;
  rate_limit_windows: RateLimitWindowRow;
  api_keys: ApiKeyRow;
}
