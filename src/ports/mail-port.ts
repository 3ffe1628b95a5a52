import { z } from 'zod';
import type { EmailTool } from '../domain/mail/deps.js';
import type { MessageInput } from '../domain/mail/message.js';
import type { RecipientInput } from '../domain/mail/recipients.js';
import type { SendItem, SendTool } from '../domain/mail/send.js';

/** Zod shapes of the PING8 email use-cases, shared by the tools and the HTTP API. Objects are strict: an unknown field such as `bcc` or `from` is an error, never silently dropped. */
export const recipient = z.union([
  z.string().max(1000).describe('A bare address such as "person@gitdate.ink" (no display name, no list).'),
  z.strictObject({
    name: z.string().max(1000).optional().describe('Display name, e.g. "Dana Reyes". Plain text, one line.'),
    address: z.string().max(1000).describe('The bare address, e.g. "dana@gitdate.ink".'),
  }),
]);

export const messageFields = {
  to: z.array(recipient).min(1).max(50).describe('Recipients (1–50 with cc). One address per entry.'),
  cc: z.array(recipient).max(50).optional().describe('Copy recipients; checked exactly like `to`.'),
  reply_to: recipient.optional().describe('Where replies should go (not a recipient).'),
  subject: z.string().max(1000).describe('One line, at most 255 characters, no line breaks.'),
  text: z.string().max(200_000).describe('Plain-text body (line breaks allowed).'),
  html: z.string().max(400_000).optional().describe('Optional HTML body, sent beside the text body.'),
};

export const idempotencyKey = z
  .string()
  .max(1000)
  .describe(
    'Names ONE intended email (1–255 printable ASCII characters), e.g. "chatgpt-smoke-001" or "bid-123-followup-2026-11-21". Reuse the SAME key when retrying the same email: a repeat returns the first result and sends nothing more.',
  );

const mailbox = z.object({ name: z.string().nullable(), address: z.string() });

export const verdictOutput = z.object({
  input: z.string(),
  name: z.string().nullable(),
  canonical: z.string().nullable().describe('The one address this entry parses to, or null.'),
  allowed: z.boolean(),
  reason: z.string().nullable().describe('Why it may not receive mail; null when allowed.'),
});

export const messageOutput = z.object({
  from: mailbox,
  to: z.array(mailbox),
  cc: z.array(mailbox),
  reply_to: mailbox.nullable(),
  subject: z.string(),
  text: z.string(),
  html: z.string().nullable(),
});

export const outcomeOutput = z.object({
  index: z.number().int(),
  status: z.enum(['queued', 'dry_run', 'refused']),
  message_id: z.string().nullable(),
  recipients: z.array(z.string()),
  subject: z.string(),
  reason: z.string().nullable(),
});

export const sendResult = z.object({
  idempotency_key: z.string(),
  dry_run: z.boolean().describe('True: nothing was queued or sent (server in dry-run mode).'),
  replayed: z
    .boolean()
    .describe('True: this repeats an earlier call with the same key; nothing new was sent.'),
  queued_count: z.number().int(),
  refused_count: z.number().int(),
  results: z.array(outcomeOutput),
  note: z.string(),
});

export const statusOutput = z.object({
  message_id: z.string(),
  status: z.enum(['queued', 'sending', 'sent', 'failed', 'dead', 'dry_run', 'cancelled']),
  explanation: z.string(),
  idempotency_key: z.string(),
  recipients: z.array(z.string()),
  subject: z.string(),
  attempts: z.number().int(),
  last_error: z.string().nullable(),
  next_attempt_at: z.string().nullable(),
  created_at: z.string(),
  sent_at: z.string().nullable(),
});

export const validationResult = z.object({
  recipients: z.array(verdictOutput),
  all_allowed: z.boolean(),
  allowlist_configured: z
    .boolean()
    .describe(
      'False: no address may receive mail until the operator sets WORKONWARD_MCP_RECIPIENT_ALLOWLIST.',
    ),
  dry_run: z.boolean().describe('True: send tools will record but never queue mail.'),
});

export const previewResult = z.object({
  sendable: z.boolean().describe('True when every recipient is allowed and every field is valid.'),
  preview_id: z
    .string()
    .nullable()
    .describe(
      'Pass to send_email to bind the send to this exact message (valid one hour); null when not sendable.',
    ),
  content_hash: z.string().describe('SHA-256 of the canonical message.'),
  dry_run: z.boolean(),
  message: messageOutput,
  headers: z.record(z.string(), z.string()),
  envelope: z.object({ from: z.string(), to: z.array(z.string()) }),
  recipients: z.array(verdictOutput),
  problems: z.array(z.string()),
});

export const statusResult = z.object({
  dry_run_enabled: z.boolean().describe('Whether the server is in dry-run mode now.'),
  messages: z.array(statusOutput),
});

export type ValidationResult = z.output<typeof validationResult>;
export type PreviewResult = z.output<typeof previewResult>;
export type SendResult = z.output<typeof sendResult>;
export type StatusResult = z.output<typeof statusResult>;
export interface StatusQuery {
  readonly message_id?: string | undefined;
  readonly idempotency_key?: string | undefined;
}

/**
 * What a tool may ask of email, for one principal: this deployment's outbox (ports/local) or
 * another deployment's `/api/v1` (ports/remote). Results are the same shapes either way.
 */
export interface MailPort {
  /** Most messages one batch may carry. */
  readonly batchMax: number;
  validateRecipients(entries: readonly RecipientInput[]): Promise<ValidationResult>;
  preview(input: MessageInput): Promise<PreviewResult>;
  send(tool: SendTool, key: string, items: readonly SendItem[], bidReference?: string): Promise<SendResult>;
  status(query: StatusQuery): Promise<StatusResult>;
  /**
   * Records a call of an email tool whose arguments its schema refused (an unknown `bcc` field,
   * a missing key): audited as `refused`, like every other refusal, by the deployment the call
   * reached (a front keeps it in its own log; the backend never saw the call).
   */
  refuseInput(tool: EmailTool, problems: readonly string[]): Promise<void>;
}
