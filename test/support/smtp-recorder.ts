import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface SmtpRecorder {
  readonly url: string;
  /** The Message-ID header of every message received, in order, duplicates included. */
  readonly messageIds: string[];
  /** The raw text of every message received. */
  readonly raw: string[];
  /** Resolves once `count` distinct Message-IDs have arrived. */
  waitForDistinct(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * A real SMTP server on a free loopback port that records every delivery; tolerates senders
 * killed mid-conversation (the fault tests kill them on purpose).
 */
export async function startSmtpRecorder(): Promise<SmtpRecorder> {
  const messageIds: string[] = [];
  const raw: string[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        raw.push(text);
        messageIds.push(/^Message-ID: *(.*)$/im.exec(text)?.[1]?.trim() ?? '');
        callback();
      });
    },
  });
  server.on('error', () => undefined); // ECONNRESET from a killed sender is expected
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messageIds,
    raw,
    async waitForDistinct(count, timeoutMs = 60_000) {
      for (const deadline = Date.now() + timeoutMs; new Set(messageIds).size < count;) {
        if (Date.now() > deadline)
          throw new Error(`expected ${count} distinct messages, got ${new Set(messageIds).size}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      }),
  };
}
