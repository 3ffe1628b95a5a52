/**
 * One `tools/call` POST to `<url>/mcp` over plain JSON-RPC, as the 2025-06-18 stateless leg takes
 * it (no session); the caller reads the answer. Used where a test or bench drives the raw
 * endpoint in a loop rather than through an SDK client.
 */
export function postToolCall(
  url: string,
  name: string,
  args: Record<string, unknown>,
  init: { signal?: AbortSignal } = {},
): Promise<Response> {
  return fetch(`${url}/mcp`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2025-06-18',
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: args } }),
    ...init,
  });
}
