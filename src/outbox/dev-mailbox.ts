import type { Kysely } from 'kysely';
import type { Clock } from '../lib/clock.js';
import { newId } from '../lib/ids.js';
import type { Logger } from '../lib/logger.js';
import { rowLimit } from '../store/row-limit.js';
import type { Database } from '../store/schema.js';
import { composeRaw } from './compose.js';
import type { MailSender, OutgoingMail, SentMail } from './mail-sender.js';

/**
 * With no SMTP server configured, mail is composed exactly as it would be sent and kept in the
 * `dev_mailbox` table (visible in the web UI) and logged: nothing leaves the machine.
 */
export function devMailboxSender(db: Kysely<Database>, clock: Clock, logger: Logger): MailSender {
  return {
    async send(mail: OutgoingMail): Promise<SentMail> {
      const { raw, messageId } = await composeRaw(mail);
      const id = newId();
      await db
        .insertInto('dev_mailbox')
        .values({
          id,
          envelope_from: mail.envelope.from,
          envelope_to: JSON.stringify(mail.envelope.to),
          subject: mail.subject,
          raw,
          created_at: clock.now().toISOString(),
        })
        .execute();
      logger.info(
        { devMailboxId: id, subject: mail.subject, recipients: mail.envelope.to.length },
        'mail kept in the dev mailbox',
      );
      return { messageId, accepted: [...mail.envelope.to], rejected: [], via: 'dev-mailbox' };
    },
    close: () => Promise.resolve(),
  };
}

export function listDevMailbox(db: Kysely<Database>, limit = 50) {
  return db
    .selectFrom('dev_mailbox')
    .select(['id', 'envelope_from', 'envelope_to', 'subject', 'raw', 'created_at'])
    .orderBy('created_at', 'desc')
    .limit(rowLimit(limit))
    .execute();
}
