import { createMcpHandler, type McpHttpHandler } from '@modelcontextprotocol/server';
import type { McpServer } from '@modelcontextprotocol/server';
import { ServerPool } from './server-pool.js';

export interface McpEndpoint {
  readonly handler: McpHttpHandler;
  readonly pool: ServerPool;
}

/**
 * The dual-era Streamable HTTP handler: 2026-07-28 stateless requests and 2025 `initialize`
 * traffic on one URL, no sessions, so any instance can answer any request. The SDK does all
 * protocol work; we only hand it pooled server instances.
 */
export function createMcpEndpoint(
  build: () => McpServer,
  options: { maxBodyBytes: number; onerror: (error: Error) => void },
): McpEndpoint {
  const pool = new ServerPool(build);
  const handler = createMcpHandler(({ era }) => pool.acquire(era), {
    maxRequestBodySize: options.maxBodyBytes,
    onerror: options.onerror,
  });
  return { handler, pool };
}
