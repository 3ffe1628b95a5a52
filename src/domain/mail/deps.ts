import type { Kysely, Transaction } from 'kysely';
import type { Clock } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';
import type { Database } from '../../store/schema.js';
import type { RefusalObserver } from '../limits/rate-limiter.js';
import { appendAudit } from '../audit/audit-log.js';
import type { Principal } from '../principal.js';
import type { CanonicalMessage } from './message.js';
import type { MailPolicy } from './policy.js';

/** What the mail use-cases need from the process. */
export interface MailDeps {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  readonly policy: MailPolicy;
  readonly logger: Logger;
  /** The headers that matter, exactly as the composed message would carry them. */
  readonly renderHeaders: (
    message: CanonicalMessage,
    envelopeTo: readonly string[],
  ) => Promise<Record<string, string>>;
  /** Told of each refusal by a sending limit (metrics), when set. */
  readonly limitObserver?: RefusalObserver | undefined;
  /**
   * The active span's W3C `traceparent` (the send's), kept on each outbox row so the later
   * delivery's span links to it; absent or undefined when tracing is off.
   */
  readonly traceParent?: () => string | undefined;
  /** Called after mail was queued (wakes the outbox worker). */
  readonly onQueued?: () => void;
}

export type EmailTool =
  'validate_recipients' | 'preview_send' | 'send_email' | 'send_batch_email' | 'get_send_status';

/**
 * One audit entry for an email tool call or refusal. Addresses are kept in full here (the audit
 * log is the record of who was mailed); bodies never are, only their hash.
 */
export function auditEmail(
  db: Kysely<Database> | Transaction<Database>,
  clock: Clock,
  principal: Principal,
  tool: EmailTool,
  decision: string,
  reason: string | null,
  details: Record<string, unknown>,
): Promise<string> {
  return appendAudit(db, clock, {
    tenantId: principal.tenantId,
    userId: principal.userId,
    clientId: principal.clientId,
    action: `email.${tool}`,
    decision,
    reason,
    details: {
      tool,
      ...details,
      // Through the HTTP API: which key, and the person a front said it acts for.
      ...(principal.apiKey !== undefined && {
        api_key: principal.apiKey.prefix,
        on_behalf_of: principal.apiKey.onBehalfOf,
      }),
    },
  });
}
