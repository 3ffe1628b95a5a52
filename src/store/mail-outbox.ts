import { type Kysely, type RawBuilder, type Transaction, sql } from 'kysely';
import { MAIL_OUTBOX_COLUMNS, type MailOutboxRow, type OutboxStatus } from './mail-schema.js';
import { CompiledShapes, compiledPieces, slot } from './compiled-shapes.js';
import type { DialectTraits } from './open-store.js';
import { prepared } from './prepared-statements.js';
import { rowLimit } from './row-limit.js';
import type { Database } from './schema.js';

type Executor = Kysely<Database> | Transaction<Database>;

export async function insertOutbox(db: Executor, rows: MailOutboxRow[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('mail_outbox').values(rows).execute();
}

export function findOutboxMessage(db: Executor, tenantId: string, id: string) {
  return db
    .selectFrom('mail_outbox')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export function findOutboxByKey(db: Executor, tenantId: string, key: string) {
  return db
    .selectFrom('mail_outbox')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('idempotency_key', '=', key)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(rowLimit(200))
    .execute();
}

/** A tenant's outbox, newest first (for the Outbox page and the CLI). */
export function listOutbox(
  db: Executor,
  tenantId: string,
  options: { status?: OutboxStatus; before?: string; limit?: number } = {},
) {
  let query = db.selectFrom('mail_outbox').selectAll().where('tenant_id', '=', tenantId);
  if (options.status !== undefined) query = query.where('status', '=', options.status);
  if (options.before !== undefined) query = query.where('created_at', '<', options.before);
  return query
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(rowLimit(options.limit ?? 100))
    .execute();
}

/** A lease's values: who takes the rows, now, until when, how many at most. */
export type Lease = {
  readonly owner: string;
  readonly now: string;
  readonly until: string;
  readonly limit: number;
  readonly maxAttempts: number;
};

/**
 * Leases up to `limit` due rows for `owner` in one conditional UPDATE: `sending` rows whose lease
 * expired (their worker died), then failed rows due for a retry, then queued rows, oldest first.
 * Each state is one index range that stops after `limit` rows; an OR across the states (in the
 * candidates or as a re-check in the UPDATE) made both databases gather every due row on each
 * lease, quadratic in the backlog. Candidates are picked and updated in one statement: SQLite
 * runs it alone; PostgreSQL picks them `FOR UPDATE SKIP LOCKED` (re-checking a row changed
 * meanwhile), so concurrent workers never lease the same row. A prepared statement on PostgreSQL
 * (prepared-statements.ts). On SQLite the limit is written into the SQL, one statement per limit
 * (at most the worker's window): bound, it made SQLite prepare the statement again on every
 * lease, the idle worker's poll included (DialectTraits.boundLimitReprepares).
 */
export function leaseOutbox(db: Executor, traits: DialectTraits, lease: Lease): Promise<MailOutboxRow[]> {
  const literal = traits.boundLimitReprepares;
  return shapes.execute<Database, MailOutboxRow>(
    db,
    `lease${traits.skipLocked ? ' skip-locked' : ''}${literal ? ` ${lease.limit}` : ''}`,
    () => ({
      compile: () =>
        prepared(
          leaseQuery(
            db,
            traits.skipLocked,
            literal ? rowLimit(lease.limit) : slot<number>('limit'),
          ).compile(),
        ),
    }),
    lease,
  );
}

/**
 * The worker's statements, built and compiled once per dialect (the lease's three-way union costs
 * more to compile than to run).
 */
const shapes = new CompiledShapes();

/**
 * leaseOutbox's statement, with slots for a Lease's values (outbox-record.ts embeds it); its
 * limit is the slot or a literal (`rowLimit`).
 */
export function leaseQuery(db: Executor, skipLocked: boolean, limit: number | RawBuilder<number>) {
  const now = slot('now');
  const oldest = (status: OutboxStatus, dueColumn: 'next_attempt_at' | 'lease_until') => {
    let rows = db
      .selectFrom('mail_outbox')
      .select('id')
      .where('status', '=', status)
      .where(dueColumn, '<=', now)
      .where('attempts', '<', slot<number>('maxAttempts'))
      .orderBy('next_attempt_at')
      .limit(limit);
    if (skipLocked) rows = rows.forUpdate().skipLocked();
    return db.selectFrom(rows.as(status)).select('id');
  };
  const candidates = db
    .selectFrom(
      oldest('sending', 'lease_until')
        .unionAll(oldest('failed', 'next_attempt_at'))
        .unionAll(oldest('queued', 'next_attempt_at'))
        .as('due'),
    )
    .select('id')
    .limit(limit);
  return db
    .updateTable('mail_outbox')
    .set({
      status: 'sending',
      lease_owner: slot('owner'),
      lease_until: slot('until'),
      attempts: sql<number>`attempts + 1`,
      updated_at: now,
    })
    .where('id', 'in', candidates)
    .returning(MAIL_OUTBOX_COLUMNS);
}

/** Moves a row this owner holds to its next state; false if the lease was lost meanwhile. */
export async function settleLeased(
  db: Executor,
  id: string,
  owner: string,
  change: Partial<
    Pick<MailOutboxRow, 'status' | 'last_error' | 'next_attempt_at' | 'smtp_message_id' | 'sent_at'>
  > & {
    updated_at: string;
  },
): Promise<boolean> {
  const result = await db
    .updateTable('mail_outbox')
    .set({ ...change, lease_owner: null, lease_until: null })
    .where('id', '=', id)
    .where('lease_owner', '=', owner)
    .where('status', '=', 'sending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Marks a round's delivered rows `sent` in one UPDATE (their Message-ID and any partial
 * rejection differ per row), only where this owner still holds the lease. Returns the ids it
 * changed: a row whose lease was lost meanwhile is left to its new holder. Compiled once per
 * number of rows (in pieces of up to 16): building and compiling it each time was a tenth of the
 * worker's CPU per message.
 */
export async function settleSent(
  db: Executor,
  owner: string,
  delivered: readonly { id: string; smtpMessageId: string; lastError: string | null }[],
  now: string,
): Promise<Set<string>> {
  const changed = new Set<string>();
  for (const piece of compiledPieces(delivered)) {
    const values: Record<string, string | null> = { owner, now };
    piece.forEach((d, i) => {
      values[`id${i}`] = d.id;
      values[`messageId${i}`] = d.smtpMessageId;
      values[`lastError${i}`] = d.lastError;
    });
    const rows = await shapes.execute<Database, { id: string }>(
      db,
      `sent ${piece.length}`,
      () => settleSentQuery(db, piece.length),
      values,
    );
    for (const row of rows) changed.add(row.id);
  }
  return changed;
}

function settleSentQuery(db: Executor, count: number) {
  const rows = Array.from({ length: count }, (_, i) => i);
  const perRow = (column: string) =>
    sql<string | null>`case id ${sql.join(
      rows.map((i) => sql`when ${slot(`id${i}`)} then ${slot(`${column}${i}`)}`),
      sql` `,
    )} end`;
  const now = slot('now');
  return db
    .updateTable('mail_outbox')
    .set({
      status: 'sent',
      sent_at: now,
      updated_at: now,
      smtp_message_id: perRow('messageId'),
      last_error: perRow('lastError'),
      lease_owner: null,
      lease_until: null,
    })
    .where(
      'id',
      'in',
      rows.map((i) => slot(`id${i}`)),
    )
    .where('lease_owner', '=', slot('owner'))
    .where('status', '=', 'sending')
    .returning('id');
}

/** Rows whose worker died on their last allowed attempt: they are dead-lettered, not retried. */
export function expiredFinalLeases(db: Executor, now: string, maxAttempts: number) {
  return db
    .selectFrom('mail_outbox')
    .select(['id', 'tenant_id', 'attempts', 'lease_owner', 'envelope_to'])
    .where('status', '=', 'sending')
    .where('lease_until', '<=', now)
    .where('attempts', '>=', maxAttempts)
    .limit(rowLimit(100))
    .execute();
}

/** A conditional status change for one tenant's row (cancel, retry); false if it was not in `from`. */
export async function transitionOutbox(
  db: Executor,
  tenantId: string,
  id: string,
  from: readonly OutboxStatus[],
  change: Partial<
    Pick<
      MailOutboxRow,
      'status' | 'attempts' | 'next_attempt_at' | 'last_error' | 'lease_owner' | 'lease_until'
    >
  > & {
    updated_at: string;
  },
): Promise<boolean> {
  const result = await db
    .updateTable('mail_outbox')
    .set(change)
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .where('status', 'in', [...from])
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
