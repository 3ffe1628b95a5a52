import type { MailSender } from './mail-sender.js';

/** Mails a person their one-time sign-in code. The wording is the server's, never the caller's. */
export type SignInMailer = (email: string, code: string) => Promise<void>;

function envelopeAddress(from: string): string {
  return /<([^>]+)>/.exec(from)?.[1] ?? from;
}

/** Sign-in codes through this deployment's own mail (SMTP, or the dev mailbox in development). */
export function localSignInMailer(sender: MailSender, product: string, from: string): SignInMailer {
  return async (email, code) => {
    await sender.send({
      from,
      to: [email],
      subject: `Your ${product} sign-in code`,
      text: `Your sign-in code is ${code}\n\nIt works once, for 10 minutes. If you did not try to sign in, ignore this message.\n`,
      envelope: { from: envelopeAddress(from), to: [email] },
    });
  };
}
