/**
 * The shell both hand-written bench targets share (echo-server.ts, same-work-server.ts): a
 * `node:http` server on a free loopback port that reads the whole body, parses it as one JSON-RPC
 * message, answers with the string `answer` makes as `application/json`, and speaks bench/run.ts's
 * IPC (ready with the URL, stats after an optional GC, stop; other messages are a probe's). One shell, so the
 * two targets differ only in their work and the ratio between them measures that alone.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface JsonRpcMessage {
  readonly id?: unknown;
  readonly params?: unknown;
}

export function serveJsonRpc(answer: (message: JsonRpcMessage) => string): void {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = answer(JSON.parse(Buffer.concat(chunks).toString('utf8')) as JsonRpcMessage);
      response.writeHead(200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
      });
      response.end(body);
    });
  });
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    process.send?.({ type: 'ready', url: `http://127.0.0.1:${port}` });
  });
  process.on('message', (message: { type: string; gc?: boolean }) => {
    if (message.type === 'stats') {
      if (message.gc === true) globalThis.gc?.();
      process.send?.({ type: 'stats', memory: process.memoryUsage(), poolCreated: 0 });
    } else if (message.type === 'stop') server.close(() => process.exit(0));
  });
  // Never outlive the benchmark runner.
  process.on('disconnect', () => process.exit(0));
}
