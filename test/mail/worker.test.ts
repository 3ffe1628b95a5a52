import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cancelOutboxMessage, outboxPage, retryOutboxMessage } from '../../src/domain/mail/outbox-admin.js';
import { sendMessages } from '../../src/domain/mail/send.js';
import type { Principal } from '../../src/domain/principal.js';
import type { Clock } from '../../src/lib/clock.js';
import { createLogger } from '../../src/lib/logger.js';
import type { MailSender, OutgoingMail } from '../../src/outbox/mail-sender.js';
import { backoffMs, deliverOnce, type WorkerOptions } from '../../src/outbox/worker.js';
import { ManualClock } from '../support/clock.js';
import { availableDialects, createTestStore } from '../support/stores.js';
import { acceptedAll, addTenant, mailDeps, message } from './mail-fixture.js';

const dialects = await availableDialects();

function recordingSender(fail: (mail: OutgoingMail) => Error | undefined = () => undefined, delayMs = 0) {
  const sent: string[] = [];
  const sender: MailSender = {
    async send(mail) {
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      const error = fail(mail);
      if (error !== undefined) throw error;
      sent.push(mail.messageId ?? '');
      return acceptedAll(mail);
    },
    close: () => Promise.resolve(),
  };
  return { sender, sent };
}

/**
 * A sender that never answers, and a promise that resolves when the worker first calls it: by
 * then the row's lease is committed (the worker leases, then sends), so the test waits on that
 * event instead of a sleep.
 */
function hangingSender() {
  let reached: () => void = () => undefined;
  const sending = new Promise<void>((resolve) => (reached = resolve));
  const sender: MailSender = {
    send: () => {
      reached();
      return new Promise(() => undefined);
    },
    close: () => Promise.resolve(),
  };
  return { sender, sending };
}

