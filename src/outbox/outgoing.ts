import type { CanonicalMessage, Mailbox } from '../domain/mail/message.js';
import { composeRaw } from './compose.js';
import type { MailAddress, OutgoingMail } from './mail-sender.js';

const structured = (mailbox: Mailbox): MailAddress | string =>
  mailbox.name === null ? mailbox.address : { name: mailbox.name, address: mailbox.address };

/**
 * The transport's view of a canonical message: header mailboxes as data (never strings to be
 * parsed), and an envelope of exactly the approved addresses. `messageId` is derived from the
 * outbox id, so a resend after a crash carries the same Message-ID and can be deduplicated.
 */
export function outgoingMail(
  message: CanonicalMessage,
  envelopeTo: readonly string[],
  messageId?: string,
): OutgoingMail {
  const domain = message.from.address.slice(message.from.address.lastIndexOf('@') + 1);
  return {
    from: structured(message.from),
    to: message.to.map(structured),
    ...(message.cc.length > 0 && { cc: message.cc.map(structured) }),
    ...(message.reply_to !== null && { replyTo: structured(message.reply_to) }),
    subject: message.subject,
    text: message.text,
    ...(message.html !== null && { html: message.html }),
    ...(messageId !== undefined && { messageId: `<${messageId}@${domain}>` }),
    envelope: { from: message.from.address, to: [...envelopeTo] },
  };
}

const SHOWN = ['from', 'to', 'cc', 'reply-to', 'subject', 'mime-version', 'content-type'];

/** The headers that matter, exactly as the composed MIME carries them (unfolded). */
export async function renderHeaders(
  message: CanonicalMessage,
  envelopeTo: readonly string[],
): Promise<Record<string, string>> {
  const { raw } = await composeRaw(outgoingMail(message, envelopeTo, 'preview'));
  const head = raw.slice(0, raw.indexOf('\r\n\r\n')).replace(/\r\n[ \t]+/g, ' ');
  const headers: Record<string, string> = {};
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon);
    if (SHOWN.includes(name.toLowerCase())) headers[name] = line.slice(colon + 1).trim();
  }
  return headers;
}
