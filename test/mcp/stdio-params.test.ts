import { PassThrough } from 'node:stream';
import { StdioServerTransport } from '@modelcontextprotocol/server/stdio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Serving } from '../../src/serve.js';
import { serveStdioRuntime } from '../../src/serve-stdio.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { MODERN_META } from './raw-http.js';
import { arrivals } from '../support/arrivals.js';

/**
 * Params of the wrong type on stdio, in both eras, with the core first (production) and on the SDK
 * path alone: -32602 naming the param, never -32603 (src/mcp/params-verdict.ts; the core refuses
 * what it judges, params-first.ts every request an instance receives, initialize included).
 */
interface Line {
  id?: unknown;
  result?: unknown;
  error?: { code: number; message: string };
}

async function connection(server: TestServer, sdkPathOnly: boolean) {
  const input = new PassThrough();
  const output = new PassThrough();
  const lines = arrivals<Line>();
  let buffered = '';
  output.setEncoding('utf8');
  output.on('data', (chunk: string) => {
    buffered += chunk;
    let end: number;
    while ((end = buffered.indexOf('\n')) >= 0) {
      lines.push(JSON.parse(buffered.slice(0, end)) as Line);
      buffered = buffered.slice(end + 1);
    }
  });
  const serving: Serving = await serveStdioRuntime(server.runtime, {
    sdkPathOnly,
    stdioTransport: new StdioServerTransport(input, output),
  });
  let next = 0;
  return {
    serving,
    async ask(method: string, params?: Record<string, unknown>): Promise<Line> {
      next += 1;
      const id = next;
      input.write(
        `${JSON.stringify({ jsonrpc: '2.0', id, method, ...(params !== undefined && { params }) })}\n`,
      );
      return lines.until(
        (items) => items.find((candidate) => candidate.id === id),
        `the answer to ${method}`,
        30_000,
      );
    },
  };
}

const WRONG: readonly [string, Record<string, unknown>, string][] = [
  ['tools/list', { cursor: 5 }, 'cursor'],
  ['prompts/list', { cursor: false }, 'cursor'],
  ['resources/list', { cursor: { $gt: '' } }, 'cursor'],
  ['resources/templates/list', { cursor: null }, 'cursor'],
  ['resources/read', { uri: 5 }, 'uri'],
  ['prompts/get', { name: ['draft_bid_followup'] }, 'name'],
  ['prompts/get', { name: 'draft_bid_followup', arguments: { bid: 123 } }, 'arguments.bid'],
];
const CLIENT = { name: 'stdio-params', version: '1.0.0' };

describe.each([
  ['the core first', false],
  ['the SDK path alone', true],
])('params of the wrong type on stdio, %s', (_label, sdkPathOnly) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  it('refuses them with -32602 naming the param in the 2025 era, initialize included', async () => {
    const peer = await connection(server, sdkPathOnly);
    try {
      const refused = await peer.ask('initialize', {
        protocolVersion: 2025,
        capabilities: {},
        clientInfo: CLIENT,
      });
      expect(refused.error).toEqual({
        code: -32602,
        message: 'Invalid params for initialize: protocolVersion must be a string',
      });
      const opened = await peer.ask('initialize', {
        protocolVersion: '2025-11-25',
        capabilities: {},
        clientInfo: CLIENT,
      });
      expect(opened.result).toMatchObject({ protocolVersion: '2025-11-25' });
      for (const [method, params, param] of WRONG) {
        const answer = await peer.ask(method, params);
        expect(answer.error?.code, `${method} ${JSON.stringify(answer)}`).toBe(-32602);
        expect(answer.error?.message).toBe(`Invalid params for ${method}: ${param} must be a string`);
      }
      const level = await peer.ask('logging/setLevel', { level: 'loud' });
      expect(level.error?.code).toBe(-32602);
      expect(level.error?.message).toContain('level must be one of');
      // A string cursor is the whole list: every list is one page.
      const tools = await peer.ask('tools/list', { cursor: 'page-2' });
      expect((tools.result as { tools: unknown[] }).tools.length).toBeGreaterThan(10);
    } finally {
      await peer.serving.stop();
    }
  });

  it('refuses them with -32602 naming the param in the 2026-07-28 era', async () => {
    const peer = await connection(server, sdkPathOnly);
    try {
      for (const [method, params, param] of WRONG) {
        const answer = await peer.ask(method, { ...params, _meta: MODERN_META });
        expect(answer.error?.code, `${method} ${JSON.stringify(answer)}`).toBe(-32602);
        expect(answer.error?.message).toBe(`Invalid params for ${method}: ${param} must be a string`);
      }
    } finally {
      await peer.serving.stop();
    }
  });
});
