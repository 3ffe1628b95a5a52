import type { OutgoingMail } from './mail-sender.js';

/** nodemailer's message options for one outgoing mail (shared by SMTP and the dev mailbox). */
export function messageOptions(mail: OutgoingMail) {
  return {
    from: mail.from,
    to: [...mail.to],
    ...(mail.cc !== undefined && { cc: [...mail.cc] }),
    ...(mail.replyTo !== undefined && { replyTo: mail.replyTo }),
    subject: mail.subject,
    text: mail.text,
    ...(mail.html !== undefined && { html: mail.html }),
    ...(mail.headers !== undefined && { headers: { ...mail.headers } }),
    ...(mail.messageId !== undefined && { messageId: mail.messageId }),
    envelope: { from: mail.envelope.from, to: [...mail.envelope.to] },
    // Never let nodemailer fetch anything (attachments by URL, file paths) on our behalf.
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}

/** The exact RFC 5322 bytes a message becomes: what SMTP would carry and what the dev mailbox keeps. */
export async function composeRaw(mail: OutgoingMail): Promise<{ raw: string; messageId: string }> {
  // Loaded at the first message: a server that composes none keeps none of nodemailer.
  const { default: MailComposer } = await import('nodemailer/lib/mail-composer/index.js');
  const composer = new MailComposer(messageOptions(mail));
  const message = composer.compile();
  message.keepBcc = false;
  const raw = await message.build();
  return { raw: raw.toString('utf8'), messageId: message.messageId() };
}
