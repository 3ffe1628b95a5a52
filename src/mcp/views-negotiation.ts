import { EXTENSION_ID, RESOURCE_MIME_TYPE, getUiCapability } from '@modelcontextprotocol/ext-apps/server';
import {
  CLIENT_CAPABILITIES_META_KEY,
  type ClientCapabilities,
  PROTOCOL_VERSION_META_KEY,
  type ServerContext,
} from '@modelcontextprotocol/server';

/**
 * MCP Apps capability negotiation (io.modelcontextprotocol/ui, SEP-1865 §Capability Negotiation):
 * the server advertises the extension, and links its tools to their `ui://` views only for a
 * client that declared it. Every tool works the same without a view (complete text and
 * `structuredContent`), and `resources/read` of a view answers everyone.
 */

/** What `initialize` and `server/discover` advertise under `capabilities.extensions`. */
export const VIEWS_EXTENSION = { [EXTENSION_ID]: {} } as const;

/**
 * Whether a capability object declares MCP Apps for the views we serve: the extension with
 * `mimeTypes` containing `text/html;profile=mcp-app` (what ChatGPT, Claude and VS Code send).
 */
export function declaresViews(capabilities: unknown): boolean {
  if (typeof capabilities !== 'object' || capabilities === null) return false;
  const ui = getUiCapability(capabilities);
  return Array.isArray(ui?.mimeTypes) && ui.mimeTypes.includes(RESOURCE_MIME_TYPE);
}

/**
 * Whether one request's answer links tools to views. Who declares what, by era and transport:
 * - 2026-07-28 (HTTP and stdio): the request's own `io.modelcontextprotocol/clientCapabilities`
 *   (every request carries them; nothing is inferred from earlier requests, B26 §Statelessness).
 * - 2025 era over stdio: the capabilities the client declared in its `initialize` (one
 *   connection, one client).
 * - 2025 era over HTTP: this endpoint is stateless — the `initialize` that carried the
 *   capabilities and the `tools/list` after it may reach different instances and nothing ties
 *   them together — so the answer cannot know. It links: ChatGPT falls back to 2025-11-25 when
 *   `server/discover` fails and must still get its views, and a host without MCP Apps ignores
 *   `_meta.ui` and uses the text (SEP-1865 §Resource Discovery: "If host does not support MCP
 *   Apps, tool behaves as standard tool").
 */
export function viewsFor(
  request: { readonly modern: boolean; readonly overHttp: boolean },
  capabilities: unknown,
): boolean {
  if (!request.modern && request.overHttp) return true;
  return declaresViews(capabilities);
}

/** `viewsFor` on the SDK path: the era and capabilities from the request's context. */
export function viewsOf(ctx: ServerContext, declaredByInitialize: ClientCapabilities | undefined): boolean {
  const envelope = ctx.mcpReq.envelope as Record<string, unknown> | undefined;
  const modern = typeof envelope?.[PROTOCOL_VERSION_META_KEY] === 'string';
  return viewsFor(
    { modern, overHttp: ctx.http !== undefined },
    modern ? envelope?.[CLIENT_CAPABILITIES_META_KEY] : declaredByInitialize,
  );
}
