import type { Clock } from '../lib/clock.js';
import { newSecretToken } from '../lib/ids.js';
import type { Logger } from '../lib/logger.js';
import type { SignInMailQueue } from '../store/sign-in-mail-queue.js';
import { backoffMs } from './settle.js';

export interface SignInDeliveryOptions {
  readonly queue: SignInMailQueue;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Decides, issues and mails one code; throws when the mail could not be handed over (retried). */
  readonly deliver: (email: string, refused: 'limited' | undefined) => Promise<void>;
  readonly pollMs: number;
  readonly leaseMs: number;
  readonly maxAttempts: number;
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
}

export interface SignInDelivery {
  /** Wakes the loop now (a row was just queued). */
  kick(): void;
  /** Resolves once this loop has attempted every row due when called: a lease begun after the call found none. */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

const BATCH = 8;

/**
 * Delivers sign-in codes from the durable queue (issue 9, finding 3): `POST /login` only writes a
 * row and answers, so a crash after the answer loses nothing — any instance leases the row (a dead
 * instance's lease expires) and mails it. Runs on every instance that serves the sign-in page,
 * also with WORKONWARD_MAIL_WORKER=0 and under dry-run, because without its code nobody signs in.
 * A failed hand-off is retried with the outbox's backoff; after the last attempt the row is dropped
 * and the operator told (the person asks again). Nothing here ever sees the code.
 */
export function startSignInDelivery(options: SignInDeliveryOptions): SignInDelivery {
  const owner = `sign_in_${newSecretToken(9)}`;
  let stopped = false;
  let wake: (() => void) | undefined;
  const kick = () => wake?.();
  /** Leases begun so far, and the callers of `settled` waiting for an empty lease after theirs. */
  let leases = 0;
  const waiting: { after: number; resolve: () => void }[] = [];
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });

  const attempt = async (row: Awaited<ReturnType<SignInMailQueue['lease']>>[number]) => {
    try {
      await options.deliver(row.email, row.refused ?? undefined);
      await options.queue.finish(row, owner);
    } catch (error) {
      const now = options.clock.now();
      const reason = error instanceof Error ? error.message : 'unknown error';
      if (row.attempts >= options.maxAttempts) {
        options.logger.error(
          { event: 'sign_in.code_dropped', attempts: row.attempts, reason },
          `a sign-in code could not be mailed after ${row.attempts} attempts (${reason}); the person must ask again. Fix: check WORKONWARD_SMTP_URL (run \`npx workonward-mcp doctor\`).`,
        );
        await options.queue.finish(row, owner);
        return;
      }
      const delay = backoffMs(row.attempts, options.retryBaseMs, options.retryMaxMs);
      await options.queue.retry(row, owner, new Date(now.getTime() + delay), reason, now);
    }
  };

  const loop = (async () => {
    while (!stopped) {
      try {
        const now = options.clock.now();
        const lease = ++leases;
        const rows = await options.queue.lease(owner, now, new Date(now.getTime() + options.leaseMs), BATCH);
        if (rows.length > 0) {
          await Promise.all(rows.map(attempt));
          continue;
        }
        for (const waiter of waiting.filter((w) => w.after < lease)) {
          waiting.splice(waiting.indexOf(waiter), 1);
          waiter.resolve();
        }
      } catch (error) {
        options.logger.error({ err: error }, 'sign-in mail round failed');
      }
      if (!stopped) await pause(options.pollMs);
    }
  })();

  return {
    kick,
    settled() {
      return new Promise((resolve) => {
        waiting.push({ after: leases, resolve });
        kick();
      });
    },
    async stop() {
      stopped = true;
      kick();
      await loop;
    },
  };
}
