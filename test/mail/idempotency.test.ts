import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '../../src/domain/errors.js';
import { databaseFault } from '../../src/store/database-faults.js';
import type { Principal } from '../../src/domain/principal.js';
import { sendMessages } from '../../src/domain/mail/send.js';
import { housekeep } from '../../src/outbox/housekeeping.js';
import { ManualClock } from '../support/clock.js';
import { availableDialects, createTestStore } from '../support/stores.js';
import { tenantGuard } from '../support/tenant-guard.js';
import { addTenant, mailDeps, message } from './mail-fixture.js';

const dialects = await availableDialects();

describe.each(dialects)('idempotent sends on %s', (dialect) => {
  let store: Awaited<ReturnType<typeof createTestStore>>;
  let tenant: Principal;
  let other: Principal;
  beforeAll(async () => {
    store = await createTestStore(dialect, tenantGuard().options);
    tenant = await addTenant(store, 'acme');
    other = await addTenant(store, 'globex');
  });
  afterAll(() => store.close());

  const countRows = async (tenantId: string, prefix: string) =>
    (
      await store.db
        .selectFrom('mail_outbox')
        .select('idempotency_key')
        .where('tenant_id', '=', tenantId)
        .execute()
    ).filter((r) => r.idempotency_key.startsWith(prefix));

  it('2,000 concurrent sends over 100 keys queue exactly 100 messages, one per key, and 0 unexpected errors', async () => {
    const deps = mailDeps(store);
    const send = (k: number) =>
      sendMessages(deps, tenant, { tool: 'send_email', key: `conc-${k}`, items: [message(k)] }).then(
        (r) => (r.replayed ? 'replayed' : 'sent'),
        (e: unknown) =>
          e instanceof DomainError && e.message.startsWith('idempotency_in_progress')
            ? 'in_progress'
            : databaseFault(e) === 'transient'
              ? ({ busy: k } as const)
              : `error: ${String(e)}`,
      );
    const storm = await Promise.all(Array.from({ length: 2000 }, (_, i) => send(i % 100)));
    // On a loaded machine 2,000 callers can wait out the pool's connect timeout (a transient
    // fault, "retry later", that wrote nothing): such a caller retries with its key, as a client
    // would, and its retry must fit the one-row-per-key count like any other.
    const outcomes: string[] = [];
    for (const outcome of storm)
      outcomes.push(
        typeof outcome === 'string'
          ? outcome
          : await send(outcome.busy).then((retried) =>
              typeof retried === 'string' ? retried : 'error: busy on retry',
            ),
      );
    const tally = outcomes.reduce<Record<string, number>>(
      (acc, o) => ({ ...acc, [o]: (acc[o] ?? 0) + 1 }),
      {},
    );
    expect(Object.keys(tally).filter((k) => k.startsWith('error'))).toEqual([]);
    expect(tally.sent).toBe(100);
    const rows = await countRows(tenant.tenantId, 'conc-');
    expect(rows).toHaveLength(100);
    expect(new Set(rows.map((r) => r.idempotency_key)).size).toBe(100);
    const audits = await store.db
      .selectFrom('audit_log')
      .select('id')
      .where('tenant_id', '=', tenant.tenantId)
      .where('decision', '=', 'queued')
      .execute();
    expect(audits).toHaveLength(100);
  }, 120_000);

  it('100 keys × 10 retries give exactly 100 rows, 100 submissions and 900 replays', async () => {
    const deps = mailDeps(store);
    let replays = 0;
    for (let attempt = 0; attempt < 10; attempt += 1)
      for (let k = 0; k < 100; k += 1) {
        const result = await sendMessages(deps, tenant, {
          tool: 'send_email',
          key: `retry-${k}`,
          items: [message(k)],
        });
        if (result.replayed) replays += 1;
      }
    expect(await countRows(tenant.tenantId, 'retry-')).toHaveLength(100);
    expect(replays).toBe(900);
  }, 120_000);

  it('a retry hours later, after housekeeping ran, replays instead of sending again', async () => {
    let now = Date.now();
    const deps = mailDeps(store, {}, { now: () => new Date(now) });
    const first = await sendMessages(deps, tenant, {
      tool: 'send_email',
      key: 'late-retry',
      items: [message('late')],
    });
    now += 6 * 3_600_000; // long past the call's claim window, well within the 24 h retention
    // As the outbox worker runs it (owner work across tenants: store/owner-work.ts).
    await store.asOwner('outbox worker', () => housekeep(store.db, new Date(now)));
    const again = await sendMessages(deps, tenant, {
      tool: 'send_email',
      key: 'late-retry',
      items: [message('late')],
    });
    expect(again).toEqual({ ...first, replayed: true });
    expect(await countRows(tenant.tenantId, 'late-retry')).toHaveLength(1);
  });

  it('refuses a reused key with any changed field, and never leaks across tenants', async () => {
    const deps = mailDeps(store);
    const first = await sendMessages(deps, tenant, {
      tool: 'send_email',
      key: 'shared-key',
      items: [message('a')],
    });
    for (const changed of [
      { message: { ...message('a').message, subject: 'Other' } },
      { message: { ...message('a').message, text: 'Other' } },
      { message: { ...message('a').message, to: ['other@gitdate.ink'] } },
      { message: { ...message('a').message, cc: ['cc@gitdate.ink'] } },
    ])
      await expect(
        sendMessages(deps, tenant, { tool: 'send_email', key: 'shared-key', items: [changed] }),
      ).rejects.toThrow(/idempotency_key_reused/);
    // Another tenant may use the same key for different content: its own send, no replay, no conflict.
    const theirs = await sendMessages(deps, other, {
      tool: 'send_email',
      key: 'shared-key',
      items: [message('b')],
    });
    expect(theirs.replayed).toBe(false);
    expect(theirs.results[0]?.message_id).not.toBe(first.results[0]?.message_id);
    // The same key under the batch tool is a separate scope.
    const batch = await sendMessages(deps, tenant, {
      tool: 'send_batch_email',
      key: 'shared-key',
      items: [message('c')],
    });
    expect(batch.replayed).toBe(false);
  });

  it('1,000 keys used by two tenants at once: 2,000 sends, 0 replays, each key resolves to its own tenant', async () => {
    const deps = mailDeps(store);
    const a = await addTenant(store, `collide-a-${dialect}`);
    const b = await addTenant(store, `collide-b-${dialect}`);
    const keys = Array.from({ length: 1000 }, (_, i) => `collide-${i}`);
    const replays: boolean[] = [];
    for (let i = 0; i < keys.length; i += 50)
      for (const result of await Promise.all(
        keys
          .slice(i, i + 50)
          .flatMap((key) =>
            [a, b].map((principal) =>
              sendMessages(deps, principal, { tool: 'send_email', key, items: [message('same')] }),
            ),
          ),
      ))
        replays.push(result.replayed);
    expect(replays).toHaveLength(2000);
    expect(replays.filter(Boolean)).toHaveLength(0);
    for (const principal of [a, b]) {
      const rows = await countRows(principal.tenantId, 'collide-');
      expect(new Set(rows.map((r) => r.idempotency_key)).size).toBe(1000);
      expect(rows).toHaveLength(1000);
    }
  }, 120_000);

  it('rate limits per tenant over a sliding minute, naming the limit and when to retry; a refused call leaves its key unused', async () => {
    const clock = new ManualClock('2026-11-21T12:00:59.000Z');
    const deps = mailDeps(store, { ratePerMinute: 2 }, clock);
    const limited = await addTenant(store, `limited-${dialect}`);
    await sendMessages(deps, limited, { tool: 'send_email', key: 'r1', items: [message(1)] });
    await sendMessages(deps, limited, { tool: 'send_email', key: 'r2', items: [message(2)] });
    clock.advance(2_000); // a new calendar minute: a per-minute bucket would have reset here
    const refused = sendMessages(deps, limited, { tool: 'send_email', key: 'r3', items: [message(3)] });
    await expect(refused).rejects.toMatchObject({ code: 'rate_limited', retryAfterSeconds: 59 });
    await expect(refused).rejects.toThrow(
      /rate_limited \(mail-per-minute\): queuing email for this tenant is limited to 2 per minute.*Retry in 59 seconds/,
    );
    clock.advance(59_000);
    const later = await sendMessages(deps, limited, { tool: 'send_email', key: 'r3', items: [message(3)] });
    expect(later.replayed).toBe(false);
    await expect(
      sendMessages(mailDeps(store, { quotaPerDay: 3 }, clock), limited, {
        tool: 'send_email',
        key: 'r4',
        items: [message(4)],
      }),
    ).rejects.toThrow(/rate_limited \(mail-per-day\): .* limited to 3 per 24 hours/);
  });

  it('dry-run queues nothing, records dry_run rows and audit entries, and does not use up the key', async () => {
    const dry = mailDeps(store, { dryRun: true });
    const result = await sendMessages(dry, tenant, {
      tool: 'send_email',
      key: 'dry-key',
      items: [message('d')],
    });
    expect(result).toMatchObject({ dry_run: true, queued_count: 0 });
    expect(result.note).toMatch(/nothing was queued/);
    const rows = await store.db
      .selectFrom('mail_outbox')
      .select('status')
      .where('tenant_id', '=', tenant.tenantId)
      .where('idempotency_key', '=', 'dry-key')
      .execute();
    expect(rows.map((r) => r.status)).toEqual(['dry_run']);
    const real = await sendMessages(mailDeps(store), tenant, {
      tool: 'send_email',
      key: 'dry-key',
      items: [message('d')],
    });
    expect(real).toMatchObject({ dry_run: false, replayed: false, queued_count: 1 });
  });

  it('rejects blank, over-long and non-ASCII keys', async () => {
    const deps = mailDeps(store);
    for (const key of ['', '   ', 'x'.repeat(256), 'clé', 'a\nb'])
      await expect(
        sendMessages(deps, tenant, { tool: 'send_email', key, items: [message(1)] }),
      ).rejects.toThrow(/idempotency_key must be/);
  });
});
