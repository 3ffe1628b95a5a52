import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';
import {
  LEGACY,
  expectRpcError,
  expectStillServing,
  legacy,
  modern,
  modernHeaders,
  MODERN_META,
  post,
  rawPost,
  without,
} from './raw-http.js';

/**
 * Malformed and hostile HTTP input against the real server: every answer is a precise 4xx with
 * the right JSON-RPC code, never a 5xx, never a crash, and the server keeps answering.
 */
let server: TestServer;
let endpoint: string;
beforeAll(async () => {
  server = await startTestServer();
  endpoint = `${server.url}/mcp`;
});
afterAll(() => server.stop());

describe.each(['/mcp', '/api/mcp'])('JSON-RPC framing at %s', (path) => {
  const url = () => `${server.url}${path}`;

  it('answers malformed JSON with 400 and -32700', async () => {
    expectRpcError(await post(url(), '{"jsonrpc":"2.0","id":1,"method":'), 400, -32700);
    expectRpcError(await post(url(), '{bad json}'), 400, -32700);
  });

  it('answers an empty body with 400 and -32700', async () => {
    expectRpcError(await post(url(), ''), 400, -32700);
  });

  it('answers invalid UTF-8 with 400 and -32700', async () => {
    const invalid = Buffer.from([0x7b, 0x22, 0x6a, 0xff, 0xfe, 0x22, 0x3a, 0xc3, 0x28, 0x7d]);
    expectRpcError(await post(url(), invalid), 400, -32700);
  });

  it.each([
    ['a legacy batch', [JSON.parse(legacy('ping')), JSON.parse(legacy('tools/list', undefined, 2))]],
    ['a batch of one', [JSON.parse(legacy('ping'))]],
    ['an empty batch', []],
    ['a batch of notifications', [{ jsonrpc: '2.0', method: 'notifications/initialized' }]],
  ])('refuses %s with 400 and -32600', async (_label, batch) => {
    expectRpcError(await post(url(), JSON.stringify(batch)), 400, -32600);
  });

  it('refuses a batch of modern requests with 400 and -32600', async () => {
    const batch = `[${modern('tools/list')},${modern('ping', {}, 2)}]`;
    expectRpcError(await post(url(), batch, modernHeaders('tools/list')), 400, -32600);
  });

  it.each([
    ['null', 'null'],
    ['a number', '42'],
    ['a string', '"ping"'],
    ['an object without jsonrpc', '{"id":1,"method":"ping"}'],
    ['a wrong jsonrpc version', '{"jsonrpc":"1.0","id":1,"method":"ping"}'],
  ])('refuses %s as a message with 400 and -32600', async (_label, body) => {
    expectRpcError(await post(url(), body), 400, -32600);
  });

  it('accepts a notification with 202 and an empty body', async () => {
    const answer = await post(url(), JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }));
    expect(answer.status).toBe(202);
    expect(answer.text).toBe('');
  });
});

