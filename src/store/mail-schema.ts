/** Row shapes of the PING8 email tables (migration 0005-mail). */

export const OUTBOX_STATUSES = [
  'queued',
  'sending',
  'sent',
  'failed',
  'dead',
  'dry_run',
  'cancelled',
] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

export interface MailOutboxRow {
  /** `msg_` + 128 random bits: unguessable, safe to show to a client. */
  id: string;
  tenant_id: string;
  tool: string;
  idempotency_key: string;
  /** `failed` means "will retry at next_attempt_at" (reason in last_error); `dead` means it gave up. */
  status: OutboxStatus;
  user_id: string | null;
  client_id: string | null;
  from_header: string;
  envelope_from: string;
  /** JSON array: exactly the approved canonical recipients, never re-parsed from headers. */
  envelope_to: string;
  /** JSON of the canonical message (see domain/mail/message.ts). */
  message: string;
  content_hash: string;
  subject: string;
  bid_id: string | null;
  attempts: number;
  next_attempt_at: string;
  lease_owner: string | null;
  lease_until: string | null;
  last_error: string | null;
  smtp_message_id: string | null;
  created_at: string;
  updated_at: string;
  sent_at: string | null;
  /** The W3C `traceparent` of the span that queued it, so the delivery's span links back; null untraced. */
  trace_parent: string | null;
}

/**
 * Every column of MailOutboxRow by name, for statements that return whole rows without `*`
 * (prepared-statements.ts: a prepared statement's result columns must not change under it).
 */
export const MAIL_OUTBOX_COLUMNS = everyColumn([
  'id',
  'tenant_id',
  'tool',
  'idempotency_key',
  'status',
  'user_id',
  'client_id',
  'from_header',
  'envelope_from',
  'envelope_to',
  'message',
  'content_hash',
  'subject',
  'bid_id',
  'attempts',
  'next_attempt_at',
  'lease_owner',
  'lease_until',
  'last_error',
  'smtp_message_id',
  'created_at',
  'updated_at',
  'sent_at',
  'trace_parent',
]);

/** `columns`, refused by the compiler unless it lists every column of MailOutboxRow. */
function everyColumn<const T extends readonly (keyof MailOutboxRow)[]>(
  columns: T & (Exclude<keyof MailOutboxRow, T[number]> extends never ? unknown : never),
): T {
  return columns;
}

export interface MailIdempotencyRow {
  tenant_id: string;
  tool: string;
  key: string;
  fingerprint: string;
  /** `in_progress` while a call holds the claim, `done` once its result is stored. */
  state: 'in_progress' | 'done';
  claim_token: string;
  claimed_until: string;
  /** JSON of the tool result replayed for the same key and content. */
  result: string | null;
  created_at: string;
  expires_at: string;
}

export interface MailPreviewRow {
  id: string;
  tenant_id: string;
  content_hash: string;
  created_at: string;
  expires_at: string;
}
