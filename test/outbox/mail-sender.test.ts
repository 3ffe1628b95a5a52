import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/lib/clock.js';
import { createLogger } from '../../src/lib/logger.js';
import { devMailboxSender, listDevMailbox } from '../../src/outbox/dev-mailbox.js';
import type { OutgoingMail } from '../../src/outbox/mail-sender.js';
import { smtpSender } from '../../src/outbox/smtp-sender.js';
import { startTestSmtpServer, type TestSmtpServer } from '../support/smtp.js';
import { createTestStore } from '../support/stores.js';

const mail: OutgoingMail = {
  from: 'PING8 <mail@gitdate.ink>',
  to: ['"Person, with comma" <person@gitdate.ink>'],
  subject: 'Hello\r\nBcc: evil@example.com',
  text: 'Body',
  envelope: { from: 'mail@gitdate.ink', to: ['person@gitdate.ink'] },
};

describe('SMTP sender', () => {
  let smtp: TestSmtpServer;
  beforeAll(async () => {
    smtp = await startTestSmtpServer();
  });
  afterAll(() => smtp.close());

  it('delivers to exactly the explicit envelope, never to addresses parsed from headers', async () => {
    const sender = smtpSender(smtp.url);
    const sent = await sender.send(mail);
    await sender.close();
    const [received] = await smtp.waitFor(1);
    expect(received?.envelope.to).toEqual(['person@gitdate.ink']);
    expect(sent.accepted).toEqual(['person@gitdate.ink']);
    expect(received?.parsed.headers.has('bcc')).toBe(false);
    expect(received?.parsed.subject).not.toContain('\n');
  });
});

describe('dev mailbox sender', () => {
  it('keeps the composed message and its envelope instead of sending it', async () => {
    const store = await createTestStore('sqlite');
    try {
      const sender = devMailboxSender(store.db, fixedClock('2026-11-21T12:00:00Z'), createLogger('silent'));
      const sent = await sender.send(mail);
      const [kept] = await listDevMailbox(store.db);
      expect(sent.via).toBe('dev-mailbox');
      expect(JSON.parse(kept?.envelope_to ?? '[]')).toEqual(['person@gitdate.ink']);
      const parsed = await simpleParser(kept?.raw ?? '');
      expect(parsed.text?.trim()).toBe('Body');
      expect(parsed.headers.has('bcc')).toBe(false);
    } finally {
      await store.close();
    }
  });
});
