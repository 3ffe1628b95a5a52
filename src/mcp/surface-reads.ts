import {
  type GetPromptResult,
  type ListResourcesResult,
  ProtocolError,
  ProtocolErrorCode,
  type ReadResourceResult,
  ResourceNotFoundError,
  UriTemplate,
  type Variables,
} from '@modelcontextprotocol/server';
import { DomainError, invalidInput } from '../domain/errors.js';
import { type Principal, hasScopes } from '../domain/principal.js';
import type { Scope } from '../domain/scopes.js';
import type { PromptDefinition } from '../prompts/define-prompt.js';
import type { ResourceTemplateDefinition } from '../resources/define-resource.js';
import { type ToolEnvironment, toolContext } from '../tools/tool-context.js';
import { VIEW_MIME_TYPE, VIEW_UI_META, type ViewDefinition, viewHtml } from '../views/registry.js';
import type { McpSurface } from './build-server.js';
import { formatIssue } from './tool-input.js';

export interface SurfaceReadsOptions {
  readonly env: ToolEnvironment;
  readonly surface: McpSurface;
  /** Logs an internal fault and returns the reference shown to the client. */
  readonly reportInternal: (error: unknown) => string;
}

type PromptArgs = Parameters<PromptDefinition['render']>[0];

/** A view's `_meta` in `resources/list` and in its contents (MCP Apps: its CSP and border). */
const VIEW_META = { ui: VIEW_UI_META };

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
 * `prompts/get`, `resources/list` and `resources/read` over the surface — the one way each is
 * answered, whether the core (on node:http or stdio) or the SDK server (the requests the core
 * hands on) dispatched it. The SDK server registers the per-item work (`renderPrompt`,
 * `listTemplate`, `readTemplate`, `viewContents`) and finds the item itself; the core finds it
 * here, as McpServer does (same lookups, same refusals), with each URI template compiled once.
 * The differential tests hold the two side by side (test/mcp/differential-corpus.ts reads views,
 * every template, unknown and malformed URIs, and asks each prompt with good and bad arguments).
 */
export class SurfaceReads {
  private readonly prompts: ReadonlyMap<string, PromptDefinition>;
  private readonly views: ReadonlyMap<string, ViewDefinition>;
  private readonly templates: readonly { resource: ResourceTemplateDefinition; template: UriTemplate }[];

  constructor(private readonly options: SurfaceReadsOptions) {
    const { surface } = options;
    this.prompts = new Map(surface.prompts.map((prompt) => [prompt.name, prompt]));
    this.views = new Map(surface.views.map((view) => [view.uri, view]));
    this.templates = surface.resources.map((resource) => ({
      resource,
      template: new UriTemplate(resource.uriTemplate),
    }));
  }

  /** prompts/get: the prompt by name, its arguments by its schema (refusals worded as the SDK's). */
  async getPrompt(name: string, args: unknown, principal: Principal): Promise<GetPromptResult> {
    const prompt = this.prompts.get(name);
    if (prompt === undefined)
      throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Prompt ${name} not found`);
    const parsed = prompt.args.safeParse(args ?? {});
    if (!parsed.success)
      throw new ProtocolError(
        ProtocolErrorCode.InvalidParams,
        `Invalid arguments for prompt ${name}: ${parsed.error.issues.map(formatIssue).join(', ')}`,
      );
    return await this.renderPrompt(prompt, parsed.data, principal);
  }

  /** resources/list: the views, then each template's listed resources the grant may read. */
  async listResources(principal: Principal): Promise<ListResourcesResult> {
    const views = this.options.surface.views.map((view) => ({
      uri: view.uri,
      name: view.name,
      ...viewMetadata(view),
    }));
    const listed = [];
    for (const { resource } of this.templates) {
      const { resources } = await this.listTemplate(resource, principal);
      listed.push(...resources.map((item) => ({ ...templateMetadata(resource), ...item })));
    }
    return { resources: [...views, ...listed] };
  }

  /** resources/read: a view by its URI, else the first template that matches. */
  async readResource(uri: string, principal: Principal): Promise<ReadResourceResult> {
    let url: URL;
    try {
      url = new URL(uri);
    } catch {
      throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Resource URI ${uri} is invalid`, {
        uri,
        reason: 'invalid_uri',
      });
    }
    const href = url.toString();
    const view = this.views.get(href);
    if (view !== undefined) return viewContents(view);
    for (const { resource, template } of this.templates) {
      const variables = template.match(href);
      if (variables !== null) return await this.readTemplate(resource, url, variables, principal);
    }
    throw new ResourceNotFoundError(uri);
  }

  renderPrompt(prompt: PromptDefinition, args: PromptArgs, principal: Principal): Promise<GetPromptResult> {
    return asProtocol(async () => {
      if (!hasScopes(principal, prompt.scopes)) {
        throw forbidden(
          `The ${prompt.name} prompt`,
          prompt.scopes.filter((s) => !principal.scopes.includes(s)),
        );
      }
      const text = await prompt.render(args, toolContext(this.options.env, principal));
      return {
        description: prompt.description,
        messages: [{ role: 'user' as const, content: { type: 'text' as const, text } }],
      };
    }, this.options.reportInternal);
  }

  /** The template's resources for `resources/list` (none without its scopes). */
  listTemplate(resource: ResourceTemplateDefinition, principal: Principal) {
    return asProtocol(async () => {
      if (!hasScopes(principal, resource.scopes)) return { resources: [] };
      const items = await resource.list(toolContext(this.options.env, principal));
      return { resources: items.map((item) => ({ ...item, mimeType: 'application/json' })) };
    }, this.options.reportInternal);
  }

  readTemplate(
    resource: ResourceTemplateDefinition,
    uri: URL,
    variables: Variables,
    principal: Principal,
  ): Promise<ReadResourceResult> {
    return asProtocol(async () => {
      if (!hasScopes(principal, resource.scopes))
        throw forbidden(`Reading ${resource.name} resources`, resource.scopes);
      const key = decodedVariable(String(variables[resource.variable]));
      const data = await resource.read(key, toolContext(this.options.env, principal));
      return {
        contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(data, null, 2) }],
      };
    }, this.options.reportInternal);
  }
}

/** How a template describes its resources (`resources/list` spreads each item over it). */
export const templateMetadata = (resource: ResourceTemplateDefinition) => ({
  title: resource.title,
  description: resource.description,
  mimeType: 'application/json',
});

/** How a view is described besides its URI and name. */
export const viewMetadata = (view: ViewDefinition) => ({
  title: view.title,
  description: view.description,
  mimeType: VIEW_MIME_TYPE,
  _meta: VIEW_META,
});

/** A view's HTML: the same for every client (it holds no data, so no scope guards it). */
export const viewContents = (view: ViewDefinition): ReadResourceResult => ({
  contents: [{ uri: view.uri, mimeType: VIEW_MIME_TYPE, text: viewHtml(view), _meta: VIEW_META }],
});
