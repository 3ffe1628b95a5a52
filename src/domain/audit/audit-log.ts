import type { Kysely, Transaction } from 'kysely';
import type { Clock } from '../../lib/clock.js';
import { newOrderedId } from '../../lib/ids.js';
import { CompiledShapes, compiledPieces, slot } from '../../store/compiled-shapes.js';
import { rowLimit } from '../../store/row-limit.js';
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

/**
 * Several entries in one INSERT per piece of up to 16 (the outbox worker records a whole batch at
 * once), compiled once per number of entries: building and compiling it cost more than running it.
 */
export async function appendAudits(
  db: Kysely<Database> | Transaction<Database>,
  clock: Clock,
  entries: readonly AuditEntry[],
): Promise<string[]> {
  const at = clock.now().toISOString();
  const ids: string[] = [];
  for (const piece of compiledPieces(entries)) {
    const values: Record<string, string | null> = { at };
    piece.forEach((entry, i) => {
      const id = newOrderedId();
      ids.push(id);
      values[`id${i}`] = id;
      values[`tenant${i}`] = entry.tenantId;
      values[`user${i}`] = entry.userId;
      values[`client${i}`] = entry.clientId;
      values[`action${i}`] = entry.action;
      values[`decision${i}`] = entry.decision;
      values[`reason${i}`] = entry.reason ?? null;
      values[`details${i}`] = JSON.stringify(entry.details ?? {});
    });
    await shapes.executeResult<Database, unknown>(
      db,
      `append ${piece.length}`,
      () => appendQuery(db, piece.length),
      values,
    );
  }
  return ids;
}

const shapes = new CompiledShapes();

function appendQuery(db: Kysely<Database> | Transaction<Database>, count: number) {
  return db.insertInto('audit_log').values(
    Array.from({ length: count }, (_, i) => ({
      id: slot(`id${i}`),
      at: slot('at'),
      tenant_id: slot(`tenant${i}`),
      user_id: slot(`user${i}`),
      client_id: slot(`client${i}`),
      action: slot(`action${i}`),
      decision: slot(`decision${i}`),
      reason: slot(`reason${i}`),
      details: slot(`details${i}`),
    })),
  );
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
    .limit(rowLimit(options.limit ?? 100))
    .execute();
  return rows.map((row) => ({ ...row, details: JSON.parse(row.details) as Record<string, unknown> }));
}
