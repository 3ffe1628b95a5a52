import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';
import { LEGACY, legacy, modern, modernHeaders, post } from './raw-http.js';

/**
 * The MCP hot path is answered by our core on node:http (src/mcp/node-endpoint.ts), without the
 * SDK's per-request machinery: the observable is the SDK server pool, which builds an instance
 * the first time the SDK serves a request of an era. Everything else is handed on to the SDK.
 */
let server: TestServer;
let url: string;
beforeAll(async () => {
  server = await startTestServer();
  url = `${server.url}/mcp`;
});
afterAll(() => server.stop());

const INIT = {
  protocolVersion: '2025-11-25',
  capabilities: {},
  clientInfo: { name: 'core', version: '1.0.0' },
};
const CALL = { name: 'bids.list', arguments: { status: 'negotiation', min_days_in_status: 14 } };

describe('the protocol core', () => {
  it('answers the hot requests of both eras itself, as JSON-RPC results, without building an SDK server', async () => {
    const legacyCalls: [string, unknown][] = [
      ['initialize', INIT],
      ['ping', undefined],
      ['tools/list', undefined],
      ['tools/call', CALL],
      ['prompts/list', undefined],
      ['resources/templates/list', undefined],
    ];
    for (const [method, params] of legacyCalls) {
      const answer = await post(url, legacy(method, params), LEGACY);
      expect(answer.status, method).toBe(200);
      expect(answer.contentType, method).toBe('text/event-stream');
      expect(answer.body?.result, method).toBeDefined();
    }
    const notified = await post(url, JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }));
    expect(notified.status).toBe(202);
    expect(notified.text).toBe('');
    for (const method of ['server/discover', 'tools/list', 'prompts/list', 'resources/templates/list']) {
      const answer = await post(url, modern(method), modernHeaders(method));
      expect(answer.status, method).toBe(200);
      expect(answer.contentType, method).toBe('application/json');
      expect(answer.body?.result?.resultType, method).toBe('complete');
    }
    const called = await post(url, modern('tools/call', CALL), modernHeaders('tools/call', CALL.name));
    expect(JSON.stringify(called.body?.result)).toContain('#123');
    expect(server.sdkServersBuilt()).toBe(0);
  });

  it('hands every other request to the SDK, which answers it as before', async () => {
    const unknown = await post(url, legacy('tools/call', { name: 'no.such.tool', arguments: {} }));
    expect(unknown.body?.error?.code).toBe(-32602);
    expect(server.sdkServersBuilt()).toBeGreaterThan(0);
  });
});
