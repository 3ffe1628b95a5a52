import {
  type JSONRPCMessage,
  type McpServer,
  ProtocolErrorCode,
  type Transport,
} from '@modelcontextprotocol/server';
import { MODERN_VERSION } from './fast-envelope.js';
import { invalidParamsMessage, isPlainObject, paramsVerdict } from './params-verdict.js';

/**
 * Judges the params of every request that reaches this SDK instance — one the core handed on
 * (an unusual envelope, a method outside its table) or, on the SDK path alone, any — with the
 * core's own verdict (params-verdict.ts) before the instance sees it: params of the wrong type
 * are refused with -32602 and a one-line reason naming the param, where the SDK's schema would
 * answer -32603 Internal error with the raw zod dump. It sits on the instance's channel (the
 * public Transport API stdio-core.ts uses too), behind the SDK's entry, so envelope and header
 * refusals keep coming first, as the SDK orders them.
 */
export function paramsFirst(server: McpServer, onerror: (error: Error) => void): McpServer {
  const connect = server.connect.bind(server);
  server.connect = async (channel: Transport) => {
    await connect(channel);
    const toInstance = channel.onmessage;
    if (toInstance === undefined) return;
    // A 2026-07-28 instance reports its revision from the connection on (a 2025-era one, none
    // until initialize, then the negotiated 2025 version); the era never changes on a connection.
    // eslint-disable-next-line @typescript-eslint/no-deprecated
    const modern = server.server.getNegotiatedProtocolVersion() === MODERN_VERSION;
    channel.onmessage = (message, extra) => {
      const refusal = refusalOf(message, modern);
      if (refusal === undefined) {
        toInstance(message, extra);
        return;
      }
      const error = { code: ProtocolErrorCode.InvalidParams, message: refusal.message };
      channel.send({ jsonrpc: '2.0', id: refusal.id, error }).catch(onerror);
    };
  };
  return server;
}

/** Methods the 2026-07-28 era lacks: the SDK refuses them there (404, -32601), whatever their params. */
const LEGACY_ONLY: ReadonlySet<string> = new Set(['initialize', 'logging/setLevel']);

function refusalOf(
  message: JSONRPCMessage,
  modern: boolean,
): { id: string | number; message: string } | undefined {
  if (!('method' in message) || !('id' in message)) return undefined;
  if (modern && LEGACY_ONLY.has(message.method)) return undefined;
  const params = message.params;
  if (params !== undefined && !isPlainObject(params)) return undefined;
  const verdict = paramsVerdict(message.method, params);
  if (typeof verdict !== 'object') return undefined;
  return { id: message.id, message: invalidParamsMessage(message.method, verdict.refusal) };
}
