import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sendMessages } from '../../src/domain/mail/send.js';
import type { Principal } from '../../src/domain/principal.js';
import type { Clock } from '../../src/lib/clock.js';
import { createLogger } from '../../src/lib/logger.js';
import { startOutboxWorker } from '../../src/outbox/delivery-loop.js';
import type { MailSender, OutgoingMail } from '../../src/outbox/mail-sender.js';
import type { WorkerOptions } from '../../src/outbox/worker.js';
import { ManualClock } from '../support/clock.js';
import { availableDialects, createTestStore } from '../support/stores.js';
import { acceptedAll, addTenant, mailDeps, message } from './mail-fixture.js';

const dialects = await availableDialects();

/**
 * The runtime's worker (delivery-loop.ts), whose every step records the finished sends and leases
 * the next rows in one commit: on PostgreSQL one statement (store/outbox-record.ts), on SQLite
 * one transaction. worker.test.ts covers the outcomes one by one through deliverOnce.
 */
describe.each(dialects)('the delivery loop on %s', (dialect) => {
  // A store per test: the worker leases every tenant's due rows, so one test's retries would be
  // sent by the next.
  let store: Awaited<ReturnType<typeof createTestStore>>;
  beforeEach(async () => {
    store = await createTestStore(dialect);
  });
  afterEach(() => store.close());

  /** A worker's options; error lines but dead-letter alerts go to `failures` (a failed step must not pass unseen). */
  const workerOptions = (clock: Clock, sender: MailSender, failures: string[]): WorkerOptions => ({
    db: store.db,
    traits: store.traits,
    clock,
    sender,
    logger: createLogger('error', {
      write: (line: string) => {
        if (!line.includes('email dead-lettered')) failures.push(line);
      },
    }),
    maxAttempts: 3,
    retryBaseMs: 30_000,
    retryMaxMs: 3_600_000,
    pollMs: 5,
    dryRun: false,
    random: () => 0.5,
  });

  /** Sends every message in `sender` until `total` outcomes are recorded, with `loops` workers. */
  async function deliver(clock: Clock, sender: MailSender, total: number, loops = 1) {
    const failures: string[] = [];
    let recorded = 0;
    let done = () => undefined as void;
    const finished = new Promise<void>((resolve) => (done = resolve));
    const options: WorkerOptions = {
      ...workerOptions(clock, sender, failures),
      observer: {
        settled: ({ sent, retried, dead }) => {
          recorded += sent + retried + dead;
          if (recorded >= total) done();
        },
      },
    };
    const workers = Array.from({ length: loops }, () => startOutboxWorker(options));
    await finished;
    await Promise.all(workers.map((w) => w.stop()));
    expect(failures).toEqual([]);
  }

  async function queue(tenant: Principal, clock: Clock, count: number, prefix: string) {
    const ids: string[] = [];
    for (let i = 0; i < count; i += 20) {
      const { results } = await sendMessages(mailDeps(store, {}, clock), tenant, {
        tool: 'send_batch_email',
        key: `${prefix}-${i}`,
        items: Array.from({ length: Math.min(20, count - i) }, (_, j) => message(`${prefix} ${i + j}`)),
      });
      ids.push(...results.map((r) => r.message_id ?? ''));
    }
    return ids;
  }

  const deliveryAudit = (tenantId: string) =>
    store.db
      .selectFrom('audit_log')
      .select(['decision', 'reason', 'details'])
      .where('tenant_id', '=', tenantId)
      .where('action', '=', 'email.delivery')
      .execute();

  it('records sent, failed and dead outcomes of one step together, each with its one audit entry', async () => {
    const clock = new ManualClock(Date.parse('2026-12-02T12:00:00Z'));
    const tenant = await addTenant(store, `mixed-${dialect}`);
    const ids = await queue(tenant, clock, 40, 'mixed');
    const fate = (mail: OutgoingMail) => Number(/(\d+)$/.exec(mail.subject)?.[1]) % 5;
    const sent: string[] = [];
    const sender: MailSender = {
      send(mail) {
        if (fate(mail) === 1) return Promise.reject(new Error('connection reset'));
        if (fate(mail) === 2)
          return Promise.reject(Object.assign(new Error('550 no such user'), { responseCode: 550 }));
        sent.push(mail.messageId ?? '');
        const rejected = fate(mail) === 3 ? ['person@gitdate.ink'] : [];
        return Promise.resolve({
          messageId: `smtp-${mail.messageId ?? ''}`,
          accepted: [],
          rejected,
          via: 'smtp',
        });
      },
      close: () => Promise.resolve(),
    };
    await deliver(clock, sender, 40);

    const rows = await store.db
      .selectFrom('mail_outbox')
      .select([
        'id',
        'status',
        'attempts',
        'last_error',
        'next_attempt_at',
        'smtp_message_id',
        'sent_at',
        'lease_owner',
      ])
      .where('tenant_id', '=', tenant.tenantId)
      .execute();
    const byStatus = (status: string) => rows.filter((r) => r.status === status);
    expect(rows).toHaveLength(40);
    expect(byStatus('sent')).toHaveLength(24);
    expect(byStatus('failed')).toHaveLength(8);
    expect(byStatus('dead')).toHaveLength(8);
    expect(rows.every((r) => r.attempts === 1 && r.lease_owner === null)).toBe(true);
    expect(new Set(sent).size).toBe(24);
    for (const row of byStatus('sent')) {
      expect(row.smtp_message_id).toBe(`smtp-<${row.id}@gitdate.ink>`);
      expect(row.sent_at).toBe(clock.now().toISOString());
    }
    expect(byStatus('sent').filter((r) => r.last_error !== null)).toHaveLength(8);
    expect(byStatus('sent').find((r) => r.last_error !== null)?.last_error).toBe(
      'rejected by the server: person@gitdate.ink',
    );
    for (const row of byStatus('failed')) {
      expect(row).toMatchObject({ last_error: 'connection reset', smtp_message_id: null, sent_at: null });
      expect(row.next_attempt_at).toBe(new Date(clock.now().getTime() + 30_000).toISOString());
    }
    for (const row of byStatus('dead'))
      expect(row).toMatchObject({ last_error: '550 no such user', sent_at: null });

    // One audit entry per outcome, naming its row, with the row's decision and reason.
    const audit = await deliveryAudit(tenant.tenantId);
    expect(audit).toHaveLength(40);
    const statusOf = new Map(rows.map((r) => [r.id, r]));
    for (const entry of audit) {
      const details = JSON.parse(entry.details) as {
        message_id: string;
        attempt: number;
        recipients: string[];
      };
      const row = statusOf.get(details.message_id);
      expect(entry.decision).toBe(row?.status);
      expect(entry.reason).toBe(row?.last_error);
      expect(details).toMatchObject({ attempt: 1, recipients: ['person@gitdate.ink'] });
    }
    expect(new Set(audit.map((a) => (JSON.parse(a.details) as { message_id: string }).message_id))).toEqual(
      new Set(ids),
    );
  });

  it('records a row whose lease ran out while it was out, without leasing it again in the same step', async () => {
    const clock = new ManualClock(Date.parse('2026-12-02T13:00:00Z'));
    const tenant = await addTenant(store, `expired-${dialect}`);
    const [slow = ''] = await queue(tenant, clock, 1, 'expired-slow');
    const sent: string[] = [];
    let second: () => void = () => undefined;
    const queuedSecond = new Promise<void>((resolve) => (second = resolve));
    const sender: MailSender = {
      async send(mail) {
        sent.push(mail.messageId ?? '');
        if (mail.messageId?.includes(slow) === true) {
          // The lease (2 min) runs out while this message is at the mail server, and another
          // message is queued meanwhile, so the step that records this one also leases.
          clock.advance(121_000);
          await queue(tenant, clock, 1, 'expired-next');
          second();
        }
        return acceptedAll(mail);
      },
      close: () => Promise.resolve(),
    };
    const delivering = deliver(clock, sender, 2);
    await queuedSecond;
    await delivering;
    expect(sent).toHaveLength(2);
    expect(new Set(sent).size).toBe(2);
    expect(
      await store.db
        .selectFrom('mail_outbox')
        .select(['id', 'status', 'attempts'])
        .where('id', '=', slow)
        .executeTakeFirst(),
    ).toEqual({
      id: slow,
      status: 'sent',
      attempts: 1,
    });
    expect((await deliveryAudit(tenant.tenantId)).map((a) => a.decision)).toEqual(['sent', 'sent']);
  });

  it('stopping with a send out records it (without leasing) and then returns', async () => {
    const clock = new ManualClock(Date.parse('2026-12-02T15:00:00Z'));
    const tenant = await addTenant(store, `stop-${dialect}`);
    const [id = ''] = await queue(tenant, clock, 1, 'stop');
    let reached: () => void = () => undefined;
    const sending = new Promise<void>((resolve) => (reached = resolve));
    let answer: () => void = () => undefined;
    const answered = new Promise<void>((resolve) => (answer = resolve));
    const sent: string[] = [];
    const sender: MailSender = {
      async send(mail) {
        reached();
        await answered;
        sent.push(mail.messageId ?? '');
        return acceptedAll(mail);
      },
      close: () => Promise.resolve(),
    };
    const failures: string[] = [];
    const worker = startOutboxWorker(workerOptions(clock, sender, failures));
    await sending;
    const stopped = worker.stop();
    await queue(tenant, clock, 1, 'stop-late'); // queued after the stop: never leased
    answer();
    await stopped;
    expect(failures).toEqual([]);
    expect(sent).toHaveLength(1);
    const rows = await store.db
      .selectFrom('mail_outbox')
      .select(['id', 'status'])
      .where('tenant_id', '=', tenant.tenantId)
      .execute();
    expect(rows.map((r) => [r.id === id, r.status]).sort()).toEqual([
      [false, 'queued'],
      [true, 'sent'],
    ]);
    expect((await deliveryAudit(tenant.tenantId)).map((a) => a.decision)).toEqual(['sent']);
  });

  it('three workers over 300 messages send each exactly once, with one audit entry each', async () => {
    const clock = new ManualClock(Date.parse('2026-12-02T14:00:00Z'));
    const tenant = await addTenant(store, `three-${dialect}`);
    const ids = await queue(tenant, clock, 300, 'three');
    const sent: string[] = [];
    const sender: MailSender = {
      async send(mail) {
        await new Promise((resolve) => setTimeout(resolve, 1));
        sent.push(mail.messageId ?? '');
        return acceptedAll(mail);
      },
      close: () => Promise.resolve(),
    };
    await deliver(clock, sender, 300, 3);
    expect(sent).toHaveLength(300);
    expect(new Set(sent).size).toBe(300);
    const audit = await deliveryAudit(tenant.tenantId);
    expect(audit).toHaveLength(300);
    expect(new Set(audit.map((a) => (JSON.parse(a.details) as { message_id: string }).message_id))).toEqual(
      new Set(ids),
    );
  }, 60_000);
  // PostgreSQL only: SQLite's side (pragma synchronous around the transaction) is lazy-commit.test.ts.
  if (dialect === 'postgres')
    it('commits 7 in 8 of its steps with synchronous_commit off, the 8th with the server setting', async () => {
      const clock = new ManualClock(Date.parse('2026-12-02T15:00:00Z'));
      const tenant = await addTenant(store, `lazy-${dialect}`);
      await queue(tenant, clock, 200, 'lazy');
      // Every statement that changes outbox rows logs, at its end (so after anything it set), the
      // synchronous_commit its commit will use and how many outcomes it recorded.
      await sql`create table commit_log (n serial primary key, setting text, recorded int)`.execute(store.db);
      await sql`create function log_commit() returns trigger language plpgsql as $$ begin
          insert into commit_log (setting, recorded)
            select current_setting('synchronous_commit'), count(*) from changed where status <> 'sending';
          return null;
        end $$`.execute(store.db);
      await sql`create trigger log_commit after update on mail_outbox referencing new table as changed
        for each statement execute function log_commit()`.execute(store.db);
      const sender: MailSender = {
        async send(mail) {
          await new Promise((resolve) => setTimeout(resolve, 1));
          return acceptedAll(mail);
        },
        close: () => Promise.resolve(),
      };
      await deliver(clock, sender, 200);

      const log = (
        await sql<{
          setting: string;
          recorded: number;
        }>`select setting, recorded from commit_log order by n`.execute(store.db)
      ).rows;
      const recordings = log.filter((entry) => entry.recorded > 0);
      expect(recordings.reduce((sum, entry) => sum + entry.recorded, 0)).toBe(200);
      // Lazy statements record; never more than 7 of them between two synchronous commits, and
      // runs of exactly 7 (the worker's steps cycle through 8).
      expect(log.filter((entry) => entry.setting === 'off').every((entry) => entry.recorded > 0)).toBe(true);
      let run = 0;
      let longest = 0;
      for (const { setting } of log) {
        run = setting === 'off' ? run + 1 : 0;
        longest = Math.max(longest, run);
      }
      expect(longest).toBe(7);
      expect(recordings.filter((entry) => entry.setting === 'on').length).toBeGreaterThan(0);
      expect(log.every((entry) => entry.setting === 'on' || entry.setting === 'off')).toBe(true);
    }, 60_000);
});
