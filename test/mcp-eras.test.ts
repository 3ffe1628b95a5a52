import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const eras = [
  { era: '2025-11-25 handshake', options: {} },
  { era: '2026-07-28 stateless', options: { versionNegotiation: { mode: { pin: '2026-07-28' } } } },
] as const;

describe.each(eras)('an SDK client over $era', ({ options }) => {
  it.each(['/mcp', '/api/mcp'])('lists and calls tools at %s', async (path) => {
    const client = new Client({ name: 'test', version: '1.0.0' }, options);
    await client.connect(new StreamableHTTPClientTransport(new URL(path, server.url)));
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain('projects.list');
    const result = await client.callTool({
      name: 'bids.list',
      arguments: { status: 'negotiation', min_days_in_status: 14 },
    });
    expect(result.isError).toBeFalsy();
    const bids = (result.structuredContent as { bids: { label: string }[] }).bids.map((b) => b.label);
    expect(bids).toContain('#123');
    await client.close();
  });
});
