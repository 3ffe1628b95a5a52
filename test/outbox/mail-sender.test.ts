import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
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
    const sender = smtpSender(smtp.url, { timeoutMs: 30_000 });
    const sent = await sender.send(mail);
    await sender.close();
    const [received] = await smtp.waitFor(1);
    expect(received?.envelope.to).toEqual(['person@gitdate.ink']);
    expect(sent.accepted).toEqual(['person@gitdate.ink']);
    expect(received?.parsed.headers.has('bcc')).toBe(false);
    expect(received?.parsed.subject).not.toContain('\n');
  });
});

describe('SMTP sender connection pool', () => {
  it('sends many messages over at most 4 reused connections', async () => {
    const smtp = await startTestSmtpServer();
    const sender = smtpSender(smtp.url, { timeoutMs: 30_000 });
    try {
      await Promise.all(Array.from({ length: 24 }, () => sender.send(mail)));
      await smtp.waitFor(24);
      expect(smtp.connections()).toBeGreaterThan(0);
      expect(smtp.connections()).toBeLessThanOrEqual(4);
    } finally {
      await sender.close();
      await smtp.close();
    }
  });
});

describe('SMTP sender against a server that stops answering', () => {
  it('fails the attempt after the silence timeout instead of outliving its lease', async () => {
    // Accepts the connection and the envelope, then never acknowledges the message body.
    const stalled = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream) {
        stream.resume();
      },
    });
    await new Promise<void>((resolve) => stalled.listen(0, '127.0.0.1', resolve));
    const { port } = stalled.server.address() as AddressInfo;
    const sender = smtpSender(`smtp://127.0.0.1:${String(port)}`, { timeoutMs: 300 });
    const started = Date.now();
    try {
      await expect(sender.send(mail)).rejects.toThrow(/timeout/i);
      expect(Date.now() - started).toBeLessThan(5_000); // nodemailer's default would wait 10 minutes
    } finally {
      await sender.close();
      await new Promise<void>((resolve) => {
        stalled.close(() => {
          resolve();
        });
      });
    }
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