describe('methods, tools and params', () => {
  it('answers an unknown method with -32601 in the 2025 era', async () => {
    const answer = await post(endpoint, legacy('crm/delete_everything'));
    expectRpcError(answer, 200, -32601);
    expect(answer.body?.id).toBe(1);
  });

  it('answers an unknown method with 404 and -32601 in the 2026 era', async () => {
    const answer = await post(
      endpoint,
      modern('crm/delete_everything'),
      modernHeaders('crm/delete_everything'),
    );
    expectRpcError(answer, 404, -32601);
  });

  it('answers an unknown tool with -32602 in both eras', async () => {
    expectRpcError(
      await post(endpoint, legacy('tools/call', { name: 'crm.drop', arguments: {} })),
      200,
      -32602,
    );
    expectRpcError(
      await post(
        endpoint,
        modern('tools/call', { name: 'crm.drop', arguments: {} }),
        modernHeaders('tools/call', 'crm.drop'),
      ),
      200,
      -32602,
    );
  });

  it.each([
    ['tools/call', { name: 5, arguments: {} }],
    ['tools/call', { name: 'bids.list', arguments: 'status=won' }],
    ['tools/list', { cursor: 5 }],
    ['resources/read', { uri: 5 }],
    ['resources/list', { cursor: { $gt: '' } }],
    ['prompts/get', { name: ['draft_bid_followup'] }],
    ['prompts/get', { name: 'draft_bid_followup', arguments: { bid: 123 } }],
    ['initialize', { protocolVersion: 2025, capabilities: {}, clientInfo: { name: 'x', version: '1' } }],
    ['logging/setLevel', { level: 'loud' }],
  ])('answers %s with wrongly typed params %j with -32602 (2025 era)', async (method, params) => {
    const answer = await post(endpoint, legacy(method, params));
    expectRpcError(answer, 200, -32602);
    expect(answer.body?.error?.message).not.toContain('Internal error');
  });

  it.each([
    ['tools/list', { cursor: 5 }],
    ['resources/read', { uri: 5 }],
    ['prompts/list', { cursor: false }],
  ])('answers %s with wrongly typed params %j with -32602 (2026 era)', async (method, params) => {
    expectRpcError(await post(endpoint, modern(method, params), modernHeaders(method)), 200, -32602);
  });

  it.each([
    ['initialize', { protocolVersion: 2025 }],
    ['logging/setLevel', { level: 'loud' }],
  ])(
    'answers %s, not a method of the 2026 era, with 404 and -32601 whatever its params',
    async (method, params) => {
      expectRpcError(await post(endpoint, modern(method, params), modernHeaders(method)), 404, -32601);
    },
  );

  it.each([
    ['a malformed %-escape', 'buildworkpro://bids/%E0%A4%A'],
    ['another scheme', 'file:///etc/passwd'],
    ['something that is not a URI', 'not a uri'],
    ['an unknown bid', 'buildworkpro://bids/999'],
    ['a path traversal', 'buildworkpro://projects/..%2F..%2Fetc'],
  ])('answers resources/read of %s with -32602 in both eras', async (_label, uri) => {
    expectRpcError(await post(endpoint, legacy('resources/read', { uri })), 200, -32602);
    const answer = await post(
      endpoint,
      modern('resources/read', { uri }),
      modernHeaders('resources/read', uri),
    );
    expect(answer.status).toBeLessThan(500);
    expect(answer.body?.error?.code, answer.text).toBe(-32602);
  });

  it.each([
    ['an unknown prompt', { name: 'nope' }],
    ['a missing argument', { name: 'draft_bid_followup' }],
    ['an unknown bid', { name: 'draft_bid_followup', arguments: { bid: '#999' } }],
  ])('answers prompts/get with %s with -32602', async (_label, params) => {
    expectRpcError(await post(endpoint, legacy('prompts/get', params)), 200, -32602);
  });

  it('answers wrongly typed tool arguments with a tool error naming the argument (SEP-1303)', async () => {
    const answer = await post(
      endpoint,
      legacy('tools/call', { name: 'bids.list', arguments: { limit: 'twenty', status: 'pending' } }),
    );
    expect(answer.status).toBe(200);
    expect(answer.body?.result?.isError).toBe(true);
    const text = JSON.stringify(answer.body?.result?.content);
    expect(text).toContain('limit');
    expect(text).toContain('status');
  });
});

