import type { Kysely } from 'kysely';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { DeliveryObserver } from '../observability/metrics.js';
import type { Tracing } from '../observability/tracing.js';
import type { DialectTraits } from '../store/open-store.js';
import type { Database } from '../store/schema.js';
import type { MailSender } from './mail-sender.js';

/**
 * How an outbox worker runs, in its own file so that worker.ts and settle.ts (which records a
 * round's outcomes) both depend on it without depending on each other.
 */
export interface WorkerOptions {
  readonly db: Kysely<Database>;
  readonly traits: DialectTraits;
  readonly clock: Clock;
  readonly sender: MailSender;
  readonly logger: Logger;
  readonly maxAttempts: number;
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
  readonly pollMs: number;
  /**
   * `WORKONWARD_MCP_DRY_RUN=1`: nothing leaves. No row is leased or sent, including rows queued
   * before dry-run was switched on; they wait, `queued`, until it is off again (status says so).
   */
  readonly dryRun: boolean;
  /** How long a lease lasts; a row whose worker died is retried after it (the duplicate window). */
  readonly leaseMs?: number;
  /** Outcomes recorded per transaction, which also leases as many (deliverOnce: rows per round). */
  readonly batch?: number;
  /** The window is `lanes × batch` messages in flight. */
  readonly lanes?: number;
  readonly random?: () => number;
  /** Told each batch's outcomes once they are committed. */
  readonly observer?: DeliveryObserver;
  /** Spans per leased batch (its sends) and per recording transaction (its queries). */
  readonly tracing?: Tracing;
}
