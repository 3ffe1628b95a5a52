import { createHash } from 'node:crypto';
import { parseAddress } from './address.js';
import type { RecipientAllowlist } from './allowlist.js';
import { bodyProblem, headerProblem, MAX_NAME, MAX_SUBJECT } from './header-safety.js';
import { checkRecipient, MAX_RECIPIENTS, type RecipientInput, type RecipientVerdict } from './recipients.js';

/** One message as a tool receives it. There is deliberately no `from` and no `bcc`. */
export interface MessageInput {
  readonly to: readonly RecipientInput[];
  readonly cc?: readonly RecipientInput[] | undefined;
  readonly reply_to?: RecipientInput | undefined;
  readonly subject: string;
  readonly text: string;
  readonly html?: string | undefined;
}

export interface Mailbox {
  readonly name: string | null;
  readonly address: string;
}

/** The exact message that would be sent, with every address canonical. Its hash binds previews and keys. */
export interface CanonicalMessage {
  readonly from: Mailbox;
  readonly to: readonly Mailbox[];
  readonly cc: readonly Mailbox[];
  readonly reply_to: Mailbox | null;
  readonly subject: string;
  readonly text: string;
  readonly html: string | null;
}

export const MAX_TEXT_BYTES = 100_000;
export const MAX_HTML_BYTES = 200_000;

/**
 * A checked message. `message` is always rendered (with the recipients that parsed, so a preview
 * can show it); it may be sent only when `problems` is empty.
 */
export interface CheckedMessage {
  readonly ok: boolean;
  readonly problems: readonly string[];
  readonly message: CanonicalMessage;
  readonly hash: string;
  /** The SMTP envelope recipients: exactly the approved canonical addresses, deduplicated. */
  readonly envelopeTo: readonly string[];
  readonly recipients: readonly RecipientVerdict[];
}

/** SHA-256 over the canonical message in a fixed key order. */
export function messageHash(message: CanonicalMessage): string {
  const ordered = [
    message.from,
    message.to,
    message.cc,
    message.reply_to,
    message.subject,
    message.text,
    message.html,
  ];
  return createHash('sha256').update(JSON.stringify(ordered)).digest('hex');
}

const mailbox = (verdict: RecipientVerdict): Mailbox => ({
  name: verdict.name,
  address: verdict.canonical ?? '',
});

function replyTo(entry: RecipientInput | undefined, problems: string[]): Mailbox | null {
  if (entry === undefined) return null;
  const address = typeof entry === 'string' ? entry : entry.address;
  const name = typeof entry === 'string' ? null : (entry.name ?? null);
  const parsed = parseAddress(address);
  if (!parsed.ok) problems.push(`reply_to: the address ${parsed.reason}.`);
  const nameProblem = name === null ? undefined : headerProblem('reply_to name', name, MAX_NAME);
  if (nameProblem !== undefined) problems.push(`${nameProblem}.`);
  return parsed.ok ? { name, address: parsed.canonical } : null;
}

/**
 * Checks every field of one message. One bad recipient rejects the whole message; every problem
 * is reported at once so the model can fix them in one go.
 */
export function checkMessage(
  input: MessageInput,
  from: Mailbox,
  allowlist: RecipientAllowlist,
): CheckedMessage {
  const problems: string[] = [];
  const to = input.to.map((entry) => checkRecipient(entry, allowlist));
  const cc = (input.cc ?? []).map((entry) => checkRecipient(entry, allowlist));
  const recipients = [...to, ...cc];
  if (to.length === 0) problems.push('At least one "to" recipient is required.');
  if (recipients.length > MAX_RECIPIENTS)
    problems.push(`At most ${MAX_RECIPIENTS} recipients (to + cc) per message; got ${recipients.length}.`);
  for (const verdict of recipients)
    if (!verdict.allowed)
      problems.push(`Recipient ${JSON.stringify(verdict.input)}: ${verdict.reason ?? ''}`);
  const reply = replyTo(input.reply_to, problems);
  const subjectProblem = headerProblem('subject', input.subject, MAX_SUBJECT);
  if (subjectProblem !== undefined) problems.push(`${subjectProblem}.`);
  if (input.subject.trim() === '') problems.push('subject is empty.');
  const textProblem = bodyProblem('text', input.text, MAX_TEXT_BYTES);
  if (textProblem !== undefined) problems.push(`${textProblem}.`);
  const htmlProblem = input.html === undefined ? undefined : bodyProblem('html', input.html, MAX_HTML_BYTES);
  if (htmlProblem !== undefined) problems.push(`${htmlProblem}.`);
  const parsed = (verdicts: RecipientVerdict[]) => verdicts.filter((v) => v.canonical !== null).map(mailbox);
  const message: CanonicalMessage = {
    from,
    to: parsed(to),
    cc: parsed(cc),
    reply_to: reply,
    subject: input.subject,
    text: input.text,
    html: input.html ?? null,
  };
  const envelopeTo = [...new Set(recipients.filter((r) => r.allowed).map((r) => r.canonical ?? ''))];
  return { ok: problems.length === 0, problems, message, hash: messageHash(message), envelopeTo, recipients };
}
