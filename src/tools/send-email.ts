import { z } from 'zod';
import { defineTool } from './define-tool.js';
import { idempotencyKey, messageFields } from '../ports/mail-port.js';
import { SEND_ANNOTATIONS } from './mail-schemas.js';

export const SEND_GUARANTEES = [
  'Never sends to an address that is not on the operator’s recipient allowlist; one blocked recipient refuses the whole message.',
  'Never takes a sender or blind-copy (bcc) recipient from the caller: the sender is the server’s configured address, and the SMTP envelope is exactly the approved to/cc addresses.',
  'Never queues a second message for one idempotency key within the retention window (24 h by default): a repeat with the same content returns the first result with `replayed: true`; different content under the same key is refused (`idempotency_key_reused`). Delivery is at-least-once: only if the server dies after the mail server accepted a message but before that was recorded can it be handed over again, after the lease expires, with the same Message-ID.',
  'Never sends something different from a given preview_id’s message.',
  'Never queues anything in dry-run mode (`WORKONWARD_MCP_DRY_RUN=1`); the result says so.',
  'Never accepts line breaks or control characters in the subject, names or reply-to.',
];

export const sendEmailTool = defineTool({
  name: 'send_email',
  title: 'Send an email',
  description:
    'Sends one email (irreversible) from the server’s configured sender to allowlisted recipients, through the outbox: the result says whether it was queued, with its message_id. Requires an idempotency_key that names this one intended email: if the call fails or times out, retry with the SAME key and the same arguments — the server returns the first result and never sends twice. Preview first with preview_send and pass its preview_id: the send is then refused unless the message is exactly what was previewed. Only send what the user asked for, one recipient at a time when testing. If the server is in dry-run mode the result says plainly that nothing was queued. Pass `bid` ("#123") to record the follow-up as a note on that bid.',
  input: z.strictObject({
    ...messageFields,
    idempotency_key: idempotencyKey,
    preview_id: z
      .string()
      .max(100)
      .optional()
      .describe('From preview_send: the message must match it exactly.'),
    bid: z
      .string()
      .max(100)
      .optional()
      .describe('A bid ("#123", "123" or its id) to record this email on as a note.'),
  }),
  output: z.object({
    status: z.enum(['queued', 'dry_run']),
    queued: z.boolean().describe('False means nothing will be sent.'),
    message_id: z.string().describe('For get_send_status.'),
    idempotency_key: z.string(),
    replayed: z
      .boolean()
      .describe('True: an earlier call with this key already did this; nothing new was sent.'),
    dry_run: z.boolean(),
    recipients: z.array(z.string()).describe('The SMTP envelope: exactly who receives it.'),
    subject: z.string(),
    note: z.string(),
  }),
  annotations: SEND_ANNOTATIONS,
  scopes: ['email:send'],
  guarantees: SEND_GUARANTEES,
  invoking: 'Sending the email…',
  invoked: 'Email handled',
  async run(input, { mail }) {
    const { idempotency_key, preview_id, bid, ...message } = input;
    const result = await mail.send('send_email', idempotency_key, [{ message, previewId: preview_id }], bid);
    const [first] = result.results;
    if (first?.message_id == null || first.status === 'refused')
      throw new Error('send_email produced no message');
    return {
      status: first.status,
      queued: first.status === 'queued',
      message_id: first.message_id,
      idempotency_key: result.idempotency_key,
      replayed: result.replayed,
      dry_run: result.dry_run,
      recipients: first.recipients,
      subject: first.subject,
      note: result.note,
    };
  },
  text: (out) =>
    [
      out.dry_run
        ? 'NOT SENT — dry-run mode.'
        : out.replayed
          ? 'Already handled earlier with this idempotency_key (nothing new sent).'
          : 'Queued for delivery.',
      `message_id: ${out.message_id} (status ${out.status})`,
      `To (envelope): ${out.recipients.join(', ')}`,
      `Subject: ${out.subject}`,
      out.note,
    ].join('\n'),
});
