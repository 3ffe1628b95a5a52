import { isJsonContentType, readRequestBody } from '@modelcontextprotocol/server';

export type JsonBody = { ok: true; parsedBody: unknown } | { ok: false; response: Response };

const jsonRpcError = (status: number, code: number, message: string) =>
  Response.json({ jsonrpc: '2.0', error: { code, message }, id: null }, { status });

/**
 * Reads a JSON POST body once, within `maxBytes`, and refuses JSON-RPC batch arrays: every
 * revision this server negotiates (2025-06-18 and later) removed batching, and a batch would let
 * one request fan out into many tool calls. The parsed value is handed to the SDK (`parsedBody`),
 * so the body is never read twice. Anything that is not a JSON POST is left to the SDK (405, 415).
 */
export async function readJsonBody(request: Request, maxBytes: number): Promise<JsonBody | undefined> {
  if (request.method !== 'POST' || !isJsonContentType(request.headers.get('content-type'))) return undefined;
  let read;
  try {
    read = await readRequestBody(request, maxBytes);
  } catch {
    return {
      ok: false,
      response: jsonRpcError(400, -32700, 'Parse error: the request body could not be read'),
    };
  }
  if (read.tooLarge) {
    return {
      ok: false,
      response: jsonRpcError(
        413,
        -32000,
        `Payload Too Large: Request body must not exceed ${maxBytes} bytes`,
      ),
    };
  }
  let parsedBody: unknown;
  try {
    parsedBody = JSON.parse(read.text);
  } catch {
    return {
      ok: false,
      response: jsonRpcError(400, -32700, 'Parse error: the request body is not valid JSON'),
    };
  }
  if (Array.isArray(parsedBody)) {
    return {
      ok: false,
      response: jsonRpcError(
        400,
        -32600,
        'Invalid Request: JSON-RPC batches are not supported (removed in protocol revision 2025-06-18); send one request per POST.',
      ),
    };
  }
  return { ok: true, parsedBody };
}
