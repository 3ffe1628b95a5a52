import {
  McpServer,
  ProtocolError,
  ProtocolErrorCode,
  ResourceTemplate,
  type ServerContext,
} from '@modelcontextprotocol/server';
import type { ChangeTokens } from '../domain/crm/change-tokens.js';
import { DomainError, invalidInput } from '../domain/errors.js';
import type { AdmitToolCall } from '../domain/limits/grant-call-limit.js';
import type { Tracing } from '../observability/tracing.js';
import { type Principal, hasScopes } from '../domain/principal.js';
import type { Scope } from '../domain/scopes.js';
import type { PromptDefinition } from '../prompts/define-prompt.js';
import type { ResourceTemplateDefinition } from '../resources/define-resource.js';
import type { ToolDefinition } from '../tools/define-tool.js';
import { VIEW_MIME_TYPE, VIEW_UI_META, type ViewDefinition, viewHtml } from '../views/registry.js';
import { type ToolEnvironment, toolContext } from '../tools/tool-context.js';
import { callTool } from './call-tool.js';
import { confirmChannel } from './confirm-channel.js';
import { reportInvalidParams } from './invalid-params.js';
import { principalOf } from './principal-of.js';
import { checkedInput, uncheckedInput } from './tool-input.js';
import { promptsFor, templatesFor } from './surface-lists.js';
import { CACHE_HINTS, CAPABILITIES, INSTRUCTIONS, serverInfo } from './server-identity.js';
import type { ToolCatalog } from './tool-catalog.js';
import { viewsOf } from './views-negotiation.js';

export interface McpSurface {
  readonly tools: readonly ToolDefinition[];
  readonly catalog: ToolCatalog;
  readonly prompts: readonly PromptDefinition[];
  readonly resources: readonly ResourceTemplateDefinition[];
  /** MCP Apps views, served as `ui://` resources (they hold no data, so no scope guards them). */
  readonly views: readonly ViewDefinition[];
}

export interface BuildOptions {
  readonly env: ToolEnvironment;
  /** Binds confirmations of CRM changes to the exact change (see confirm-channel.ts). */
  readonly changeTokens: ChangeTokens;
  readonly surface: McpSurface;
  readonly version: string;
  /** Logs an internal fault and returns the reference shown to the client. */
  readonly reportInternal: (error: unknown) => string;
  /** Counts a tool call against the caller's per-grant limit (throws `rate_limited` past it). */
  readonly admitToolCall: AdmitToolCall;
  /** A span per tool call (a no-op unless tracing is configured). */
  readonly tracing: Tracing;
  /** The principal on stdio, where there is no per-request authentication. */
  readonly fallbackPrincipal?: Principal;
}

function forbidden(what: string, missing: readonly Scope[]): DomainError {
  return new DomainError(
    'forbidden',
    `${what} needs the ${missing.join(', ')} scope.`,
    'Ask the user to reconnect this app and grant it on the consent screen.',
  );
}

/** A malformed %-escape in a resource URI is the client's mistake (-32602), not a fault of ours. */
function decodedVariable(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw invalidInput(
      `${JSON.stringify(value)} is not a valid URI component.`,
      'Use a resource URI exactly as `resources/list` or a tool returned it.',
    );
  }
}

/**
 * Prompts and resources have no `isError` result, so their failures are protocol errors: a domain
 * failure is the caller's (-32602 with the hint), anything else is ours (-32603, details logged only).
 */
async function asProtocol<T>(work: () => Promise<T>, reportInternal: (error: unknown) => string): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof DomainError)
      throw new ProtocolError(ProtocolErrorCode.InvalidParams, `${error.message} ${error.hint}`);
    throw new ProtocolError(
      ProtocolErrorCode.InternalError,
      `Internal error (reference ${reportInternal(error)}).`,
    );
  }
}

/**
 * Builds one McpServer with every tool, prompt and resource registered. Handlers resolve the
 * principal and the tenant's services from the request context on every call, and re-check
 * scopes even though `tools/list` already hid what the grant does not allow.
 */
