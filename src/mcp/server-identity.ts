import { VIEWS_EXTENSION } from './views-negotiation.js';

/**
 * Who this server says it is and what it offers, in one place: the SDK server (the requests our
 * core hands on, over HTTP or stdio) and our core's own answers read the same values, so the two
 * can never describe different servers.
 */
export const SERVER_NAME = 'workonward-mcp';
export const SERVER_TITLE = 'BuildWorkPro CRM (workonward-mcp)';

export const INSTRUCTIONS =
  'BuildWorkPro CRM for one construction company (tenant): projects, companies, contacts and bids. ' +
  'Use projects.list / bids.list / contacts.search to find records, then the matching .get tool for details. ' +
  'Bids have human numbers like #123. Every tool works only inside the tenant this connection was granted.';

export const CAPABILITIES = {
  tools: { listChanged: false },
  prompts: { listChanged: false },
  resources: { listChanged: false },
  // Accepts logging/setLevel (2025 era) so clients that set a level are not refused; this
  // server sends no log notifications (the modern era sends none without a per-request level).
  logging: {},
  // MCP Apps: tools are linked to their ui:// views for clients that declare the extension.
  extensions: VIEWS_EXTENSION,
};

/** 2026-07-28 cache hints (C26): lists depend on the grant's scopes, so they are private to the token. */
export const CACHE_HINTS = {
  'server/discover': { ttlMs: 3_600_000, cacheScope: 'public' },
  'tools/list': { ttlMs: 300_000, cacheScope: 'private' },
  'prompts/list': { ttlMs: 300_000, cacheScope: 'private' },
  'resources/templates/list': { ttlMs: 300_000, cacheScope: 'private' },
  'resources/list': { ttlMs: 0, cacheScope: 'private' },
  'resources/read': { ttlMs: 0, cacheScope: 'private' },
} as const;

export function serverInfo(version: string) {
  return { name: SERVER_NAME, title: SERVER_TITLE, version };
}
