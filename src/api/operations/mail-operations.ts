import { z } from 'zod';
import { DomainError } from '../../domain/errors.js';
import { previewResult, sendResult, statusResult, validationResult } from '../../ports/mail-port.js';
import { getSendStatusTool } from '../../tools/get-send-status.js';
import { previewSendTool } from '../../tools/preview-send.js';
import { sendBatchEmailTool } from '../../tools/send-batch-email.js';
import { sendEmailTool } from '../../tools/send-email.js';
import { validateRecipientsTool } from '../../tools/validate-recipients.js';
import { defineOperation, type ApiContext } from '../api-operation.js';

const dryRun = z
  .boolean()
  .optional()
  .describe(
    'true: handle this call as a dry run (checked, recorded, never queued) even if the server would send. A front in dry-run mode sets it; it can only make a call safer.',
  );

const IDEMPOTENCY =
  'The `Idempotency-Key` header is required and means exactly what the tools’ `idempotency_key` means: a repeat with the same key and body returns the first result (`replayed: true`) and sends nothing more; the same key with a different body is refused (409 `conflict`, `idempotency_key_reused`).';

/** send_email's fields, less the key (it travels in the header), plus the dry-run request. */
const sendBody = sendEmailTool.input.omit({ idempotency_key: true }).extend({ dry_run: dryRun });
const batchBody = sendBatchEmailTool.input.omit({ idempotency_key: true }).extend({ dry_run: dryRun });

const mailOf = (context: ApiContext, body: { dry_run?: boolean | undefined }) =>
  body.dry_run === true ? context.dryRunMail() : context.tools.mail;

export const MAIL_OPERATIONS = [
  defineOperation({
    method: 'POST',
    path: '/mail/validate',
    operationId: 'validateRecipients',
    summary: 'Check recipients against the allowlist',
    description: validateRecipientsTool.description,
    tag: 'Mail',
    scopes: validateRecipientsTool.scopes,
    body: validateRecipientsTool.input,
    response: validationResult,
    run: ({ body }, { tools }) => tools.mail.validateRecipients(body.recipients),
  }),
  defineOperation({
    method: 'POST',
    path: '/mail/preview',
    operationId: 'previewSend',
    summary: 'Render an email exactly as it would be sent',
    description: previewSendTool.description,
    tag: 'Mail',
    scopes: previewSendTool.scopes,
    body: previewSendTool.input,
    response: previewResult,
    run: ({ body }, { tools }) => tools.mail.preview(body),
  }),
  defineOperation({
    method: 'POST',
    path: '/mail/send',
    operationId: 'sendEmail',
    summary: 'Send one email (irreversible)',
    description: `${sendEmailTool.description} ${IDEMPOTENCY}`,
    tag: 'Mail',
    scopes: sendEmailTool.scopes,
    body: sendBody,
    idempotencyKey: true,
    response: sendResult,
    run: ({ body, idempotencyKey }, context) => {
      const { preview_id, bid, dry_run, ...message } = body;
      return mailOf(context, { dry_run }).send(
        'send_email',
        idempotencyKey,
        [{ message, previewId: preview_id }],
        bid,
      );
    },
  }),
  defineOperation({
    method: 'POST',
    path: '/mail/batch',
    operationId: 'sendBatchEmail',
    summary: 'Send several emails in one call (irreversible)',
    description: `${sendBatchEmailTool.description} ${IDEMPOTENCY} Refused (403) unless the server runs with WORKONWARD_MCP_BATCH_SEND=1.`,
    tag: 'Mail',
    scopes: sendBatchEmailTool.scopes,
    body: batchBody,
    idempotencyKey: true,
    response: sendResult,
    run: ({ body, idempotencyKey }, context) => {
      if (!context.batchEnabled)
        throw new DomainError(
          'forbidden',
          'Batch sending is switched off on this server.',
          'Send one email at a time with /mail/send, or ask the operator to set WORKONWARD_MCP_BATCH_SEND=1.',
        );
      const { dry_run, messages } = body;
      return sendBatchEmailTool.run(
        { messages, idempotency_key: idempotencyKey },
        { ...context.tools, mail: mailOf(context, { dry_run }) },
      );
    },
  }),
  defineOperation({
    method: 'GET',
    path: '/mail/status',
    operationId: 'getSendStatus',
    summary: 'Delivery status by message id or idempotency key',
    description: getSendStatusTool.description,
    tag: 'Mail',
    scopes: getSendStatusTool.scopes,
    query: getSendStatusTool.input,
    response: statusResult,
    run: ({ query }, { tools }) => tools.mail.status(query),
  }),
];