export function buildMcpServer(options: BuildOptions): McpServer {
  const { env, surface, reportInternal, fallbackPrincipal, changeTokens } = options;
  const server = new McpServer(serverInfo(options.version), {
    instructions: INSTRUCTIONS,
    // Copies: the SDK may extend what it is given, and the core reads the originals.
    capabilities: structuredClone(CAPABILITIES),
    cacheHints: structuredClone(CACHE_HINTS),
  });
  const resolve = (ctx: ServerContext) => principalOf(ctx, fallbackPrincipal);
  reportInvalidParams(server);

  for (const tool of surface.tools) {
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: uncheckedInput(tool.input),
        outputSchema: tool.output,
        annotations: tool.annotations,
      },
      async (args: unknown, ctx: ServerContext) => {
        const principal = resolve(ctx);
        const input = await checkedInput(tool, args, () => toolContext(options.env, principal));
        return callTool(options, tool, input as never, principal, () =>
          confirmChannel(
            ctx,
            // Only read for 2025-era requests, where the initialize-scoped value is the right one.
            // eslint-disable-next-line @typescript-eslint/no-deprecated
            server.server.getClientCapabilities(),
            changeTokens,
            principal,
          ),
        );
      },
    );
  }

  for (const prompt of surface.prompts) {
    server.registerPrompt(
      prompt.name,
      { title: prompt.title, description: prompt.description, argsSchema: prompt.args },
      (args, ctx: ServerContext) =>
        asProtocol(async () => {
          const principal = resolve(ctx);
          if (!hasScopes(principal, prompt.scopes)) {
            throw forbidden(
              `The ${prompt.name} prompt`,
              prompt.scopes.filter((s) => !principal.scopes.includes(s)),
            );
          }
          const text = await prompt.render(args, toolContext(env, principal));
          return {
            description: prompt.description,
            messages: [{ role: 'user' as const, content: { type: 'text' as const, text } }],
          };
        }, reportInternal),
    );
  }

  for (const resource of surface.resources) {
    server.registerResource(
      resource.name,
      new ResourceTemplate(resource.uriTemplate, {
        list: (ctx: ServerContext) =>
          asProtocol(async () => {
            const principal = resolve(ctx);
            if (!hasScopes(principal, resource.scopes)) return { resources: [] };
            const items = await resource.list(toolContext(env, principal));
            return { resources: items.map((item) => ({ ...item, mimeType: 'application/json' })) };
          }, reportInternal),
      }),
      { title: resource.title, description: resource.description, mimeType: 'application/json' },
      (uri: URL, variables: Record<string, string | string[]>, ctx: ServerContext) =>
        asProtocol(async () => {
          const principal = resolve(ctx);
          if (!hasScopes(principal, resource.scopes))
            throw forbidden(`Reading ${resource.name} resources`, resource.scopes);
          const key = decodedVariable(String(variables[resource.variable]));
          const data = await resource.read(key, toolContext(env, principal));
          return {
            contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(data, null, 2) }],
          };
        }, reportInternal),
    );
  }
  // The registered tools, prompts and templates stay the dispatch tables for calls; the listings
  // come from the same per-scope builders the core serves, so a grant sees only what it may use.
  server.server.setRequestHandler('tools/list', (_request, ctx) =>
    // The 2025-era capabilities are the initialize's (read only for stdio, see viewsOf).
    // eslint-disable-next-line @typescript-eslint/no-deprecated
    surface.catalog.listFor(resolve(ctx).scopes, viewsOf(ctx, server.server.getClientCapabilities())),
  );
  server.server.setRequestHandler('prompts/list', (_request, ctx) =>
    promptsFor(surface.prompts, resolve(ctx).scopes),
  );
  server.server.setRequestHandler('resources/templates/list', (_request, ctx) =>
    templatesFor(surface.resources, resolve(ctx).scopes),
  );
  for (const view of surface.views) {
    const meta = { ui: VIEW_UI_META };
    server.registerResource(
      view.name,
      view.uri,
      { title: view.title, description: view.description, mimeType: VIEW_MIME_TYPE, _meta: meta },
      () => ({ contents: [{ uri: view.uri, mimeType: VIEW_MIME_TYPE, text: viewHtml(view), _meta: meta }] }),
    );
  }
  return server;
}
