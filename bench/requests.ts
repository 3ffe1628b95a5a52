/**
 * The requests the bench targets send (bench/run.ts, bench/tail.ts): `tools/call projects.list`
 * and `bids.list`, and `tools/list`, in both protocol eras — 2025-11-25 (stateless POST, answered
 * as one SSE frame) and 2026-07-28 (`_meta` and Mcp-Method/Mcp-Name, answered as JSON) — with the
 * headers fetch (undici) and the MCP SDK clients send.
 */
const ACCEPT = 'application/json, text/event-stream';
// What fetch (undici) and the MCP SDK clients send; only pre-built lists are compressed by it.
const ACCEPT_ENCODING = 'gzip, deflate, br';
const META = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientCapabilities': {},
  'io.modelcontextprotocol/clientInfo': { name: 'bench', version: '1.0.0' },
};
/**
 * The client capabilities ChatGPT declares (oauth-and-clients.md B1): MCP Apps, and an
 * experimental key. Such a tools/list links the tools to their views (views-negotiation.ts).
 */
export const APPS_META = {
  ...META,
  'io.modelcontextprotocol/clientCapabilities': {
    extensions: { 'io.modelcontextprotocol/ui': { mimeTypes: ['text/html;profile=mcp-app'] } },
    experimental: { 'openai/visibility': {} },
  },
};
export const PROJECTS = { name: 'projects.list', arguments: { limit: 20 } };
export const BIDS = { name: 'bids.list', arguments: { status: 'negotiation', min_days_in_status: 14 } };
export const LIST = { name: '' };
const bearer = (token: string | undefined): Record<string, string> =>
  token === undefined ? {} : { authorization: `Bearer ${token}` };
export const legacy = (params: { name: string }, token?: string) => ({
  headers: {
    'content-type': 'application/json',
    accept: ACCEPT,
    'accept-encoding': ACCEPT_ENCODING,
    'mcp-protocol-version': '2025-11-25',
    ...bearer(token),
  },
  body: JSON.stringify(
    params === LIST
      ? { jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }
      : { jsonrpc: '2.0', id: 1, method: 'tools/call', params },
  ),
});
export const modern = (params: { name: string }, token?: string, meta: Record<string, unknown> = META) => ({
  headers: {
    'content-type': 'application/json',
    accept: ACCEPT,
    'accept-encoding': ACCEPT_ENCODING,
    'mcp-protocol-version': '2026-07-28',
    'mcp-method': params === LIST ? 'tools/list' : 'tools/call',
    ...(params === LIST ? {} : { 'mcp-name': params.name }),
    ...bearer(token),
  },
  body: JSON.stringify(
    params === LIST
      ? { jsonrpc: '2.0', id: 1, method: 'tools/list', params: { _meta: meta } }
      : { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { ...params, _meta: meta } },
  ),
});
