import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';
import { exchange, JSON_HEADERS, MODERN_META } from './raw-http.js';

/**
 * Property: whatever JSON-RPC envelope and header combination a client sends, the server answers
 * with a 2xx or 4xx, never a 5xx and never a JSON-RPC -32603 (our fault) for the client's input,
 * and Object.prototype stays untouched (security-targets §5, fuzzing). Seeds print on failure.
 *
 * Every case goes on a fresh connection (`exchange`, node:http without an agent). Client and server
 * share this process, so when its event loop stalls past the server's 5 s keep-alive timeout (under
 * load, 6.5 s between the two properties) a pooled client sends its next request on a socket whose
 * idle timer is already due: the server closes it with the request unread, the kernel resets it, and
 * the case fails with ECONNRESET instead of an answer to judge. HTTP allows the server that close.
 */
const METHODS = [
  'initialize',
  'ping',
  'tools/list',
  'tools/call',
  'resources/list',
  'resources/templates/list',
  'resources/read',
  'prompts/list',
  'prompts/get',
  'server/discover',
  'logging/setLevel',
  'completion/complete',
  'notifications/initialized',
  'subscriptions/listen',
];
const TOOL_NAMES = [
  'projects.list',
  'projects.get',
  'contacts.search',
  'bids.list',
  'bids.get',
  'search',
  'fetch',
];
const VERSIONS = ['2025-06-18', '2025-11-25', '2026-07-28', '2024-11-05', '2099-01-01', 'garbage', ''];

const hostileKey = fc.constantFrom(
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  '_meta',
  'name',
  'uri',
);
const value = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(hostileKey, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }) },
);
const toolArguments = fc.oneof(
  value,
  fc.record(
    {
      status: fc.oneof(fc.constantFrom('negotiation', 'active', 'won'), value),
      limit: fc.oneof(fc.integer(), fc.double(), value),
      cursor: fc.oneof(fc.string(), value),
      id: fc.oneof(fc.string(), fc.constantFrom('bid:123', 'project:x', '::', '__proto__:x')),
      bid: fc.oneof(fc.string(), fc.constantFrom('#123', '123', '#99999999999')),
      query: fc.string(),
      email: fc.string(),
    },
    { requiredKeys: [] },
  ),
);
const params = fc.oneof(
  fc.constant(undefined),
  value,
  fc.record(
    { name: fc.oneof(fc.constantFrom(...TOOL_NAMES), value), arguments: toolArguments },
    { requiredKeys: [] },
  ),
  fc.record({
    uri: fc.oneof(fc.constantFrom('buildworkpro://bids/123', 'buildworkpro://bids/%E0%A4'), fc.string()),
  }),
  fc.record(
    { protocolVersion: fc.constantFrom(...VERSIONS), capabilities: value, clientInfo: value },
    { requiredKeys: [] },
  ),
);

const envelope = fc
  .record(
    {
      jsonrpc: fc.oneof({ weight: 5, arbitrary: fc.constant('2.0') }, { weight: 1, arbitrary: value }),
      id: fc.oneof(fc.integer(), fc.string({ maxLength: 8 }), fc.constant(null), fc.double(), value),
      method: fc.oneof(
        { weight: 5, arbitrary: fc.constantFrom(...METHODS) },
        { weight: 1, arbitrary: fc.string() },
      ),
      params,
    },
    { requiredKeys: ['method'] },
  )
  .chain((message) =>
    fc.record({
      message: fc.constant(message),
      modernMeta: fc.boolean(),
      dropMetaKey: fc.option(fc.constantFrom(...Object.keys(MODERN_META)), { nil: undefined }),
      versionHeader: fc.option(fc.constantFrom(...VERSIONS), { nil: undefined }),
      methodHeader: fc.option(
        fc.oneof(
          fc.constant(typeof message.method === 'string' ? message.method : 'x'),
          fc.constantFrom(...METHODS),
        ),
        { nil: undefined },
      ),
      nameHeader: fc.option(fc.oneof(fc.constantFrom(...TOOL_NAMES), fc.string()), { nil: undefined }),
    }),
  );

function bodyOf(input: EnvelopeCase): string {
  const { message, modernMeta, dropMetaKey } = input;
  if (
    !modernMeta ||
    message.params === null ||
    typeof message.params !== 'object' ||
    Array.isArray(message.params)
  )
    return JSON.stringify(message);
  const meta: Record<string, unknown> = Object.fromEntries(
    Object.entries(MODERN_META).filter(([key]) => key !== dropMetaKey),
  );
  return JSON.stringify({ ...message, params: { ...message.params, _meta: meta } });
}

type EnvelopeCase = typeof envelope extends fc.Arbitrary<infer T> ? T : never;

function headersOf(input: EnvelopeCase): Record<string, string> {
  const headers: Record<string, string> = { ...JSON_HEADERS };
  if (input.versionHeader !== undefined) headers['mcp-protocol-version'] = input.versionHeader;
  if (input.methodHeader !== undefined) headers['mcp-method'] = input.methodHeader;
  // Header values must be visible ASCII for node:http to send them at all.
  if (input.nameHeader !== undefined && /^[\x20-\x7e]*$/.test(input.nameHeader))
    headers['mcp-name'] = input.nameHeader;
  return headers;
}

describe('random JSON-RPC envelopes and headers', () => {
  let server: TestServer;
  let endpoint: string;
  beforeAll(async () => {
    server = await startTestServer();
    endpoint = `${server.url}/mcp`;
  });
  afterAll(() => server.stop());

  it('never get a 5xx or an internal error, over 9,000 envelopes', async () => {
    await fc.assert(
      fc.asyncProperty(envelope, async (input) => {
        const { status, text } = await exchange(endpoint, { headers: headersOf(input), body: bodyOf(input) });
        expect(status, text).toBeLessThan(500);
        expect(text).not.toContain('"code":-32603');
        expect(text).not.toContain('Internal error');
      }),
      { numRuns: 9000 },
    );
    expect(Object.keys(Object.prototype)).toEqual([]);
  }, 240_000);

  it('never get a 5xx for arbitrary bytes, over 1,000 bodies', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.uint8Array({ maxLength: 200 })),
        async (body) => {
          const { status, text } = await exchange(endpoint, { headers: JSON_HEADERS, body });
          expect(status, text).toBeGreaterThanOrEqual(400);
          expect(status, text).toBeLessThan(500);
        },
      ),
      { numRuns: 1000 },
    );
  }, 240_000);

  it('keeps answering afterwards', async () => {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: { ...JSON_HEADERS, 'mcp-protocol-version': '2025-11-25' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
    });
    expect(response.status).toBe(200);
    await response.text();
  });
});
