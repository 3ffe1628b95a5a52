import { McpServer, ResourceTemplate, type ServerContext } from '@modelcontextprotocol/server';
import type { ChangeTokens } from '../domain/crm/change-tokens.js';
import type { AdmitToolCall } from '../domain/limits/grant-call-limit.js';
import type { Tracing } from '../observability/tracing.js';
import type { Principal } from '../domain/principal.js';
import type { PromptDefinition } from '../prompts/define-prompt.js';
import type { ResourceTemplateDefinition } from '../resources/define-resource.js';
import type { ToolDefinition } from '../tools/define-tool.js';
import type { ViewDefinition } from '../views/registry.js';
import { type ToolEnvironment, toolContext } from '../tools/tool-context.js';
import { callTool } from './call-tool.js';
import { confirmChannel } from './confirm-channel.js';
import { paramsFirst } from './params-first.js';
import { principalOf } from './principal-of.js';
import { checkedInput, uncheckedInput } from './tool-input.js';
import { promptsFor, templatesFor } from './surface-lists.js';
import { CACHE_HINTS, CAPABILITIES, INSTRUCTIONS, serverInfo } from './server-identity.js';
import { SurfaceReads, templateMetadata, viewContents, viewMetadata } from './surface-reads.js';
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

/**
 * Builds one McpServer with every tool, prompt and resource registered. Handlers resolve the
 * principal and the tenant's services from the request context on every call, and re-check
 * scopes even though `tools/list` already hid what the grant does not allow.
 */
export function buildMcpServer(options: BuildOptions): McpServer {
  const { surface, fallbackPrincipal, changeTokens } = options;
  const reads = new SurfaceReads(options);
  const server = new McpServer(serverInfo(options.version), {
    instructions: INSTRUCTIONS,
    // Copies: the SDK may extend what it is given, and the core reads the originals.
    capabilities: structuredClone(CAPABILITIES),
    cacheHints: structuredClone(CACHE_HINTS),
  });
  const resolve = (ctx: ServerContext) => principalOf(ctx, fallbackPrincipal);

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
        return callTool(options, tool, input, principal, () =>
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

  // The SDK finds the prompt or resource and checks a prompt's arguments; the work is the core's
  // too (surface-reads.ts), so both paths answer alike.
  for (const prompt of surface.prompts) {
    server.registerPrompt(
      prompt.name,
      { title: prompt.title, description: prompt.description, argsSchema: prompt.args },
      (args, ctx: ServerContext) => reads.renderPrompt(prompt, args, resolve(ctx)),
    );
  }

  for (const resource of surface.resources) {
    server.registerResource(
      resource.name,
      new ResourceTemplate(resource.uriTemplate, {
        list: (ctx: ServerContext) => reads.listTemplate(resource, resolve(ctx)),
      }),
      templateMetadata(resource),
      (uri: URL, variables, ctx: ServerContext) => reads.readTemplate(resource, uri, variables, resolve(ctx)),
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
  for (const view of surface.views)
    server.registerResource(view.name, view.uri, viewMetadata(view), () => viewContents(view));
  // Params of the wrong type are refused with -32602 before the SDK's schema sees them.
  return paramsFirst(server, (error) => {
    options.reportInternal(error);
  });
}