describe.each(dialects)('outbox worker on %s', (dialect) => {
  let store: Awaited<ReturnType<typeof createTestStore>>;
  let tenant: Principal;
  beforeAll(async () => {
    store = await createTestStore(dialect);
    tenant = await addTenant(store, 'acme');
  });
  afterAll(() => store.close());

  const options = (clock: Clock, sender: MailSender, extra: Partial<WorkerOptions> = {}): WorkerOptions => ({
    db: store.db,
    traits: store.traits,
    clock,
    sender,
    logger: createLogger('silent'),
    maxAttempts: 3,
    retryBaseMs: 30_000,
    retryMaxMs: 3_600_000,
    pollMs: 10,
    dryRun: false,
    random: () => 0.5,
    ...extra,
  });
  const row = (id: string) =>
    store.db.selectFrom('mail_outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  it('backs off 30 s·2ⁿ with jitter, capped at an hour', () => {
    expect(backoffMs(1, 30_000, 3_600_000, () => 0.5)).toBe(30_000);
    expect(backoffMs(3, 30_000, 3_600_000, () => 0.5)).toBe(120_000);
    expect(backoffMs(9, 30_000, 3_600_000, () => 0.5)).toBe(3_600_000);
    expect(backoffMs(1, 30_000, 3_600_000, () => 0)).toBe(24_000);
    expect(backoffMs(1, 30_000, 3_600_000, () => 1)).toBe(36_000);
  });

  it('retries a failing message with backoff, then dead-letters it after the attempt limit', async () => {
    const clock = new ManualClock();
    const deps = mailDeps(store, {}, clock);
    const { results } = await sendMessages(deps, tenant, {
      tool: 'send_email',
      key: `fail-${dialect}`,
      items: [message('f')],
    });
    const id = results[0]?.message_id ?? '';
    const { sender } = recordingSender(() => new Error('connection refused'));
    await deliverOnce(options(clock, sender), 'w1');
    expect(await row(id)).toMatchObject({
      status: 'failed',
      attempts: 1,
      last_error: 'connection refused',
      next_attempt_at: new Date(clock.now().getTime() + 30_000).toISOString(),
    });
    expect(await deliverOnce(options(clock, sender), 'w1')).toBe(0);
    clock.advance(30_000);
    await deliverOnce(options(clock, sender), 'w1');
    expect(await row(id)).toMatchObject({ status: 'failed', attempts: 2 });
    clock.advance(60_000);
    await deliverOnce(options(clock, sender), 'w1');
    expect(await row(id)).toMatchObject({ status: 'dead', attempts: 3 });
    const audit = await store.db
      .selectFrom('audit_log')
      .select(['decision'])
      .where('action', '=', 'email.delivery')
      .where('details', 'like', `%${id}%`)
      .execute();
    expect(audit.map((a) => a.decision).sort()).toEqual(['dead', 'failed', 'failed']);

    // An operator retries it; a dead message can be retried, a sent one cannot be cancelled.
    await retryOutboxMessage(store.db, clock, { tenantId: tenant.tenantId, userId: null }, id);
    const ok = recordingSender();
    await deliverOnce(options(clock, ok.sender), 'w1');
    expect(await row(id)).toMatchObject({ status: 'sent', attempts: 1 });
    await expect(
      cancelOutboxMessage(store.db, clock, { tenantId: tenant.tenantId, userId: null }, id),
    ).rejects.toThrow(/Only queued/);
  });

  it('dead-letters at once on a permanent (5xx) rejection, and cancels a queued message before it is sent', async () => {
    const clock = new ManualClock();
    const deps = mailDeps(store, {}, clock);
    const a = await sendMessages(deps, tenant, {
      tool: 'send_email',
      key: `perm-${dialect}`,
      items: [message('p')],
    });
    const b = await sendMessages(deps, tenant, {
      tool: 'send_email',
      key: `cancel-${dialect}`,
      items: [message('c')],
    });
    await cancelOutboxMessage(
      store.db,
      clock,
      { tenantId: tenant.tenantId, userId: null },
      b.results[0]?.message_id ?? '',
    );
    const perm = recordingSender(() => Object.assign(new Error('550 no such user'), { responseCode: 550 }));
    await deliverOnce(options(clock, perm.sender), 'w1');
    expect((await row(a.results[0]?.message_id ?? '')).status).toBe('dead');
    expect((await row(b.results[0]?.message_id ?? '')).status).toBe('cancelled');
    const page = await outboxPage(store.db, tenant.tenantId, { status: 'cancelled' });
    expect(page.map((m) => m.message_id)).toContain(b.results[0]?.message_id);
  });

  it('4 concurrent workers over 400 messages send each exactly once', async () => {
    const clock = new ManualClock(Date.parse('2026-11-22T12:00:00Z'));
    const deps = mailDeps(store, {}, clock);
    const other = await addTenant(store, `many-${dialect}`);
    for (let i = 0; i < 400; i += 20)
      await sendMessages(deps, other, {
        tool: 'send_batch_email',
        key: `many-${i}`,
        items: Array.from({ length: 20 }, (_, j) => message(i + j)),
      });
    const { sender, sent } = recordingSender(undefined, 2);
    const worker = async (name: string) => {
      while ((await deliverOnce(options(clock, sender, { batch: 8 }), name)) > 0);
    };
    await Promise.all(['a', 'b', 'c', 'd'].map(worker));
    expect(sent).toHaveLength(400);
    expect(new Set(sent).size).toBe(400);
    const statuses = await store.db
      .selectFrom('mail_outbox')
      .select('status')
      .where('tenant_id', '=', other.tenantId)
      .execute();
    expect(statuses.every((s) => s.status === 'sent')).toBe(true);
  }, 60_000);

  it('re-leases a row whose worker died only after its lease expired (the documented duplicate window)', async () => {
    const clock = new ManualClock(Date.parse('2026-11-23T12:00:00Z'));
    const deps = mailDeps(store, {}, clock);
    const { results } = await sendMessages(deps, tenant, {
      tool: 'send_email',
      key: `lease-${dialect}`,
      items: [message('l')],
    });
    const id = results[0]?.message_id ?? '';
    const hang = hangingSender();
    void deliverOnce(options(clock, hang.sender, { leaseMs: 60_000 }), 'dying');
    await hang.sending;
    expect((await row(id)).status).toBe('sending');
    const ok = recordingSender();
    expect(await deliverOnce(options(clock, ok.sender), 'other')).toBe(0);
    clock.advance(60_000);
    await deliverOnce(options(clock, ok.sender), 'other');
    expect(await row(id)).toMatchObject({ status: 'sent', attempts: 2 });
  });
  it('dead-letters (and audits) a row whose worker died during its last allowed attempt', async () => {
    const clock = new ManualClock(Date.parse('2026-11-24T12:00:00Z'));
    const deps = mailDeps(store, {}, clock);
    const { results } = await sendMessages(deps, tenant, {
      tool: 'send_email',
      key: `last-attempt-${dialect}`,
      items: [message('last')],
    });
    const id = results[0]?.message_id ?? '';
    const hang = hangingSender();
    void deliverOnce(options(clock, hang.sender, { leaseMs: 60_000, maxAttempts: 1 }), 'dying');
    await hang.sending;
    expect(await row(id)).toMatchObject({ status: 'sending', attempts: 1 });

    const ok = recordingSender();
    await deliverOnce(options(clock, ok.sender, { maxAttempts: 1 }), 'other');
    expect((await row(id)).status).toBe('sending'); // its lease still runs: the worker may be alive
    clock.advance(60_000);
    expect(await deliverOnce(options(clock, ok.sender, { maxAttempts: 1 }), 'other')).toBe(0);
    expect(await row(id)).toMatchObject({
      status: 'dead',
      last_error: 'worker stopped during the last attempt',
      lease_owner: null,
    });
    expect(ok.sent).toEqual([]); // never sent again after the limit
    const audit = await store.db
      .selectFrom('audit_log')
      .select(['decision', 'details'])
      .where('action', '=', 'email.delivery')
      .where('details', 'like', `%${id}%`)
      .execute();
    expect(audit.map((a) => a.decision)).toEqual(['dead']);
  });
  it('records nothing for a row whose lease another worker took over while it was being sent', async () => {
    const clock = new ManualClock(Date.parse('2026-11-25T12:00:00Z'));
    const deps = mailDeps(store, {}, clock);
    const { results } = await sendMessages(deps, tenant, {
      tool: 'send_email',
      key: `lost-lease-${dialect}`,
      items: [message('lost')],
    });
    const id = results[0]?.message_id ?? '';
    // While the message is at the mail server, another worker takes the row over (as after a stall).
    const takenOver: MailSender = {
      async send(mail) {
        await store.db
          .updateTable('mail_outbox')
          .set({ lease_owner: 'usurper' })
          .where('id', '=', id)
          .execute();
        return acceptedAll(mail);
      },
      close: () => Promise.resolve(),
    };
    await deliverOnce(options(clock, takenOver), 'original');
    expect(await row(id)).toMatchObject({ status: 'sending', lease_owner: 'usurper', sent_at: null });
    const audit = await store.db
      .selectFrom('audit_log')
      .select('decision')
      .where('action', '=', 'email.delivery')
      .where('details', 'like', `%${id}%`)
      .execute();
    expect(audit).toEqual([]); // the new holder records the outcome, not the worker that lost the lease
  });
  it('records a partial rejection on a sent row, next to the Message-ID, in one UPDATE per round', async () => {
    const clock = new ManualClock(Date.parse('2026-11-26T12:00:00Z'));
    const deps = mailDeps(store, {}, clock);
    const ids: string[] = [];
    for (const n of [1, 2, 3]) {
      const { results } = await sendMessages(deps, tenant, {
        tool: 'send_email',
        key: `partial-${dialect}-${n}`,
        items: [{ message: { to: [`a${n}@gitdate.ink`, `b${n}@gitdate.ink`], subject: `P${n}`, text: 'x' } }],
      });
      ids.push(results[0]?.message_id ?? '');
    }
    const partial: MailSender = {
      send: (mail) =>
        Promise.resolve({
          messageId: `smtp-${mail.messageId ?? ''}`,
          accepted: mail.envelope.to.filter((to) => !to.startsWith('b2')),
          rejected: mail.envelope.to.filter((to) => to.startsWith('b2')),
          via: 'smtp' as const,
        }),
      close: () => Promise.resolve(),
    };
    await deliverOnce(options(clock, partial), 'partial');
    const rows = await Promise.all(ids.map(row));
    expect(rows.map((r) => [r.status, r.last_error])).toEqual([
      ['sent', null],
      ['sent', 'rejected by the server: b2@gitdate.ink'],
      ['sent', null],
    ]);
    // Each row keeps its own Message-ID from the mail server.
    expect(rows.map((r) => r.smtp_message_id)).toEqual(ids.map((id) => `smtp-<${id}@gitdate.ink>`));
  });
});
