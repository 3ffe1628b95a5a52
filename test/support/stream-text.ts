import type { Readable } from 'node:stream';
import { arrivals } from './arrivals.js';

/** What a child process writes to one of its streams, as it arrives: read it, or wait for a phrase. */
export interface StreamText {
  /** Everything written so far. */
  text(): string;
  /** Resolves once `phrase` has been written (checked on each chunk, never on a timer). */
  until(phrase: string, timeoutMs?: number): Promise<void>;
}

export function streamText(stream: Readable): StreamText {
  const chunks = arrivals<string>();
  stream.on('data', (chunk: Buffer | string) => {
    chunks.push(chunk.toString());
  });
  const text = () => chunks.items.join('');
  return {
    text,
    async until(phrase, timeoutMs) {
      await chunks.until(
        () => (text().includes(phrase) ? true : undefined),
        `output containing ${JSON.stringify(phrase)}`,
        timeoutMs,
      );
    },
  };
}
