import type { Config } from '../config/config.js';
import type { MailDeps } from '../domain/mail/deps.js';
import type { MailPolicy } from '../domain/mail/policy.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { Store } from '../store/open-store.js';
import type { MailSender } from './mail-sender.js';
import type { RefusalObserver } from '../domain/limits/rate-limiter.js';
import type { DeliveryObserver } from '../observability/metrics.js';
import type { Tracing } from '../observability/tracing.js';
import { renderHeaders } from './outgoing.js';
import { startOutboxWorker } from './delivery-loop.js';
import type { OutboxWorker } from './worker.js';

export interface MailRuntime {
  readonly deps: MailDeps;
  /** Undefined when this process runs no worker (`WORKONWARD_MAIL_WORKER=0`). */
  readonly worker: OutboxWorker | undefined;
}

/** The email use-cases' dependencies and, unless disabled, the outbox worker delivering through `sender`. */
export function startMailRuntime(options: {
  config: Config;
  policy: MailPolicy;
  store: Store;
  clock: Clock;
  logger: Logger;
  sender: MailSender;
  /** Counts each round's outcomes (metrics), when set. */
  metrics?: (DeliveryObserver & RefusalObserver) | undefined;
  tracing?: Tracing;
}): MailRuntime {
  const { config, store, clock, logger, sender } = options;
  // Owner work (store/owner-work.ts): the loop started here leases every tenant's rows, and all
  // it awaits runs in the context it starts in, even when a request's kick wakes it.
  const worker = config.mail.worker
    ? store.asOwner('outbox worker', () =>
        startOutboxWorker({
          db: store.db,
          traits: store.traits,
          clock,
          sender,
          logger,
          maxAttempts: config.mail.maxAttempts,
          retryBaseMs: config.mail.retryBaseMs,
          retryMaxMs: config.mail.retryMaxMs,
          pollMs: config.mail.pollMs,
          dryRun: config.mail.dryRun,
          leaseMs: config.mail.leaseMs,
          ...(options.metrics !== undefined && { observer: options.metrics }),
          ...(options.tracing !== undefined && { tracing: options.tracing }),
        }),
      )
    : undefined;
  const deps: MailDeps = {
    db: store.db,
    clock,
    policy: options.policy,
    logger,
    renderHeaders,
    limitObserver: options.metrics,
    ...(options.tracing?.enabled === true && { traceParent: () => options.tracing?.traceparent() }),
    onQueued: () => worker?.kick(),
  };
  return { deps, worker };
}
