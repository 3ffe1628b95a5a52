import { z } from 'zod';
import { DomainError } from '../domain/errors.js';
import { defineTool } from './define-tool.js';
import { idempotencyKey, messageFields, sendResult } from '../ports/mail-port.js';
import { SEND_ANNOTATIONS } from './mail-schemas.js';
import { SEND_GUARANTEES } from './send-email.js';

export const sendBatchEmailTool = defineTool({
  name: 'send_batch_email',
  title: 'Send several emails',
  description:
    'Sends several separate emails in one call (irreversible), each checked exactly like send_email; the result lists each message as queued, dry_run or refused with the reason. Messages that pass are sent even if others are refused. Requires one idempotency_key for the whole batch: retry a failed or timed-out call with the SAME key and the same messages, and nothing is sent twice. Only use it when the user explicitly asked to send all of these; prefer send_email for single messages. Offered only when the operator enabled batch sending.',
  input: z.strictObject({
    messages: z
      .array(
        z.strictObject({
          ...messageFields,
          preview_id: z.string().max(100).optional().describe('From preview_send for this message.'),
        }),
      )
      .min(1)
      .max(100)
      .describe('The emails, each with its own recipients (the server caps the count, 20 by default).'),
    idempotency_key: idempotencyKey,
  }),
  output: sendResult,
  annotations: SEND_ANNOTATIONS,
  scopes: ['email:send_batch'],
  guarantees: [
    ...SEND_GUARANTEES,
    'Never accepts more messages than the operator’s cap (`WORKONWARD_MAIL_BATCH_MAX`); absent from the tool list unless `WORKONWARD_MCP_BATCH_SEND=1`.',
  ],
  invoking: 'Sending the emails…',
  invoked: 'Emails handled',
  async run(input, { mail }) {
    if (input.messages.length > mail.batchMax)
      throw new DomainError(
        'invalid_input',
        `A batch may hold at most ${mail.batchMax} messages; got ${input.messages.length}. Nothing was sent.`,
        'Split it into several calls, each with its own idempotency_key, only if the user asked for all of them.',
      );
    return mail.send(
      'send_batch_email',
      input.idempotency_key,
      input.messages.map(({ preview_id, ...message }) => ({ message, previewId: preview_id })),
    );
  },
  text: (out) =>
    [
      out.dry_run
        ? 'NOT SENT — dry-run mode.'
        : out.replayed
          ? 'Already handled earlier with this idempotency_key (nothing new sent).'
          : `${out.queued_count} queued, ${out.refused_count} refused.`,
      ...out.results.map(
        (r) =>
          `#${r.index + 1} ${r.status}${r.message_id ? ` ${r.message_id}` : ''} → ${r.recipients.join(', ')}${r.reason ? `: ${r.reason}` : ''}`,
      ),
      out.note,
    ].join('\n'),
});
