import {
  ProtocolError,
  isJSONRPCNotification,
  isJSONRPCRequest,
  type JSONRPCMessage,
  type McpServer,
  type RequestId,
  type Transport,
} from '@modelcontextprotocol/server';
import type { Principal } from '../domain/principal.js';
import { formElicitation } from './confirm-channel.js';
import { type CoreDispatch, errorObject } from './core-dispatch.js';
import { type Era, fastMessage } from './fast-envelope.js';

export interface StdioCoreOptions {
  readonly dispatch: CoreDispatch;
  /** The one local user of a stdio process. */
  readonly principal: Principal;
  /** Counts a request the core answered (tests). */
  readonly answered: () => void;
  readonly onerror: (error: Error) => void;
}

/**
 * Has the core answer what it can on one stdio connection, through the same dispatch as on
 * node:http. `serveStdio` keeps everything that is the connection's: the opening exchange, the
 * era it pins, `subscriptions/listen`, the refusals of the other era. Only then does a message
 * reach the pinned instance's channel, and there the core takes the requests of its table that
 * it answers exactly as the instance would (params of the wrong type it refuses itself, as on
 * HTTP); the instance keeps the rest: `initialize` but for such a refusal (it holds the client's
 * capabilities and the negotiated version), every notification, the responses to its own
 * requests, and every request the core hands on — any other refusal, a method outside the table,
 * a write tool of a 2025-era client that declared form elicitation (confirm-channel.ts asks it
 * with `elicitation/create`, a round trip on this connection).
 */
export function coreFirst(server: McpServer, era: Era, options: StdioCoreOptions): McpServer {
  const connect = server.connect.bind(server);
  server.connect = async (channel: Transport) => {
    await connect(channel);
    const toInstance = channel.onmessage;
    if (toInstance === undefined) return;
    const answer = answerer(server, era, channel, options);
    channel.onmessage = (message, extra) => {
      const handOn = () => {
        toInstance(message, extra);
      };
      if (!answer(message, handOn)) handOn();
    };
  };
  return server;
}

/**
 * Answers a message with the core and returns true, or returns false and the caller hands it to
 * the instance. A request cancelled while the core works is not answered, as the SDK drops the
 * answer of a handler it aborted (the latest request of an id is the one cancelled, as there).
 */
function answerer(server: McpServer, era: Era, channel: Transport, options: StdioCoreOptions) {
  const inFlight = new Map<RequestId, { cancelled: boolean }>();
  return (message: JSONRPCMessage, handOn: () => void): boolean => {
    if (isJSONRPCNotification(message) && message.method === 'notifications/cancelled') {
      const state = inFlight.get(message.params?.requestId as RequestId);
      if (state !== undefined) state.cancelled = true;
      return false;
    }
    if (!isJSONRPCRequest(message)) return false;
    // 2025-era capabilities are the initialize's, which the instance keeps (see viewsOf).
    // eslint-disable-next-line @typescript-eslint/no-deprecated
    const declaredByInitialize = server.server.getClientCapabilities();
    const fast = fastMessage(message, { overHttp: false, declaredByInitialize });
    if (fast?.id === undefined || fast.era !== era) return false;
    // An initialize is the instance's, but for params of the wrong type (refused as on HTTP).
    if (fast.method === 'initialize' && fast.refusal === undefined) return false;
    const asksByElicitation =
      fast.method === 'tools/call' &&
      era === 'legacy' &&
      formElicitation(declaredByInitialize) &&
      !options.dispatch.readOnly(fast.params.name);
    if (asksByElicitation) return false;
    const work = options.dispatch.plan(fast, options.principal);
    if (work === undefined) return false;
    const id = fast.id;
    const state = { cancelled: false };
    inFlight.set(id, state);
    Promise.resolve()
      .then(work)
      .then(
        async (result) => {
          if (inFlight.get(id) === state) inFlight.delete(id);
          if (state.cancelled) return;
          options.answered();
          // One line on the wire, written by the channel (so the entry sees the request answered).
          await channel.send({ result: JSON.parse(result) as Record<string, unknown>, jsonrpc: '2.0', id });
        },
        async (error: unknown) => {
          if (inFlight.get(id) === state) inFlight.delete(id);
          if (state.cancelled) return;
          // A ProtocolError is the core's answer; any other fault past the plan is the instance's to
          // report (it answers the request itself).
          if (!(error instanceof ProtocolError)) {
            handOn();
            return;
          }
          options.answered();
          await channel.send({ jsonrpc: '2.0', id, error: errorObject(error) });
        },
      )
      .catch((error: unknown) => {
        options.onerror(error instanceof Error ? error : new Error(String(error)));
      });
    return true;
  };
}
