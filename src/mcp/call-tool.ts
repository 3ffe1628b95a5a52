import type { CallToolResult, InputRequiredResult } from '@modelcontextprotocol/server';
import { DomainError } from '../domain/errors.js';
import type { AdmitToolCall } from '../domain/limits/grant-call-limit.js';
import type { Principal } from '../domain/principal.js';
import type { Tracing } from '../observability/tracing.js';
import type { ToolDefinition } from '../tools/define-tool.js';
import { type ToolEnvironment, toolContext } from '../tools/tool-context.js';
import type { ConfirmChannel } from './confirm-channel.js';
import { failureResult, missingScopeError } from './tool-results.js';

export interface ToolCallDependencies {
  readonly env: ToolEnvironment;
  /** Counts the call against the caller's per-grant limit (throws `rate_limited` past it). */
  readonly admitToolCall: AdmitToolCall;
  /** Logs an internal fault and returns the reference shown to the client. */
  readonly reportInternal: (error: unknown) => string;
  /** The `tool <name>` span (a no-op unless tracing is configured). */
  readonly tracing: Tracing;
}

/**
 * One tool call, after its arguments have passed the tool's input schema — the one way a call is
 * answered, whether the core (on node:http or stdio) or the SDK server (the requests the core
 * hands on) dispatched it: scopes re-checked (`tools/list` already hid what the grant does not
 * allow), the per-grant limit counted, the tool run in a `tool <name>` span, a failure turned into
 * an `isError` result the model reads. `channel` says how a write tool asks the person first.
 */
export function callTool(
  deps: ToolCallDependencies,
  tool: ToolDefinition,
  args: Parameters<ToolDefinition['run']>[0],
  principal: Principal,
  channel: () => ConfirmChannel,
): Promise<CallToolResult | InputRequiredResult> {
  return deps.tracing.span(`tool ${tool.name}`, { 'mcp.tool.name': tool.name }, async (notes) => {
    const missing = tool.scopes.filter((scope) => !principal.scopes.includes(scope));
    if (missing.length > 0) return missingScopeError(tool.name, missing);
    try {
      await deps.admitToolCall(principal);
      const confirm = channel();
      const output = await tool.run(args, toolContext(deps.env, principal, {}, confirm.confirmer));
      // A write tool that must ask through the client first answers with the question instead.
      const pending = confirm.pendingInput();
      if (pending !== undefined) return pending;
      return { content: [{ type: 'text', text: tool.text(output) }], structuredContent: output };
    } catch (error) {
      notes.set('mcp.tool.error', error instanceof DomainError ? error.code : 'internal');
      return failureResult(error, deps.reportInternal);
    }
  });
}
