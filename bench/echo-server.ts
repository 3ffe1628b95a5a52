/**
 * The baseline: a raw `node:http` JSON-RPC echo server (parse the body, answer with the request's
 * params as the result). What any Node HTTP server pays before doing protocol or product work.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const message = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id?: unknown; params?: unknown };
    const body = JSON.stringify({ jsonrpc: '2.0', id: message.id ?? null, result: message.params ?? {} });
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
process.on('message', (message: { type: string }) => {
  if (message.type === 'stats')
    process.send?.({ type: 'stats', memory: process.memoryUsage(), poolCreated: 0 });
  else server.close(() => process.exit(0));
});

// Never outlive the benchmark runner.
process.on('disconnect', () => process.exit(0));