describe('the 2026-07-28 envelope and headers', () => {
  it.each([['io.modelcontextprotocol/protocolVersion'], ['io.modelcontextprotocol/clientCapabilities']])(
    'answers a request missing _meta %s with 400 and -32602',
    async (key) => {
      const meta = Object.fromEntries(Object.entries(MODERN_META).filter(([name]) => name !== key));
      const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: { _meta: meta } });
      expectRpcError(await post(endpoint, body, modernHeaders('tools/list')), 400, -32602);
    },
  );

  it('answers a modern header with no _meta at all with 400 and -32602', async () => {
    expectRpcError(await post(endpoint, legacy('tools/list', {}), modernHeaders('tools/list')), 400, -32602);
  });

  it('answers an MCP-Protocol-Version header that disagrees with _meta with 400 and -32020', async () => {
    const headers = { ...modernHeaders('tools/list'), 'mcp-protocol-version': '2025-11-25' };
    expectRpcError(await post(endpoint, modern('tools/list'), headers), 400, -32020);
  });

  it('answers a missing MCP-Protocol-Version header with 400 and -32020', async () => {
    const headers = without(modernHeaders('tools/list'), 'mcp-protocol-version');
    expectRpcError(await post(endpoint, modern('tools/list'), headers), 400, -32020);
  });

  it('answers a missing or mismatched Mcp-Method header with 400 and -32020', async () => {
    const missing = without(modernHeaders('tools/list'), 'mcp-method');
    expectRpcError(await post(endpoint, modern('tools/list'), missing), 400, -32020);
    expectRpcError(await post(endpoint, modern('tools/list'), modernHeaders('tools/call')), 400, -32020);
  });

  it('answers a mismatched Mcp-Name header with 400 and -32020', async () => {
    const body = modern('tools/call', { name: 'bids.list', arguments: {} });
    expectRpcError(await post(endpoint, body, modernHeaders('tools/call', 'bids.get')), 400, -32020);
  });

  it('answers an unsupported protocol version with 400 and -32022 naming the supported ones', async () => {
    const body = JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/list',
      params: { _meta: { ...MODERN_META, 'io.modelcontextprotocol/protocolVersion': '2099-01-01' } },
    });
    const answer = await post(endpoint, body, {
      ...modernHeaders('tools/list'),
      'mcp-protocol-version': '2099-01-01',
    });
    expectRpcError(answer, 400, -32022);
    expect(answer.body?.error?.data).toMatchObject({
      requested: '2099-01-01',
      supported: expect.arrayContaining(['2026-07-28']),
    });
  });

  it('stamps resultType, cache hints and serverInfo on modern results', async () => {
    const discover = await post(endpoint, modern('server/discover'), modernHeaders('server/discover'));
    expect(discover.status).toBe(200);
    expect(discover.body?.result).toMatchObject({
      resultType: 'complete',
      supportedVersions: expect.arrayContaining(['2026-07-28']),
      ttlMs: expect.any(Number),
      cacheScope: 'public',
    });
    const tools = await post(endpoint, modern('tools/list'), modernHeaders('tools/list'));
    expect(tools.body?.result).toMatchObject({
      resultType: 'complete',
      ttlMs: 300_000,
      cacheScope: 'private',
    });
    expect(tools.body?.result?._meta).toHaveProperty(
      ['io.modelcontextprotocol/serverInfo', 'name'],
      'workonward-mcp',
    );
  });
});

describe('HTTP methods and media types', () => {
  it.each(['GET', 'DELETE', 'PUT', 'PATCH'])('answers %s on the MCP endpoint with 405', async (method) => {
    const response = await fetch(endpoint, { method, headers: { accept: 'text/event-stream' } });
    expect(response.status).toBe(405);
    await response.body?.cancel();
  });

  it.each(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'])(
    'answers Content-Type %s with 415',
    async (type) => {
      const answer = await post(endpoint, legacy('ping'), { ...LEGACY, 'content-type': type });
      expect(answer.status).toBe(415);
    },
  );

  it('answers an Accept header without JSON or SSE with 406', async () => {
    const answer = await post(endpoint, legacy('ping'), { ...LEGACY, accept: 'text/html' });
    expect(answer.status).toBe(406);
  });
});

