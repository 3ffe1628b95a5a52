import type { AccountPort } from '../ports/account-port.js';
import type { Config } from '../config/config.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { KeyRing } from '../lib/secrets.js';
import type { SignInMailer } from '../outbox/sign-in-mail.js';
import { startSignInDelivery } from '../outbox/sign-in-delivery.js';
import type { Store } from '../store/open-store.js';
import { signInMailQueue } from '../store/sign-in-mail-queue.js';
import { sendSignInCode } from './sign-in-code-mail.js';
import { signInCodes } from './sign-in-codes.js';

export interface SignInQueue {
  /** Queues a code for `email` (durably) and wakes this instance's delivery loop. */
  enqueue(email: string, refused: 'limited' | undefined): Promise<void>;
  /** Resolves once this instance has attempted every code due when called (tests wait on it, not on time). */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The durable sign-in code queue and this instance's delivery loop (issue 9, finding 3). The
 * loop is owner work (store/owner-work.ts: a person's memberships span tenants) and uses the
 * outbox's lease, attempt and backoff settings. Only OAuth mode serves `/login`, so only it runs
 * the loop; rows another instance queued are delivered by whichever instance leases them.
 */
export function startSignInQueue(deps: {
  config: Config;
  store: Store;
  clock: Clock;
  keys: KeyRing;
  logger: Logger;
  signInMail: SignInMailer;
  frontAccount: AccountPort | undefined;
}): SignInQueue {
  const { config, store, clock, logger } = deps;
  const queue = signInMailQueue(store.db, store.traits);
  const codes = { codes: signInCodes(store.db, clock, deps.keys) };
  const codeDeps = {
    db: store.db,
    clock,
    config,
    logger,
    signInMail: deps.signInMail,
    frontAccount: deps.frontAccount,
  };
  const delivery =
    config.auth === 'oauth'
      ? store.asOwner('sign-in and sessions', () =>
          startSignInDelivery({
            queue,
            clock,
            logger,
            deliver: (email, refused) => sendSignInCode(codeDeps, codes, email, refused),
            pollMs: config.mail.pollMs,
            leaseMs: config.mail.leaseMs,
            maxAttempts: config.mail.maxAttempts,
            retryBaseMs: config.mail.retryBaseMs,
            retryMaxMs: config.mail.retryMaxMs,
          }),
        )
      : undefined;
  return {
    async enqueue(email, refused) {
      await queue.enqueue(email, refused, clock.now());
      delivery?.kick();
    },
    settled: () => delivery?.settled() ?? Promise.resolve(),
    stop: () => delivery?.stop() ?? Promise.resolve(),
  };
}
