import { ProtocolError, ProtocolErrorCode } from '@modelcontextprotocol/server';
import type { ChangeTokens } from '../domain/crm/change-tokens.js';
import type { Principal } from '../domain/principal.js';
import { changeIdConfirmer } from '../tools/confirmer.js';
import type { ToolDefinition } from '../tools/define-tool.js';
import type { McpSurface } from './build-server.js';
import { callTool, type ToolCallDependencies } from './call-tool.js';
import type { FastRequest } from './fast-envelope.js';
import { ListAnswers } from './list-answers.js';
import { invalidParamsMessage } from './params-verdict.js';
import { CACHE_HINTS, CAPABILITIES, INSTRUCTIONS, serverInfo } from './server-identity.js';
import { SurfaceReads } from './surface-reads.js';

/**
 * The work of answering one request: the `result` JSON, or a ProtocolError thrown, which is the
 * answer too (an in-band JSON-RPC error: a refusal of the params, a prompt or resource refused).
 */
export type Answer = () => Promise<string> | string;

/** A ProtocolError as a JSON-RPC error object (the core's in-band errors, on every transport). */
export const errorObject = (error: ProtocolError) => ({
  code: error.code,
  message: error.message,
  ...(error.data !== undefined && { data: error.data }),
});

/**
 * Decides whether the core answers the request (nothing runs yet): the work to do, or undefined
 * when the SDK must answer instead. Deciding first keeps a handed-on request out of the core's
 * spans and counters: only a request the core answers is traced and counted by it.
 */
type Handler = (request: FastRequest, principal: Principal) => Answer | undefined;

export interface CoreDispatchOptions extends ToolCallDependencies {
  readonly surface: McpSurface;
  readonly version: string;
  /**
   * Write tools confirm by `change_id` on every request the core answers: 2025-era HTTP requests
   * (stateless, so no server-to-client question), 2025-era stdio requests of a client that did
   * not declare form elicitation (stdio-core.ts hands on the others' write tools), and 2026-07-28
   * requests that declare no client capability but extensions/experimental ones (fast-envelope
   * hands on any that declare more, elicitation included, and any retry carrying
   * `inputResponses`, so `input_required` stays with confirm-channel.ts on the SDK path).
   */
  readonly changeTokens: ChangeTokens;
}

/**
 * The core's method table: one handler per method, each returning the serialised result.
 * Lists come pre-serialised per scope set; `tools/call` validates its arguments with the tool's
 * own zod schema (built once, at registration) and runs the tool; prompts and resources are found
 * and answered as the SDK server does (surface-reads.ts). Output schemas are checked by the tests
 * (test/mcp/tools-e2e.test.ts: the SDK client validates every structuredContent against the
 * listed outputSchema, and each tool's zod output schema parses it), not on every call. Params of
 * the wrong type are refused here with -32602 (params-verdict.ts); any other request the core
 * does not answer exactly as the SDK would (an unknown tool, arguments its schema refuses)
 * returns undefined, and the caller hands it to the SDK, which owns those refusals.
 */
export class CoreDispatch {
  readonly lists: ListAnswers;
  private readonly tools: ReadonlyMap<string, ToolDefinition>;
  private readonly reads: SurfaceReads;
  private readonly handlers: Readonly<Record<string, Handler>>;

  constructor(private readonly options: CoreDispatchOptions) {
    this.lists = new ListAnswers(options.surface, options.version);
    this.tools = new Map(options.surface.tools.map((tool) => [tool.name, tool]));
    this.reads = new SurfaceReads(options);
    const info = serverInfo(options.version);
    this.handlers = {
      initialize: (request) => () =>
        JSON.stringify({
          protocolVersion: request.params.protocolVersion,
          capabilities: CAPABILITIES,
          serverInfo: info,
          instructions: INSTRUCTIONS,
        }),
      ping: () => () => '{}',
      'server/discover': (request, principal) => () =>
        this.lists.resultJson('server/discover', request.era, principal.scopes, request.views),
      'tools/list': (request, principal) => () =>
        this.lists.resultJson('tools/list', request.era, principal.scopes, request.views),
      'prompts/list': (request, principal) => () =>
        this.lists.resultJson('prompts/list', request.era, principal.scopes, request.views),
      'resources/templates/list': (request, principal) => () =>
        this.lists.resultJson('resources/templates/list', request.era, principal.scopes, request.views),
      'tools/call': (request, principal) => this.toolCall(request, principal),
      'prompts/get': (request, principal) => async () =>
        this.resultJson(
          request,
          await this.reads.getPrompt(request.params.name as string, request.params.arguments, principal),
        ),
      'resources/list': (request, principal) => async () =>
        this.resultJson(request, await this.reads.listResources(principal)),
      'resources/read': (request, principal) => async () =>
        this.resultJson(request, await this.reads.readResource(request.params.uri as string, principal)),
    };
  }

  /** Whether the method is one the core answers (notifications are accepted before dispatch). */
  handles(method: string): boolean {
    return Object.hasOwn(this.handlers, method);
  }

  /** Whether `name` is a tool that only reads (so never asks the person to confirm anything). */
  readOnly(name: unknown): boolean {
    return typeof name === 'string' && this.tools.get(name)?.annotations.readOnlyHint === true;
  }

  /** The work of answering `request`, or undefined when the SDK must answer it. */
  plan(request: FastRequest, principal: Principal): Answer | undefined {
    const refusal = request.refusal;
    if (refusal !== undefined)
      return () => {
        throw new ProtocolError(
          ProtocolErrorCode.InvalidParams,
          invalidParamsMessage(request.method, refusal),
        );
      };
    return this.handlers[request.method]?.(request, principal);
  }

  /** A result of the era: 2026-07-28 ones carry resultType, serverInfo and the method's cache hints. */
  private resultJson(request: FastRequest, result: object): string {
    if (request.era === 'legacy') return JSON.stringify(result);
    const hints = CACHE_HINTS[request.method as keyof typeof CACHE_HINTS] as object | undefined;
    return JSON.stringify(this.lists.modernMeta({ ...result, ...hints }));
  }

  private toolCall(request: FastRequest, principal: Principal): Answer | undefined {
    const tool = this.tools.get(request.params.name as string);
    if (tool === undefined) return undefined;
    const parsed = tool.input.safeParse(request.params.arguments ?? {});
    if (!parsed.success) return undefined;
    const { changeTokens } = this.options;
    return async () => {
      const result = await callTool(this.options, tool, parsed.data, principal, () => ({
        confirmer: changeIdConfirmer(changeTokens, principal),
        pendingInput: () => undefined,
      }));
      return JSON.stringify(request.era === 'modern' ? this.lists.modernOwned(result) : result);
    };
  }
}
