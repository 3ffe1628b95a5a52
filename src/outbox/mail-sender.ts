/** A mailbox given as data: nodemailer encodes the name and never parses it for addresses. */
export interface MailAddress {
  readonly name: string;
  readonly address: string;
}

/**
 * One outgoing message. The envelope is always explicit and built from validated addresses only:
 * it is never re-parsed from the headers (see security-targets.md, recipient allowlist).
 */
export interface OutgoingMail {
  readonly from: string | MailAddress;
  /** Header recipients; structured `{name, address}` so no display name is ever parsed as an address. */
  readonly to: readonly (string | MailAddress)[];
  readonly cc?: readonly (string | MailAddress)[];
  readonly replyTo?: string | MailAddress;
  readonly subject: string;
  readonly text: string;
  readonly html?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly messageId?: string;
  readonly envelope: { readonly from: string; readonly to: readonly string[] };
}

export interface SentMail {
  readonly messageId: string;
  /** Recipients the receiving server accepted. */
  readonly accepted: readonly string[];
  readonly rejected: readonly string[];
  /** Where it went: `smtp` or `dev-mailbox`. */
  readonly via: 'smtp' | 'dev-mailbox';
}

/** Delivers one message now. Implementations: SMTP (nodemailer) and the development mailbox. */
export interface MailSender {
  send(mail: OutgoingMail): Promise<SentMail>;
  close(): Promise<void>;
}
