import { SpanKind } from '@opentelemetry/api';
import type { Tracing } from '../observability/tracing.js';
import type { MailSender } from './mail-sender.js';

/** The sender with a span per message handed to the mail server (only when tracing is on). */
export function tracedSender(sender: MailSender, tracing: Tracing): MailSender {
  if (!tracing.enabled) return sender;
  return {
    send: (mail) =>
      tracing.span(
        'smtp send',
        { 'messaging.system': 'smtp', 'messaging.message.id': mail.messageId ?? '' },
        async (notes) => {
          const sent = await sender.send(mail);
          notes.set('smtp.accepted', sent.accepted.length);
          notes.set('smtp.rejected', sent.rejected.length);
          return sent;
        },
        { kind: SpanKind.CLIENT },
      ),
    close: () => sender.close(),
  };
}
