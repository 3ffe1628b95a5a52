import nodemailer from 'nodemailer';
import type { MailSender, OutgoingMail, SentMail } from './mail-sender.js';
import { messageOptions } from './compose.js';

/** Sends through the SMTP server at WORKONWARD_SMTP_URL with a pooled connection. */
export function smtpSender(url: string): MailSender {
  const transport = nodemailer.createTransport(url, { pool: true, maxConnections: 4 } as never);
  return {
    async send(mail: OutgoingMail): Promise<SentMail> {
      const info = (await transport.sendMail(messageOptions(mail))) as {
        messageId: string;
        accepted: (string | { address: string })[];
        rejected: (string | { address: string })[];
      };
      const address = (item: string | { address: string }) =>
        typeof item === 'string' ? item : item.address;
      return {
        messageId: info.messageId,
        accepted: info.accepted.map(address),
        rejected: info.rejected.map(address),
        via: 'smtp',
      };
    },
    close() {
      transport.close();
      return Promise.resolve();
    },
  };
}
