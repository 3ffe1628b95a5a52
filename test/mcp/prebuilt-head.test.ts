import { connect } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prebuiltHead, writePrebuiltHead } from '../../src/mcp/prebuilt-head.js';
import { type LocalServer, localServer } from '../support/local-server.js';

/**
 * The core's answers write their constant header lines once-validated (src/mcp/prebuilt-head.ts);
 * the reference is node:http's own `writeHead` with the whole list. Both answer the same request
 * on a real socket, and the bytes must be the same — every line, in order, Node's own `Date`,
 * `Connection` and `Keep-Alive` lines included — for any list, status and kind of connection.
 */
let server: LocalServer;
let port: number;
let list: readonly string[] = [];
let status = 200;
const BODY = Buffer.from('{"jsonrpc":"2.0","id":1,"result":{}}');
beforeAll(async () => {
  server = await localServer((request, response) => {
    if (request.url === '/whole')
      response.writeHead(status, [...list, 'content-length', String(BODY.length)]);
    else writePrebuiltHead(response, status, prebuiltHead(list), BODY.length);
    response.end(BODY);
  });
  port = server.port;
});
afterAll(() => server.close());

/** One request on a fresh socket; resolves with the raw answer once its body is in (or the socket ends). */
function exchange(path: string, version: string, connection: string | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    const done = () => {
      socket.destroy();
      resolve(text);
    };
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      text += chunk;
      const end = text.indexOf('\r\n\r\n');
      if (end >= 0 && text.length >= end + 4 + BODY.length) done();
    });
    socket.on('end', done);
    socket.on('error', reject);
    const lines = [`POST ${path} HTTP/${version}`, 'Host: 127.0.0.1'];
    if (connection !== undefined) lines.push(`Connection: ${connection}`);
    socket.write(`${lines.join('\r\n')}\r\nContent-Length: 0\r\n\r\n`);
  });
}

/** Node's own Date line names the second it was written in; both answers are read without it. */
const withoutDate = (answer: string) => answer.replace(/\r\nDate: [^\r]*\r\n/, '\r\nDate: (now)\r\n');

const NAMES = [
  'content-security-policy',
  'x-content-type-options',
  'Content-Type',
  'cache-control',
  'vary',
  'content-encoding',
  'x-accel-buffering',
];
const ACTED_ON: [string, string][] = [
  ['connection', 'keep-alive'],
  ['Connection', 'close'],
  ['keep-alive', 'timeout=3'],
  ['date', 'Thu, 01 Jan 2026 00:00:00 GMT'],
];
const line = fc.oneof(
  fc.tuple(fc.constantFrom(...NAMES), fc.stringMatching(/^[\x20-\x7e]{0,40}$/)),
  fc.constantFrom(...ACTED_ON),
);

describe('prebuilt response heads', () => {
  it('are the bytes writeHead writes for the whole list, on any connection', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(line, { maxLength: 20 }),
        fc.constantFrom(200, 202, 404),
        fc.constantFrom(['1.1', undefined], ['1.1', 'keep-alive'], ['1.1', 'close'], ['1.0', undefined]),
        async (lines, code, [version, connection]) => {
          list = lines.flat();
          status = code;
          const whole = await exchange('/whole', version ?? '1.1', connection);
          const prebuilt = await exchange('/prebuilt', version ?? '1.1', connection);
          expect(whole).toContain('\r\n\r\n{"jsonrpc"');
          expect(withoutDate(prebuilt)).toBe(withoutDate(whole));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('keep only the lines node:http merely copies, up to the first it acts on', () => {
    const head = prebuiltHead([
      'x-a',
      '1',
      'Content-Type',
      'text/event-stream',
      'Connection',
      'keep-alive',
      'x-b',
      '2',
    ]);
    expect(head.lines).toBe('x-a: 1\r\nContent-Type: text/event-stream\r\n');
    expect(head.rest).toEqual(['Connection', 'keep-alive', 'x-b', '2']);
  });

  it('refuse, when built, a name or value writeHead would refuse', () => {
    expect(() => prebuiltHead(['x-a', 'one\r\nx-injected: 1'])).toThrow(/Invalid character/);
    expect(() => prebuiltHead(['x a', '1'])).toThrow(/must be a valid HTTP token/);
  });
});
