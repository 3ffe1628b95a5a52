import { newSecretToken } from '../lib/ids.js';
import { housekeep } from './housekeeping.js';
import { recordAndLeaseNext, type Settled } from './settle.js';
import {
  buryAbandoned,
  DEFAULT_BATCH,
  type OutboxWorker,
  sendLinks,
  sendOne,
  type WorkerOptions,
} from './worker.js';
import { NO_TRACING, type Tracing } from '../observability/tracing.js';
import type { MailOutboxRow } from '../store/mail-schema.js';

/**
 * The worker's commits are lazy (store/lazy-commit.ts: on SQLite without the fsync that blocks
 * the event loop, on PostgreSQL without waiting for the server's WAL flush), all but one in this
 * many, which commits durably and so makes every earlier one durable too. A power cut, or on
 * PostgreSQL a crash of its server (a crash of ours loses nothing committed), can lose at most
 * the last DURABLE_EVERY − 1 commits, each recording at most a window of outcomes; those messages
 * are sent again with their one Message-ID (at least once), and each commit's outbox rows and
 * audit entries are kept or lost together.
 */
export const DURABLE_EVERY = 8;

/**
 * The outbox worker: keeps up to `lanes × batch` messages in flight at all times instead of
 * working in rounds (where every round waits for its slowest message before the next lease).
 * Whenever `batch` sends have finished, ONE commit records their outcomes and leases as many
 * rows as the window has room for: one commit per `batch` messages instead of two (on SQLite
 * one fsync per DURABLE_EVERY commits; on PostgreSQL one statement, so one round trip, see
 * settle.ts recordAndLeaseNext), and the mail server is never left without work
 * while the database is written. At most the window plus the finished-but-unrecorded messages (≤ 2 ×
 * window) can be sent again after a crash, each with its one Message-ID (docs/email.md).
 */
export function startOutboxWorker(options: WorkerOptions): OutboxWorker {
  const owner = `worker_${newSecretToken(9)}`;
  const batch = options.batch ?? DEFAULT_BATCH;
  const window = (options.lanes ?? 2) * batch;
  const tracing = options.tracing ?? NO_TRACING;
  const finished: Settled[] = [];
  let inFlight = 0;
  let stopped = false;
  let kicked = false;
  let lastHousekeeping = 0;
  let steps = 0;
  const { notify, changed } = wakeSignal();

  /** Records what has finished and refills the window, in one commit. Returns rows leased. */
  const step = async (): Promise<number> => {
    const recording = finished.splice(0, finished.length);
    const room = stopped || options.dryRun ? 0 : window - inFlight;
    const nowDate = options.clock.now();
    steps = (steps + 1) % DURABLE_EVERY;
    const lease =
      room > 0
        ? {
            owner,
            now: nowDate.toISOString(),
            until: new Date(nowDate.getTime() + (options.leaseMs ?? 120_000)).toISOString(),
            limit: room,
            maxAttempts: options.maxAttempts,
          }
        : undefined;
    const work = () => recordAndLeaseNext(options, owner, recording, lease, steps === 0);
    let result: Awaited<ReturnType<typeof work>>;
    try {
      result =
        recording.length > 0
          ? await tracing.span('outbox settle', { 'outbox.settled': recording.length }, work)
          : await work();
    } catch (error) {
      finished.unshift(...recording); // recorded by a later step (or re-sent after the lease)
      throw error;
    }
    result.after();
    const { rows } = result;
    if (rows.length > 0) {
      inFlight += rows.length;
      sendOut(options, tracing, rows, (outcome) => {
        finished.push(outcome);
        inFlight -= 1;
        // Wake the loop only when it has something to do: a batch to record, or nothing left out.
        if (finished.length >= batch || inFlight === 0) notify();
      });
    }
    return rows.length;
  };

  const loop = (async () => {
    while (!stopped || inFlight > 0 || finished.length > 0) {
      let leased = 0;
      kicked = false;
      try {
        leased = await step();
        const now = options.clock.now().getTime();
        if (now - lastHousekeeping > 60_000 && !stopped) {
          lastHousekeeping = now;
          await housekeep(options.db, options.clock.now());
        }
        if (leased === 0 && inFlight === 0 && finished.length === 0 && !stopped && !options.dryRun)
          await buryAbandoned(options);
      } catch (error) {
        options.logger.error({ err: error }, 'outbox worker round failed');
        // Stopping with the database away: what was sent but not recorded is sent again after
        // its lease, as after a crash.
        if (stopped) break;
        await changed(options.pollMs);
        continue;
      }
      if (inFlight === 0 && finished.length === 0) {
        // Nothing out and nothing to record: poll, unless the lease just found work.
        if (leased === 0 && !stopped && !kicked) await changed(options.pollMs);
        continue;
      }
      // Wait until a batch has finished (or everything out has), or new mail can fill free room.
      while (finished.length < batch && inFlight > 0 && !(kicked && inFlight < window && !stopped))
        await changed();
    }
  })();

  return {
    kick() {
      kicked = true;
      notify();
    },
    async stop() {
      stopped = true;
      notify();
      await loop;
    },
  };
}

/**
 * How the loop sleeps: `changed` resolves on the next `notify` (a finished send, a kick, a stop)
 * or after `ms` (none: no timeout). One sleeper at a time, which is all the loop needs.
 */
function wakeSignal() {
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
  };
  const changed = (ms?: number) =>
    new Promise<void>((resolve) => {
      const timer = ms === undefined ? undefined : setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });
  return { notify, changed };
}

/**
 * Sends the leased rows in one `outbox deliver` span, handing each outcome to `finishedOne` as it
 * comes. Not awaited: the loop goes on while they are out. sendOne keeps every outcome, never throws.
 */
function sendOut(
  options: WorkerOptions,
  tracing: Tracing,
  rows: readonly MailOutboxRow[],
  finishedOne: (outcome: Settled) => void,
): void {
  tracing
    .span(
      'outbox deliver',
      { 'outbox.messages': rows.length },
      () =>
        Promise.all(
          rows.map(async (row) => {
            finishedOne(await sendOne(options, row));
          }),
        ),
      sendLinks(rows),
    )
    .catch((error: unknown) => {
      options.logger.error({ err: error }, 'outbox send failed');
    });
}
