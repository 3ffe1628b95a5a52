import type { Kysely, Transaction } from 'kysely';
import type { Clock } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import type { Database } from '../../store/schema.js';

export interface AuditEntry {
  readonly tenantId: string | null;
  readonly userId: string | null;
  readonly clientId: string | null;
  readonly action: string;
  readonly decision: string;
  readonly reason?: string | null;
  /** Particulars of the action. Never put secrets, tokens, codes or message bodies here. */
  readonly details?: Readonly<Record<string, unknown>>;
}

/**
 * Appends to the audit log. Pass the transaction that makes the change being audited, so the
 * entry and the change commit or roll back together. There is no update or delete.
 */
export async function appendAudit(
  db: Kysely<Database> | Transaction<Database>,
  clock: Clock,
  entry: AuditEntry,
): Promise<string> {
  const [id = ''] = await appendAudits(db, clock, [entry]);
  return id;
}

/** Several entries in one INSERT (the outbox worker records a whole round at once). */
export async function appendAudits(
  db: Kysely<Database> | Transaction<Database>,
  clock: Clock,
  entries: readonly AuditEntry[],
): Promise<string[]> {
  if (entries.length === 0) return [];
  const at = clock.now().toISOString();
  const rows = entries.map((entry) => ({
    id: newId(),
    at,
    tenant_id: entry.tenantId,
    user_id: entry.userId,
    client_id: entry.clientId,
    action: entry.action,
    decision: entry.decision,
    reason: entry.reason ?? null,
    details: JSON.stringify(entry.details ?? {}),
  }));
  await db.insertInto('audit_log').values(rows).execute();
  return rows.map((row) => row.id);
}

/** A tenant's audit entries, newest first, optionally filtered by action prefix (e.g. `email.`). */
export async function listAudit(
  db: Kysely<Database>,
  tenantId: string,
  options: { actionPrefix?: string; before?: string; limit?: number } = {},
) {
  let query = db.selectFrom('audit_log').selectAll().where('tenant_id', '=', tenantId);
  if (options.actionPrefix !== undefined) query = query.where('action', 'like', `${options.actionPrefix}%`);
  if (options.before !== undefined) query = query.where('at', '<', options.before);
  const rows = await query
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(options.limit ?? 100)
    .execute();
  return rows.map((row) => ({ ...row, details: JSON.parse(row.details) as Record<string, unknown> }));
}
