import { z } from 'zod';
import { defineTool } from './define-tool.js';
import { statusResult } from '../ports/mail-port.js';
import { CHECK_ANNOTATIONS } from './mail-schemas.js';

export const getSendStatusTool = defineTool({
  name: 'get_send_status',
  title: 'Check an email’s delivery status',
  description:
    'Shows where an email sent with send_email or send_batch_email is: queued, sending, sent, failed (will retry; with the reason), dead (gave up), cancelled, or dry_run (recorded while the server was in dry-run mode, so never queued — the usual answer to "the send succeeded but no email arrived"). Give the message_id from the send result, or the idempotency_key it was sent with. Read-only.',
  input: z.strictObject({
    message_id: z.string().max(100).optional().describe('The message_id returned by a send tool.'),
    idempotency_key: z.string().max(1000).optional().describe('The idempotency_key the email was sent with.'),
  }),
  output: statusResult,
  annotations: CHECK_ANNOTATIONS,
  scopes: ['email:preview'],
  guarantees: [
    'Never sends, resends, cancels or changes a message.',
    'Never shows another tenant’s messages.',
  ],
  invoking: 'Checking delivery…',
  invoked: 'Delivery status',
  run: (input, { mail }) => mail.status(input),
  text: (out) =>
    out.messages
      .map(
        (m) =>
          `${m.message_id}: ${m.status} — ${m.explanation}${m.last_error ? ` Last error: ${m.last_error}` : ''}`,
      )
      .join('\n'),
});
