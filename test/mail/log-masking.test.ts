import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { sendMessages } from '../../src/domain/mail/send.js';
import { systemClock } from '../../src/lib/clock.js';
import { deliverOnce } from '../../src/outbox/worker.js';
import { createTestStore } from '../support/stores.js';
import { addTenant, mailDeps } from './mail-fixture.js';

/** A pino logger writing JSON lines into `lines`. */
function captureLogs(level: string) {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, logger: pino({ level }, sink) };
}

describe('logs', () => {
  it('mask recipient addresses when queuing and when a delivery attempt fails; the audit log keeps them', async () => {
    const { lines, logger } = captureLogs('debug');
    const store = await createTestStore('sqlite');
    try {
      const tenant = await addTenant(store, 'acme');
      const deps = { ...mailDeps(store), logger };
      await sendMessages(deps, tenant, {
        tool: 'send_email',
        key: 'mask-1',
        items: [
          {
            message: { to: ['person@gitdate.ink'], cc: ['dana.reyes@gitdate.ink'], subject: 'Hi', text: 'x' },
          },
        ],
      });
      const failing = {
        send: () => Promise.reject(new Error('connection refused')),
        close: () => Promise.resolve(),
      };
      await deliverOnce(
        {
          db: store.db,
          traits: store.traits,
          clock: systemClock,
          sender: failing,
          logger,
          maxAttempts: 8,
          retryBaseMs: 1000,
          retryMaxMs: 1000,
          pollMs: 10,
          dryRun: false,
        },
        'w',
      );
      const logged = lines.join('');
      expect(logged).toContain('p***@gitdate.ink');
      expect(logged).toContain('d***@gitdate.ink');
      expect(logged).not.toContain('person@gitdate.ink');
      expect(logged).not.toContain('dana.reyes@gitdate.ink');
      const audit = await store.db.selectFrom('audit_log').select('details').execute();
      expect(audit.some((a) => a.details.includes('dana.reyes@gitdate.ink'))).toBe(true);
    } finally {
      await store.close();
    }
  });
  it('raise one error-level alert per dead letter, with the address masked and where to act', async () => {
    const { lines, logger } = captureLogs('info');
    const store = await createTestStore('sqlite');
    try {
      const tenant = await addTenant(store, 'acme');
      await sendMessages({ ...mailDeps(store), logger }, tenant, {
        tool: 'send_email',
        key: 'dead-1',
        items: [{ message: { to: ['person@gitdate.ink'], subject: 'Hi', text: 'x' } }],
      });
      const rejecting = {
        send: () =>
          Promise.reject(Object.assign(new Error('550 mailbox unavailable'), { responseCode: 550 })),
        close: () => Promise.resolve(),
      };
      const options = {
        db: store.db,
        traits: store.traits,
        clock: systemClock,
        sender: rejecting,
        logger,
        maxAttempts: 8,
        retryBaseMs: 1000,
        retryMaxMs: 1000,
        pollMs: 10,
        dryRun: false,
      };
      await deliverOnce(options, 'w');
      const alerts = lines
        .map((line) => JSON.parse(line) as { level: number; msg: string; to?: string[]; reason?: string })
        .filter((entry) => entry.level >= 50);
      expect(alerts).toHaveLength(1);
      expect(alerts[0]?.msg).toMatch(/dead-lettered.*Settings → Outbox/);
      expect(alerts[0]?.to).toEqual(['p***@gitdate.ink']);
      expect(alerts[0]?.reason).toMatch(/550/);
      expect(lines.join('')).not.toContain('person@gitdate.ink');
    } finally {
      await store.close();
    }
  });
});
