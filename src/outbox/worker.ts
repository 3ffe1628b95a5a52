import type { Kysely } from 'kysely';
import { appendAudit } from '../domain/audit/audit-log.js';
import { maskAddresses } from '../domain/mail/mask.js';
import type { CanonicalMessage } from '../domain/mail/message.js';
import type { Clock } from '../lib/clock.js';
import { newSecretToken } from '../lib/ids.js';
import type { Logger } from '../lib/logger.js';
import { expiredFinalLeases, leaseOutbox } from '../store/mail-outbox.js';
import type { DialectTraits } from '../store/open-store.js';
import type { Database } from '../store/schema.js';
import { housekeep } from './housekeeping.js';
import type { MailSender } from './mail-sender.js';
import type { DeliveryObserver } from '../observability/metrics.js';
import { NO_TRACING, type Tracing } from '../observability/tracing.js';
import { outgoingMail } from './outgoing.js';
import { alertDeadLetter, type Settled, settleRound } from './settle.js';

export { backoffMs } from './settle.js';

/**
 * Rows leased per round, per lane. With the default two lanes at most 16 messages are in flight,
 * which also bounds how many one crash can cause to be sent twice (see docs/email.md).
 */
export const DEFAULT_BATCH = 8;

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
  /** Rows leased (and sent concurrently) per round. */
  readonly batch?: number;
  /** Rounds run side by side, so connections stay busy while one round records its outcomes. */
  readonly lanes?: number;
  readonly random?: () => number;
  /** Told each round's outcomes once they are committed. */
  readonly observer?: DeliveryObserver;
  /** A span per round that delivers something (its sends and store queries inside). */
  readonly tracing?: Tracing;
}

export interface OutboxWorker {
  /** Wakes an idle worker now (called after something was queued). */
  kick(): void;
  /** Stops leasing, lets the current round finish, then resolves. */
  stop(): Promise<void>;
}

/** Dead-letters rows whose worker died during their last allowed attempt. */
async function buryAbandoned(options: WorkerOptions): Promise<void> {
  const nowIso = options.clock.now().toISOString();
  for (const row of await expiredFinalLeases(options.db, nowIso, options.maxAttempts)) {
    const buried = await options.db.transaction().execute(async (tx) => {
      const changed = await tx
        .updateTable('mail_outbox')
        .set({
          status: 'dead',
          last_error: 'worker stopped during the last attempt',
          lease_owner: null,
          lease_until: null,
          updated_at: nowIso,
        })
        .where('id', '=', row.id)
        .where('status', '=', 'sending')
        .where('lease_until', '<=', nowIso)
        .executeTakeFirst();
      if (Number(changed.numUpdatedRows) !== 1) return false;
      await appendAudit(tx, options.clock, {
        tenantId: row.tenant_id,
        userId: null,
        clientId: null,
        action: 'email.delivery',
        decision: 'dead',
        reason: 'worker stopped during the last attempt',
        details: { message_id: row.id, attempt: row.attempts },
      });
      return true;
    });
    if (buried)
      alertDeadLetter(
        options,
        row,
        JSON.parse(row.envelope_to) as string[],
        'worker stopped during the last attempt',
      );
  }
}

/** One round: lease due rows, send them concurrently, record every outcome. Returns rows leased. */
export async function deliverOnce(options: WorkerOptions, owner: string): Promise<number> {
  if (options.dryRun) return 0;
  const now = options.clock.now();
  const rows = await leaseOutbox(options.db, options.traits, {
    owner,
    now: now.toISOString(),
    until: new Date(now.getTime() + (options.leaseMs ?? 120_000)).toISOString(),
    limit: options.batch ?? DEFAULT_BATCH,
    maxAttempts: options.maxAttempts,
  });
  if (rows.length === 0) {
    await buryAbandoned(options);
    return 0;
  }
  const deliver = async () => {
    await settleRound(options, owner, await sendAll(options, rows));
  };
  await (options.tracing ?? NO_TRACING).span('outbox deliver', { 'outbox.messages': rows.length }, deliver);
  return rows.length;
}

/** Hands every leased row to the sender at once; each outcome is kept, none is thrown. */
async function sendAll(options: WorkerOptions, rows: Awaited<ReturnType<typeof leaseOutbox>>) {
  return Promise.all(
    rows.map(async (row): Promise<Settled> => {
      const to = JSON.parse(row.envelope_to) as string[];
      try {
        const message = JSON.parse(row.message) as CanonicalMessage;
        return { row, to, sent: await options.sender.send(outgoingMail(message, to, row.id)) };
      } catch (error) {
        options.logger.warn(
          { messageId: row.id, attempt: row.attempts, to: maskAddresses(to), err: (error as Error).message },
          'email delivery attempt failed',
        );
        return { row, to, error };
      }
    }),
  );
}

/** Runs rounds until stopped; idles `pollMs` between empty rounds; prunes expired state every minute. */
export function startOutboxWorker(options: WorkerOptions): OutboxWorker {
  const owner = `worker_${newSecretToken(9)}`;
  let stopped = false;
  let kicked = false;
  const wakers = new Set<() => void>();
  let lastHousekeeping = 0;
  const idle = () =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, options.pollMs);
      wakers.add(done);
    });
  const wakeAll = () => {
    for (const wake of [...wakers]) wake();
  };
  const lane = async () => {
    while (!stopped) {
      let leased = 0;
      try {
        leased = await deliverOnce(options, owner);
        const now = options.clock.now();
        if (now.getTime() - lastHousekeeping > 60_000) {
          lastHousekeeping = now.getTime();
          await housekeep(options.db, now);
        }
      } catch (error) {
        options.logger.error({ err: error }, 'outbox worker round failed');
      }
      if (leased === 0 && !stopped && !kicked) await idle();
      kicked = false;
    }
  };
  const loop = Promise.all(Array.from({ length: options.lanes ?? 2 }, lane));
  return {
    kick() {
      kicked = true;
      wakeAll();
    },
    async stop() {
      stopped = true;
      wakeAll();
      await loop;
    },
  };
}
