import { type McpServer, ProtocolError, ProtocolErrorCode } from '@modelcontextprotocol/server';

type Handler = (request: unknown, ctx: unknown) => Promise<unknown>;

/** The SDK internals this reaches into (`Protocol` keeps them protected/private). */
interface HandlerTable {
  _requestHandlers: Map<string, Handler>;
  _wrapHandler(method: string, handler: Handler): Handler;
}

interface Issue {
  path: (string | number)[];
  message: string;
}

const isIssue = (value: unknown): value is Issue =>
  typeof value === 'object' &&
  value !== null &&
  Array.isArray((value as Issue).path) &&
  typeof (value as Issue).message === 'string';

/** The SDK's schema failure: a plain Error whose message is the JSON list of zod issues. */
function asInvalidParams(method: string, error: unknown): ProtocolError | undefined {
  if (!(error instanceof Error) || error instanceof ProtocolError || !error.message.startsWith('['))
    return undefined;
  let issues: unknown;
  try {
    issues = JSON.parse(error.message);
  } catch {
    return undefined;
  }
  if (!Array.isArray(issues) || issues.length === 0 || !issues.every(isIssue)) return undefined;
  const detail = issues.map((issue) => `${issue.path.join('.') || '(request)'}: ${issue.message}`).join('; ');
  return new ProtocolError(ProtocolErrorCode.InvalidParams, `Invalid params for ${method}: ${detail}`);
}

/**
 * The SDK validates each spec request against its schema before our handler runs, but throws a
 * plain Error on failure, which goes out as -32603 Internal error (with the raw zod dump). A
 * request with wrong param types is the client's fault: answer -32602 with a one-line reason.
 * Wraps the handlers already registered and every one registered later. Remove once the SDK
 * reports these as InvalidParams itself.
 *
 * Still needed with the MCP core on HTTP and on stdio (issue 8, checked 2 Dec 2026 by disabling
 * it): the core answers only well-formed requests and hands every refusal to the SDK, so these
 * are still the SDK's to judge, on both transports (stdio hands on to the same instances):
 * - a wrongly typed `cursor` on tools/list, prompts/list, resources/templates/list (in the core's
 *   table, but any `cursor` is handed on: our lists are one page) and resources/list;
 * - resources/read `uri`, prompts/get `name` and `arguments`: methods outside the core's table;
 * - initialize `protocolVersion`: on HTTP the core answers only a supported version, and on stdio
 *   every initialize is the instance's (it keeps the client's capabilities).
 * Without this wrap, 9 cases of test/mcp/hostile-input.test.ts "wrongly typed params" answer
 * -32603 instead of -32602. It can go when the core owns those refusals (the list cursors, and
 * resources/read, resources/list and prompts/get moved into its table; the differential tests
 * then compare the core's -32602 with the SDK's) and the SDK reports initialize's itself, or when
 * the SDK fixes it upstream.
 */
export function reportInvalidParams(server: McpServer): void {
  const table = server.server as unknown as HandlerTable;
  const wrap =
    (method: string, handler: Handler): Handler =>
    async (request, ctx) => {
      try {
        return await handler(request, ctx);
      } catch (error) {
        throw asInvalidParams(method, error) ?? error;
      }
    };
  for (const [method, handler] of table._requestHandlers)
    table._requestHandlers.set(method, wrap(method, handler));
  const original = table._wrapHandler.bind(table);
  table._wrapHandler = (method, handler) => wrap(method, original(method, handler));
}
