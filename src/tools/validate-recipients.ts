import { z } from 'zod';
import { defineTool } from './define-tool.js';
import { recipient, validationResult } from '../ports/mail-port.js';
import { CHECK_ANNOTATIONS } from './mail-schemas.js';

export const validateRecipientsTool = defineTool({
  name: 'validate_recipients',
  title: 'Check email recipients',
  description:
    'Checks email addresses before anything is previewed or sent. For each entry it returns the one canonical address it parses to, whether this server may send to it (the operator’s recipient allowlist), and why not: unparseable, several addresses in one entry, a display name or comment inside the address, not matching the allowlist, or over length limits. Sends nothing. Use it first, then preview_send.',
  input: z.strictObject({
    recipients: z.array(recipient).min(1).max(100).describe('Addresses to check, one per entry.'),
  }),
  output: validationResult,
  annotations: CHECK_ANNOTATIONS,
  scopes: ['email:preview'],
  guarantees: [
    'Never sends, queues or stores a message; only an audit entry is written.',
    'Never tests the allowlist against raw input: only against the single canonical address an entry parses to.',
  ],
  invoking: 'Checking recipients…',
  invoked: 'Recipients checked',
  run: ({ recipients }, { mail }) => mail.validateRecipients(recipients),
  text: (out) =>
    [
      ...out.recipients.map((r) =>
        r.allowed
          ? `ALLOWED  ${r.canonical ?? ''}`
          : `BLOCKED  ${r.input}${r.canonical !== null && r.canonical !== r.input ? ` (${r.canonical})` : ''}: ${r.reason ?? ''}`,
      ),
      out.allowlist_configured
        ? ''
        : 'No recipient allowlist is configured: sending is refused until the operator sets one.',
      out.dry_run ? 'Dry-run mode is on: send tools will not queue anything.' : '',
    ]
      .filter((line) => line !== '')
      .join('\n'),
});
