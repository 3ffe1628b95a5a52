import type { Runtime } from '../../src/runtime.js';

/**
 * A barrier instead of a sleep: stops the runtime's outbox worker (its round in flight finishes
 * first), so nothing more can be sent after this returns, and reports the rows that were still
 * waiting to be sent. "Nothing more was sent" is then proven by an empty list, not by waiting.
 */
export async function drainOutbox(runtime: Runtime): Promise<{ id: string; status: string }[]> {
  await runtime.mailWorker?.stop();
  return runtime.store.db
    .selectFrom('mail_outbox')
    .select(['id', 'status'])
    .where('status', 'in', ['queued', 'sending', 'failed'])
    .execute();
}
