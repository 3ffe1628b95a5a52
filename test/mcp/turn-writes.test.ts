import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endThisTurn } from '../../src/mcp/turn-writes.js';
import { type LocalServer, localServer } from '../support/local-server.js';

/**
 * The core's answers end at the end of the event loop's turn (src/mcp/turn-writes.ts), on real
 * sockets: each client gets its own bytes, none ends before the turn is over but past the cap.
 */
const COUNT = 20;
let server: LocalServer;
let waiting: { response: ServerResponse; index: number }[] = [];
let endedAtOnce: boolean[] = [];
let endedAfterTurn: boolean[] = [];
beforeAll(async () => {
  server = await localServer((request, response) => {
    waiting.push({ response, index: Number(request.url?.slice(1)) });
    if (waiting.length < COUNT) return;
    // Every answer of the test in one synchronous run, as a turn with COUNT answers ready would.
    const all = waiting;
    waiting = [];
    for (const { response: each, index } of all) {
      const body = Buffer.from(`answer ${index}`);
      each.writeHead(200, ['content-length', String(body.length)]);
      endThisTurn(each, body);
    }
    endedAtOnce = all.map(({ response: each }) => each.writableEnded);
    setImmediate(() => {
      endedAfterTurn = all.map(({ response: each }) => each.writableEnded);
    });
  });
});
afterAll(() => server.close());

describe('endThisTurn', () => {
  it('ends every held answer after the turn with its own bytes, the first 16 at once when more are held', async () => {
    const answers = await Promise.all(
      Array.from({ length: COUNT }, async (_, index) => {
        const response = await fetch(`http://127.0.0.1:${server.port}/${index}`);
        return response.text();
      }),
    );
    expect(answers).toEqual(Array.from({ length: COUNT }, (_, index) => `answer ${index}`));
    // The order the requests reached the handler is the order they were held in.
    expect(endedAtOnce).toEqual(Array.from({ length: COUNT }, (_, index) => index < 16));
    expect(endedAfterTurn).toEqual(Array.from({ length: COUNT }, () => true));
  });
});

describe('endThisTurn with a first chunk', () => {
  it('sends the head, the first chunk and the last in one socket write, as a corked write + end in one tick does', async () => {
    let socketWrites = -1;
    const framed = await localServer((_request, response) => {
      // Counted on this socket only: one `_writev` for the corked lot, or a `_write` per part.
      const socket = response.socket as unknown as Record<string, (...args: unknown[]) => void>;
      let writes = 0;
      for (const method of ['_write', '_writev']) {
        const original = socket[method]!.bind(socket);
        socket[method] = (...args: unknown[]) => {
          writes += 1;
          original(...args);
        };
      }
      response.on('finish', () => (socketWrites = writes));
      response.writeHead(200, ['content-length', '10']);
      endThisTurn(response, Buffer.from('world'), Buffer.from('hello'));
    });
    try {
      const answer = await fetch(`http://127.0.0.1:${framed.port}/`).then((response) => response.text());
      expect(answer).toBe('helloworld');
      expect(socketWrites).toBe(1);
    } finally {
      await framed.close();
    }
  });
});
