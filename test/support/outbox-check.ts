import type { Kysely } from 'kysely';
import { openStore } from '../../src/store/open-store.js';
import type { Database } from '../../src/store/schema.js';

/**
 * What a store says about the sends after a run, shared by the cluster fault tests, the kill -9
 * test and the mail benchmark, so each checks the outbox and the audit log the same way.
 */

/** Ids of the outbox rows not yet `sent`. */
export async function unsentIds(db: Kysely<Database>): Promise<string[]> {
  const open = await db.selectFrom('mail_outbox').select('id').where('status', '!=', 'sent').execute();
  return open.map((row) => row.id);
}

/** What the shared database says about the sends: rows per key, statuses, and the audit pairs. */
export async function outboxFacts(databaseUrl: string) {
  const store = openStore(databaseUrl);
  try {
    const rows = await store.db
      .selectFrom('mail_outbox')
      .select(['id', 'idempotency_key', 'status'])
      .execute();
    const audit = await store.db
      .selectFrom('audit_log')
      .select(['action', 'decision', 'details'])
      .where('action', 'like', 'email.%')
      .execute();
    const queuedIds = audit
      .filter((a) => a.action === 'email.send_email' && a.decision === 'queued')
      .flatMap((a) =>
        (JSON.parse(a.details) as { messages: { message_id: string }[] }).messages.map((m) => m.message_id),
      );
    const sentAudits = audit
      .filter((a) => a.action === 'email.delivery' && a.decision === 'sent')
      .map((a) => (JSON.parse(a.details) as { message_id: string }).message_id);
    const ids = new Set(rows.map((r) => r.id));
    return {
      rows,
      /** Message ids of the `queued` audit entries, one per enqueued row when nothing is torn. */
      queuedIds,
      /** Message ids of the `sent` delivery audit entries. */
      sentAudits,
      /** Rows per idempotency key (must be 1 each). */
      byKey: new Map(rows.map((r) => [r.idempotency_key, r.id])),
      /** An outbox row without its `queued` audit entry, or an entry without its row. */
      tornEnqueues: [
        ...rows.filter((r) => !queuedIds.includes(r.id)).map((r) => `row ${r.id} without audit`),
        ...queuedIds.filter((id) => !ids.has(id)).map((id) => `audit ${id} without row`),
      ],
      /** A `sent` row without exactly one `sent` audit entry. */
      tornDeliveries: rows
        .filter((r) => r.status === 'sent' && sentAudits.filter((id) => id === r.id).length !== 1)
        .map((r) => r.id),
    };
  } finally {
    await store.close();
  }
}

/** Waits until every outbox row is `sent` (the workers drained it). */
export async function drained(databaseUrl: string, timeoutMs = 60_000, pollMs = 100): Promise<void> {
  const store = openStore(databaseUrl);
  try {
    for (const deadline = Date.now() + timeoutMs; ;) {
      const open = await unsentIds(store.db);
      if (open.length === 0) return;
      if (Date.now() > deadline) throw new Error(`${open.length} messages still not sent`);
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  } finally {
    await store.close();
  }
}
