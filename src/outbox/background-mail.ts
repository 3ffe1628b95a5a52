import type { Logger } from '../lib/logger.js';
import type { MailSender } from './mail-sender.js';

/**
 * Mail whose request is answered before it is handed to SMTP (sign-in codes): the page's answer
 * must not depend on whether a message is sent, how slow the mail server is, or whether it is up.
 * Jobs run one after another in this process; `idle()` resolves once every queued job has run, and
 * the runtime waits for it before closing the store. A job's failure is logged (without the
 * message), never thrown into a request. Not durable: a code lost to a crash expires in 10 minutes
 * and the person asks for another.
 */
export class BackgroundMail {
  private pending: Promise<void> = Promise.resolve();

  constructor(
    private readonly sender: MailSender,
    private readonly logger: Logger,
  ) {}

  enqueue(job: (sender: MailSender) => Promise<void>): void {
    this.pending = this.pending
      .then(() => job(this.sender))
      .catch((error: unknown) => {
        this.logger.warn(
          { reason: error instanceof Error ? error.message : 'unknown' },
          'background mail failed',
        );
      });
  }

  idle(): Promise<void> {
    return this.pending;
  }
}
