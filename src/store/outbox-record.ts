import { type Kysely, type SqlBool, type Transaction, sql } from 'kysely';
import { CompiledShapes, compiledPieces, slot } from './compiled-shapes.js';
import { lazyCommit } from './lazy-commit.js';
import { prepared } from './prepared-statements.js';
import type { MailOutboxRow } from './mail-schema.js';
import { type Lease, leaseQuery } from './mail-outbox.js';
import type { Database } from './schema.js';

type Executor = Kysely<Database> | Transaction<Database>;

/** One finished attempt, as recorded: the row's next state and its `email.delivery` audit entry. */
export interface OutcomeRecord {
  readonly id: string;
  readonly status: 'sent' | 'failed' | 'dead';
  /** The row's `last_error`, and the audit entry's reason. */
  readonly lastError: string | null;
  /** When a `failed` row is due again; null keeps the row's own. */
  readonly nextAttemptAt: string | null;
  /** The mail server's Message-ID of a `sent` row; null keeps the row's own. */
  readonly smtpMessageId: string | null;
  readonly auditId: string;
  /** The audit entry's details, as JSON. */
  readonly details: string;
}

/**
 * PostgreSQL: records a batch's outcomes, writes their audit entries and leases the next rows in
 * ONE statement (data-modifying WITH), instead of begin, UPDATE, INSERT, lease and commit: each
 * of those was a round trip the worker waited on. A single statement commits atomically on its
 * own, so an outcome and its audit entry are kept or lost together, as in a transaction; only the
 * outcomes whose lease this owner still holds are recorded and audited (`settled` feeds the
 * INSERT). The lease is the one of leaseOutbox (`FOR UPDATE SKIP LOCKED`), kept off the rows
 * being recorded: a statement must not update a row twice. Past 16 outcomes (a window larger
 * than the default), the pieces run in one transaction, the lease with the last one. Unless
 * `durable`, the commit does not wait for the WAL flush (lazy-commit.ts `lazyCommit`). Each shape
 * is a named prepared statement (prepared-statements.ts): parsed and planned once per connection
 * rather than on every recording.
 */
export async function recordAndLease(
  db: Kysely<Database>,
  owner: string,
  now: string,
  outcomes: readonly OutcomeRecord[],
  lease: Lease | undefined,
  durable: boolean,
): Promise<{ recorded: Set<string>; rows: MailOutboxRow[] }> {
  const pieces = compiledPieces(outcomes);
  if (pieces.length <= 1) return run(db, owner, now, pieces[0] ?? [], lease, durable);
  return db.transaction().execute(async (tx) => {
    const recorded = new Set<string>();
    let rows: MailOutboxRow[] = [];
    for (const [index, piece] of pieces.entries()) {
      const last = index === pieces.length - 1;
      const result = await run(tx, owner, now, piece, last ? lease : undefined, durable);
      for (const id of result.recorded) recorded.add(id);
      rows = result.rows;
    }
    return { recorded, rows };
  });
}

/**
 * The statement's result: one row per leased row (one with null columns when none was leased),
 * or, when not leasing, one row with `recorded` alone; `lazy_commit` (set_config's answer, 'off')
 * on every row of a lazily committed one.
 */
type RecordedAndLeased = { recorded?: string[]; lazy_commit?: string } & {
  [K in keyof MailOutboxRow]: MailOutboxRow[K] | null;
};

async function run(
  db: Executor,
  owner: string,
  now: string,
  outcomes: readonly OutcomeRecord[],
  lease: Lease | undefined,
  durable: boolean,
): Promise<{ recorded: Set<string>; rows: MailOutboxRow[] }> {
  const values: Record<string, unknown> = { ...lease, owner, now };
  outcomes.forEach((o, i) => {
    values[`id${i}`] = o.id;
    values[`status${i}`] = o.status;
    values[`lastError${i}`] = o.lastError;
    values[`nextAttemptAt${i}`] = o.nextAttemptAt;
    values[`messageId${i}`] = o.smtpMessageId;
    values[`auditId${i}`] = o.auditId;
    values[`details${i}`] = o.details;
  });
  const result = await shapes.execute<Database, RecordedAndLeased>(
    db,
    `record ${outcomes.length}${lease === undefined ? '' : ' and lease'}${durable ? '' : ' lazily'}`,
    () => ({
      compile: () => prepared(recordQuery(db, outcomes.length, lease !== undefined, durable).compile(db)),
    }),
    values,
  );
  const recorded = new Set(result[0]?.recorded ?? []);
  const rows: MailOutboxRow[] = [];
  if (lease !== undefined)
    for (const row of result) {
      // The same on every row; not columns of the leased row.
      delete row.recorded;
      delete row.lazy_commit;
      if (row.id !== null) rows.push(row as MailOutboxRow);
    }
  return { recorded, rows };
}

const shapes = new CompiledShapes();

function recordQuery(db: Executor, count: number, leasing: boolean, durable: boolean) {
  const now = slot('now');
  const outcomes = sql.join(
    Array.from(
      { length: count },
      (_, i) =>
        sql`(${sql.join(
          ['id', 'status', 'lastError', 'nextAttemptAt', 'messageId', 'auditId', 'details'].map((name) =>
            slot(`${name}${i}`),
          ),
        )})`,
    ),
  );
  const recorded = sql`
    with outcome (id, status, last_error, next_attempt_at, smtp_message_id, audit_id, details) as (
      values ${outcomes}
    ), settled as (
      update mail_outbox as o set
        status = outcome.status,
        last_error = outcome.last_error,
        next_attempt_at = coalesce(outcome.next_attempt_at, o.next_attempt_at),
        smtp_message_id = coalesce(outcome.smtp_message_id, o.smtp_message_id),
        sent_at = case when outcome.status = 'sent' then ${now} else o.sent_at end,
        lease_owner = null,
        lease_until = null,
        updated_at = ${now}
      from outcome
      where o.id = outcome.id and o.lease_owner = ${slot('owner')} and o.status = 'sending'
      returning o.id, o.tenant_id
    ), audited as (
      insert into audit_log (id, at, tenant_id, user_id, client_id, action, decision, reason, details)
      select outcome.audit_id, ${now}, settled.tenant_id, null, null, 'email.delivery',
        outcome.status, outcome.last_error, outcome.details
      from settled join outcome on outcome.id = settled.id
    )`;
  const recordedIds = sql`(select coalesce(array_agg(id), '{}') from settled) as recorded${
    durable ? sql`` : sql`, ${lazyCommit} as lazy_commit`
  }`;
  if (!leasing) return sql<RecordedAndLeased>`${recorded} select ${recordedIds}`;
  // PostgreSQL only: the limit stays bound (DialectTraits.boundLimitReprepares).
  const lease = leaseQuery(db, true, slot<number>('limit')).where(
    sql<SqlBool>`id not in (select id from outcome)`,
  );
  return sql<RecordedAndLeased>`${recorded}, leased as (${lease})
    select ${recordedIds}, leased.* from (select 1) as one left join leased on true`;
}
