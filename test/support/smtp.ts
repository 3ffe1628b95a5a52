import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { arrivals } from './arrivals.js';

export interface ReceivedMail {
  readonly envelope: { from: string; to: string[] };
  readonly raw: string;
  readonly parsed: ParsedMail;
}

export interface TestSmtpServer {
  readonly url: string;
  readonly received: readonly ReceivedMail[];
  /** Number of SMTP connections opened so far (0 proves nothing was sent). */
  readonly connections: () => number;
  /** Resolves when `count` messages have arrived. */
  waitFor(count: number, timeoutMs?: number): Promise<readonly ReceivedMail[]>;
  /** Resolves with the messages to `address` once `count` of them have arrived. */
  waitForMailTo(address: string, count: number, timeoutMs?: number): Promise<readonly ReceivedMail[]>;
  close(): Promise<void>;
}

/** A real SMTP server on a free loopback port that records the envelope and parsed message of everything it receives. */
export async function startTestSmtpServer(): Promise<TestSmtpServer> {
  const mail = arrivals<ReceivedMail>();
  let connections = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onConnect(_session, callback) {
      connections += 1;
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        void simpleParser(raw).then((parsed) => {
          mail.push({
            envelope: {
              from: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address,
              to: session.envelope.rcptTo.map((r) => r.address),
            },
            raw,
            parsed,
          });
          callback();
        }, callback);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received: mail.items,
    connections: () => connections,
    waitFor: (count, timeoutMs = 10_000) =>
      mail.until((items) => (items.length >= count ? items : undefined), `${count} messages`, timeoutMs),
    waitForMailTo: (address, count, timeoutMs = 10_000) =>
      mail.until(
        (items) => {
          const to = items.filter((item) => item.envelope.to.includes(address));
          return to.length >= count ? to : undefined;
        },
        `${count} messages to ${address}`,
        timeoutMs,
      ),
    close: () =>
      new Promise((resolve) => {
        server.close(() => {
          resolve();
        });
      }),
  };
}
