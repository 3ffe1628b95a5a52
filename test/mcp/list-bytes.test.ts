import { gunzipSync, inflateRawSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptsGzip, gzipHead, gzipRest } from '../../src/mcp/gzip-splice.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { LEGACY, exchange, legacy, modern, modernHeaders } from './raw-http.js';

/**
 * Lists are served from bytes built once per era and scope set (src/mcp/list-answers.ts), with
 * only the request id spliced in, and gzip-compressed once for clients that accept gzip
 * (src/mcp/gzip-splice.ts). What a client reads must be byte for byte the uncompressed answer.
 */
describe('gzip splice', () => {
  it('any head, any rest: one valid gzip member that inflates to head + rest', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 70_000 }), fc.uint8Array({ maxLength: 300 }), (head, rest) => {
        const zipped = gzipHead(Buffer.from(head));
        const body = Buffer.concat([zipped.prefix, gzipRest(zipped, Buffer.from(rest))]);
        // gunzip checks the CRC-32 and the size of the whole member.
        expect(gunzipSync(body).equals(Buffer.concat([head, rest]))).toBe(true);
        // and the deflate stream is complete on its own (a final block ends it).
        expect(inflateRawSync(body.subarray(10, body.length - 8)).length).toBe(head.length + rest.length);
      }),
      { numRuns: 60 },
    );
  });

  it.each([
    ['gzip, deflate, br', true],
    ['br;q=1.0, gzip;q=0.8, *;q=0.1', true],
    ['GZIP', true],
    ['*', true],
    ['identity', false],
    ['gzip;q=0', false],
    ['gzip;q=0.000, *', false],
    ['deflate, *;q=0', false],
    ['', false],
    [undefined, false],
  ])('Accept-Encoding %j admits gzip: %s', (header, expected) => {
    expect(acceptsGzip(header)).toBe(expected);
  });
});

let server: TestServer;
let url: string;
beforeAll(async () => {
  server = await startTestServer();
  url = `${server.url}/mcp`;
});
afterAll(() => server.stop());

/** A raw POST: headers and body bytes exactly as the server wrote them (no decoding). */
const rawPost = (body: string, headers: Record<string, string>) => exchange(url, { headers, body });

describe('list answers on the wire', () => {
  const cases = [
    ['2025-11-25 tools/list', (id: number) => legacy('tools/list', undefined, id), LEGACY],
    ['2026-07-28 tools/list', (id: number) => modern('tools/list', {}, id), modernHeaders('tools/list')],
  ] as const;

  it.each(cases)(
    '%s: gzip when accepted, the same bytes as without, each with its own id',
    async (_, body, headers) => {
      const plain = await rawPost(body(7), headers);
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(Number(plain.headers['content-length'])).toBe(plain.bytes.length);
      const zipped = await rawPost(body(7), { ...headers, 'accept-encoding': 'gzip, deflate, br' });
      expect(zipped.headers['content-encoding']).toBe('gzip');
      expect(zipped.headers.vary).toBe('accept-encoding');
      expect(Number(zipped.headers['content-length'])).toBe(zipped.bytes.length);
      expect(zipped.bytes.length).toBeLessThan(plain.bytes.length / 3);
      expect(gunzipSync(zipped.bytes).equals(plain.bytes)).toBe(true);
      // Another id: only the id differs, in both encodings.
      const other = await rawPost(body(4242), { ...headers, 'accept-encoding': 'gzip' });
      expect(gunzipSync(other.bytes).toString()).toBe(
        plain.bytes.toString().replace('"id":7}', '"id":4242}'),
      );
    },
  );

  it('a small answer (server/discover) is not compressed, whatever the client accepts', async () => {
    const headers = { ...modernHeaders('server/discover'), 'accept-encoding': 'gzip' };
    const answer = await rawPost(modern('server/discover', {}, 3), headers);
    expect(answer.headers['content-encoding']).toBeUndefined();
    expect((JSON.parse(answer.bytes.toString()) as { id: unknown }).id).toBe(3);
  });

  it('fetch (which asks for gzip) reads the list as a client would', async () => {
    const response = await fetch(url, {
      method: 'POST',
      headers: LEGACY,
      body: legacy('tools/list', undefined, 'x-1'),
    });
    const text = await response.text();
    const message = JSON.parse(/^data: (.*)$/m.exec(text)?.[1] ?? '') as {
      id: unknown;
      result: { tools: unknown[] };
    };
    expect(message.id).toBe('x-1');
    expect(message.result.tools.length).toBeGreaterThan(10);
    expect(server.sdkServersBuilt()).toBe(0);
  });
});
