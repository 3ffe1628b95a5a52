import { z } from 'zod';
import { defineTool } from './define-tool.js';
import { messageFields, previewResult } from '../ports/mail-port.js';
import { CHECK_ANNOTATIONS } from './mail-schemas.js';
import { SEND_PREVIEW } from '../views/registry.js';

export const previewSendTool = defineTool({
  name: 'preview_send',
  title: 'Preview an email',
  description:
    'Renders exactly the email that send_email would send — from (set by the server), to, cc, reply-to, subject, text and HTML body, the headers that matter and the SMTP envelope — and lists every blocked recipient with the reason. Sends nothing. When everything is allowed it returns a preview_id: pass it to send_email to guarantee that exactly this message, and nothing different, is sent. Show the preview to the user before sending.',
  input: z.strictObject(messageFields),
  output: previewResult,
  annotations: CHECK_ANNOTATIONS,
  scopes: ['email:preview'],
  guarantees: [
    'Never sends or queues mail; it stores only the preview’s hash (for send_email to verify) and an audit entry.',
    'Shows the sender the server will use; no caller can choose the sender or add blind copies.',
  ],
  view: SEND_PREVIEW,
  invoking: 'Rendering the email…',
  invoked: 'Preview ready',
  run: (input, { mail }) => mail.preview(input),
  text: (out) =>
    [
      out.dry_run ? 'DRY-RUN MODE: sending will record but not queue this message.' : '',
      ...Object.entries(out.headers).map(([name, value]) => `${name}: ${value}`),
      `Envelope: ${out.envelope.from} → ${out.envelope.to.join(', ') || '(nobody)'}`,
      '',
      out.message.text,
      '',
      out.sendable ? `preview_id: ${out.preview_id ?? ''}` : `NOT SENDABLE:\n- ${out.problems.join('\n- ')}`,
    ]
      .filter((line, i) => line !== '' || i > 0)
      .join('\n'),
});
