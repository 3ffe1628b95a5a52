import type { IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORE_HEADER_NAMES, coreHeaders, SINGLE_HEADERS } from '../../src/mcp/core-headers.js';
import { type LocalServer, localServer } from '../support/local-server.js';

/**
 * The core reads its headers from `rawHeaders` in one pass (src/mcp/core-headers.ts); the
 * reference is node:http's own `request.headers`, built from the same raw headers of a real
 * request: every value the core reads must be the one node:http has, in any spelling of the
 * name and with any repetition, and a request repeating a header the core needs once is refused.
 */
let server: LocalServer;
let port: number;
let seen: (request: IncomingMessage) => void = () => undefined;
beforeAll(async () => {
  server = await localServer((request, response) => {
    seen(request);
    response.end();
  });
  port = server.port;
});
afterAll(() => server.close());

/**
 * Sends one GET with exactly these header lines over a fresh socket; resolves with what the
 * server saw, or undefined when node:http refused the request before any handler (a bad length).
 */
function received(lines: readonly [string, string][]): Promise<IncomingMessage | undefined> {
  return new Promise((resolve, reject) => {
    let request: IncomingMessage | undefined;
    seen = (arrived) => {
      request = arrived;
    };
    const socket = connect(port, '127.0.0.1', () => {
      const head = lines.map(([name, value]) => `${name}: ${value}\r\n`).join('');
      socket.end(`GET / HTTP/1.1\r\n${head}Connection: close\r\n\r\n`);
    });
    socket.on('error', reject);
    socket.on('close', () => {
      resolve(request);
    });
    socket.resume();
  });
}

const spelling = (name: string) =>
  fc.constantFrom(
    name,
    name.toUpperCase(),
    name.replace(/(^|-)[a-z]/g, (start) => start.toUpperCase()),
    name.replace(/^./, (first) => first.toUpperCase()),
  );
const line = fc
  .constantFrom(...CORE_HEADER_NAMES, 'x-other', 'user-agent', 'traceparent')
  .chain((name) =>
    fc.tuple(
      name === 'host' ? fc.constant('Host') : spelling(name),
      name === 'content-length'
        ? fc.constantFrom('0', '00')
        : fc.constantFrom('a', 'text/event-stream', 'gzip, br', '2026-07-28', '', 'x y'),
    ),
  );

describe('the core reads its request headers as node:http does', () => {
  it('agrees with request.headers on every value it reads, for any spelling and repetition', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(line, { maxLength: 8 }), async (lines) => {
        // A request must name its host once (node:http refuses it otherwise).
        const withHost: [string, string][] = lines.some(([name]) => name === 'Host')
          ? lines
          : [['Host', 'h'], ...lines];
        const request = await received(withHost);
        if (request === undefined) return;
        const headers = coreHeaders(request.rawHeaders);
        const counts = new Map<string, number>();
        for (const [name] of withHost)
          counts.set(name.toLowerCase(), (counts.get(name.toLowerCase()) ?? 0) + 1);
        const repeated = [...SINGLE_HEADERS].some((name) => (counts.get(name) ?? 0) > 1);
        if (repeated) expect(headers).toBeUndefined();
        else for (const name of CORE_HEADER_NAMES) expect(headers?.[name], name).toBe(request.headers[name]);
      }),
      { numRuns: 300 },
    );
  });
});
