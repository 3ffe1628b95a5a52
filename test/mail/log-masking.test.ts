import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { sendMessages } from '../../src/domain/mail/send.js';
import { systemClock } from '../../src/lib/clock.js';
import { deliverOnce } from '../../src/outbox/worker.js';
import { createTestStore } from '../support/stores.js';
import { addTenant, mailDeps } from './mail-fixture.js';

describe('logs', () => {
  it('mask recipient addresses when queuing and when a delivery attempt fails; the audit log keeps them', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = pino({ level: 'debug' }, sink);
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
});
