import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { arrivals } from './arrivals.js';

export interface SmtpRecorder {
  readonly url: string;
  /** The Message-ID header of every message received, in order, duplicates included. */
  readonly messageIds: readonly string[];
  /** The raw text of every message received. */
  readonly raw: readonly string[];
  /** Resolves once `count` distinct Message-IDs (of those `among` accepts, if given) have arrived. */
  waitForDistinct(
    count: number,
    options?: { among?: (messageId: string) => boolean; timeoutMs?: number },
  ): Promise<void>;
  /** Resolves with the first match of `pattern` in a message received after the first `since`. */
  waitForMatch(pattern: RegExp, since: number, timeoutMs?: number): Promise<RegExpExecArray>;
  close(): Promise<void>;
}

/**
 * A real SMTP server on a free loopback port that records every delivery; tolerates senders
 * killed mid-conversation (the fault tests kill them on purpose).
 */
export async function startSmtpRecorder(): Promise<SmtpRecorder> {
  const messageIds: string[] = [];
  const raw = arrivals<string>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        messageIds.push(/^Message-ID: *(.*)$/im.exec(text)?.[1]?.trim() ?? '');
        raw.push(text);
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
    raw: raw.items,
    async waitForDistinct(count, { among = () => true, timeoutMs = 60_000 } = {}) {
      await raw.until(
        () => (new Set(messageIds.filter(among)).size >= count ? true : undefined),
        `${count} distinct messages`,
        timeoutMs,
      );
    },
    waitForMatch: (pattern, since, timeoutMs = 60_000) =>
      raw.until(
        (items) =>
          items
            .slice(since)
            .map((text) => pattern.exec(text))
            .find((match): match is RegExpExecArray => match !== null),
        `a message matching ${String(pattern)}`,
        timeoutMs,
      ),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      }),
  };
}
