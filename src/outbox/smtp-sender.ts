import type { Transporter } from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import type { MailSender, OutgoingMail, SentMail } from './mail-sender.js';
import { messageOptions } from './compose.js';

/**
 * Sends through the SMTP server at WORKONWARD_SMTP_URL with a pooled connection. A stalled
 * server fails the attempt after `timeoutMs` of silence (connect, greeting or any reply), so an
 * attempt always ends well inside its lease: nodemailer's own defaults wait up to 10 minutes,
 * long after the lease lapsed and the row could be leased, and sent, a second time.
 *
 * nodemailer is loaded, and the pool made, at the first send: a server that sends no mail keeps
 * none of its ~2 MB of heap (bench/README.md, issue 8 ninth pass: memory).
 */
export function smtpSender(url: string, options: { timeoutMs: number }): MailSender {
  // Transport options go in the first argument with the URL: a second argument would only be
  // default message fields (an earlier version passed `pool` there and never pooled).
  const transportOptions: SMTPPool.Options = {
    url,
    pool: true,
    maxConnections: 4,
    connectionTimeout: options.timeoutMs,
    greetingTimeout: options.timeoutMs,
    socketTimeout: options.timeoutMs,
  };
  let transport: Promise<Transporter<SMTPPool.SentMessageInfo>> | undefined;
  return {
    async send(mail: OutgoingMail): Promise<SentMail> {
      transport ??= import('nodemailer').then(({ default: nodemailer }) =>
        nodemailer.createTransport(transportOptions),
      );
      const info = await (await transport).sendMail(messageOptions(mail));
      const address = (item: string | { address: string }) =>
        typeof item === 'string' ? item : item.address;
      return {
        messageId: info.messageId,
        accepted: info.accepted.map(address),
        rejected: info.rejected.map(address),
        via: 'smtp',
      };
    },
    async close() {
      (await transport)?.close();
    },
  };
}