describe('parser abuse', () => {
  afterAll(() => {
    expect(Object.keys(Object.prototype)).toEqual([]);
  });

  it('never lets __proto__ or constructor keys reach Object.prototype', async () => {
    const bodies = [
      '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"bids.list","arguments":{"__proto__":{"polluted":true},"status":"won"}}}',
      '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"bids.list","arguments":{"constructor":{"prototype":{"polluted":true}}}}}',
      '{"jsonrpc":"2.0","id":1,"method":"ping","params":{"__proto__":{"polluted":true}},"__proto__":{"polluted":true}}',
      '{"__proto__":{"jsonrpc":"2.0","id":1,"method":"ping","polluted":true}}',
      '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{"__proto__":{"polluted":true}},"clientInfo":{"name":"x","version":"1","__proto__":{"polluted":true}}}}',
    ];
    for (const body of bodies) {
      const answer = await post(endpoint, body);
      expect(answer.status, answer.text).toBeLessThan(500);
      expect(JSON.stringify(answer.body?.result ?? {})).not.toContain('Internal error');
    }
    const modernBody =
      '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"bids.list","arguments":{"__proto__":{"polluted":true}},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{"__proto__":{"polluted":true}},"__proto__":{"polluted":true}}}}';
    const answer = await post(endpoint, modernBody, modernHeaders('tools/call', 'bids.list'));
    expect(answer.status).toBeLessThan(500);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it.each([
    ['100,000 nested arrays', `${'['.repeat(100_000)}${']'.repeat(100_000)}`],
    [
      '50,000 nested objects in params',
      `{"jsonrpc":"2.0","id":1,"method":"ping","params":${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}}`,
    ],
    [
      'deeply nested tool arguments',
      `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"bids.list","arguments":{"status":${'['.repeat(20_000)}${']'.repeat(20_000)}}}}`,
    ],
  ])('answers %s without a 5xx', async (_label, body) => {
    const answer = await post(endpoint, body);
    expect(answer.status, answer.text).toBeLessThan(500);
    expect(JSON.stringify(answer.body ?? {})).not.toContain('Internal error');
  });

  it.each([
    ['an id of 1e999', '{"jsonrpc":"2.0","id":1e999,"method":"ping"}', 400],
    ['an id beyond 2^53', '{"jsonrpc":"2.0","id":123456789012345678901234567890,"method":"ping"}', 400],
  ])('answers %s with 400 and -32600', async (_label, body, status) => {
    expectRpcError(await post(endpoint, body), status, -32600);
  });

  it.each([
    ['limit', 1e308],
    ['limit', -1],
    ['min_days_in_status', 2 ** 80],
    ['min_days_in_status', 0.5],
  ])('answers bids.list with %s = %s as a tool error, not a fault', async (key, value) => {
    const answer = await post(
      endpoint,
      legacy('tools/call', { name: 'bids.list', arguments: { [key]: value } }),
    );
    expect(answer.status).toBe(200);
    expect(answer.body?.result?.isError).toBe(true);
    expect(JSON.stringify(answer.body?.result?.content)).toContain(key);
  });

  it('answers a huge number literal in arguments as a tool error', async () => {
    const body = `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"projects.list","arguments":{"limit":1${'0'.repeat(400)}}}}`;
    const answer = await post(endpoint, body);
    expect(answer.status).toBe(200);
    expect(answer.body?.result?.isError).toBe(true);
  });

  it('keeps answering after all of the above', async () => {
    await expectStillServing(endpoint);
  });
});

describe('request body limit', () => {
  const LIMIT = 8192;
  let small: TestServer;
  let url: string;
  beforeAll(async () => {
    small = await startTestServer({ env: { WORKONWARD_MCP_MAX_BODY_BYTES: String(LIMIT) } });
    url = `${small.url}/mcp`;
  });
  afterAll(() => small.stop());

  const padded = (bytes: number) => {
    const base = legacy('ping', { pad: '' });
    return legacy('ping', { pad: 'x'.repeat(bytes - base.length) });
  };

  it('accepts a body of exactly WORKONWARD_MCP_MAX_BODY_BYTES', async () => {
    const body = padded(LIMIT);
    expect(Buffer.byteLength(body)).toBe(LIMIT);
    const answer = await rawPost(url, LEGACY, body);
    expect(answer.status).toBe(200);
  });

  it('answers one byte more with 413', async () => {
    const answer = await rawPost(url, LEGACY, padded(LIMIT + 1));
    expect(answer.status).toBe(413);
    expect(answer.body?.error?.message).toContain(String(LIMIT));
  });

  it('answers an oversized chunked body (no Content-Length) with 413', async () => {
    const bytes = new TextEncoder().encode(padded(LIMIT * 4));
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let offset = 0; offset < bytes.length; offset += 1000)
          controller.enqueue(bytes.slice(offset, offset + 1000));
        controller.close();
      },
    });
    // Node's fetch needs `duplex` for a streamed body; the DOM RequestInit type does not know it.
    const init: RequestInit & { duplex: 'half' } = { duplex: 'half' };
    const answer = await post(url, stream, LEGACY, init);
    expect(answer.status).toBe(413);
  });

  it('answers a body over the 1 MiB default with 413 on a default server', async () => {
    const answer = await rawPost(endpoint, LEGACY, padded(1024 * 1024 + 1));
    expect(answer.status).toBe(413);
  });

  it('keeps answering after oversized bodies', async () => {
    await expectStillServing(url);
    await expectStillServing(endpoint);
  });
});
