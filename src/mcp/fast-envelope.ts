import { SUPPORTED_PROTOCOL_VERSIONS } from '@modelcontextprotocol/server';
import type { CoreHeaders } from './core-headers.js';
import { HAND_ON, isName, isPlainObject, keysWithin, paramsVerdict } from './params-verdict.js';
import { viewsFor } from './views-negotiation.js';

export type Era = 'legacy' | 'modern';

/** A request our core answers itself: well-formed, in a known era, for a method of its table. */
export interface FastRequest {
  readonly era: Era;
  /** Absent for a notification. */
  readonly id: string | number | undefined;
  readonly method: string;
  readonly params: Readonly<Record<string, unknown>>;
  /** Whether the answer links tools to their MCP Apps views (views-negotiation.ts). */
  readonly views: boolean;
  /** Why the params are refused (-32602), when their types are wrong (params-verdict.ts). */
  readonly refusal: string | undefined;
}

export const MODERN_VERSION = '2026-07-28';
const PROTOCOL_VERSION = 'io.modelcontextprotocol/protocolVersion';
const CLIENT_CAPABILITIES = 'io.modelcontextprotocol/clientCapabilities';
const CLIENT_INFO = 'io.modelcontextprotocol/clientInfo';
const MESSAGE_KEYS = new Set(['jsonrpc', 'id', 'method', 'params']);
const MODERN_META_KEYS = new Set([PROTOCOL_VERSION, CLIENT_CAPABILITIES, CLIENT_INFO]);
const LEGACY_META_KEYS = new Set(['progressToken']);
/**
 * The client capabilities a 2026-07-28 request may declare and still be answered by the core:
 * extensions (MCP Apps) and experimental ones change no answer of the core's table except the
 * views of `tools/list`, which the core keys its lists by. Anything else (elicitation: the
 * write tools ask through `input_required`; sampling; roots; tasks) goes to the SDK path.
 */
const CORE_CAPABILITY_KEYS = new Set(['extensions', 'experimental']);

/**
 * The params each method of the core may carry; anything else goes to the SDK. Their types are
 * judged by params-verdict.ts (a list's `cursor` included: our lists are one page).
 */
const LIST = new Set(['cursor', '_meta']);
const SURFACE = {
  'tools/list': LIST,
  'tools/call': new Set(['name', 'arguments', '_meta']),
  'prompts/list': LIST,
  'prompts/get': new Set(['name', 'arguments', '_meta']),
  'resources/list': LIST,
  'resources/templates/list': LIST,
  'resources/read': new Set(['uri', '_meta']),
};
const PARAMS: Record<Era, Record<string, ReadonlySet<string>>> = {
  legacy: {
    initialize: new Set(['protocolVersion', 'capabilities', 'clientInfo', '_meta']),
    ping: new Set(['_meta']),
    'notifications/initialized': new Set(['_meta']),
    ...SURFACE,
  },
  modern: { 'server/discover': new Set(['_meta']), ...SURFACE },
};
/** The param an Mcp-Name header repeats (H26 §Standard Headers), per method that has one. */
const NAME_SOURCE: Readonly<Record<string, string>> = {
  'tools/call': 'name',
  'prompts/get': 'name',
  'resources/read': 'uri',
};

/**
 * Decides, from the parsed body and the headers alone, whether an HTTP request is one the core
 * answers exactly as the SDK would: a message the core knows (`fastMessage`) and headers that
 * agree with the body (H26 §Server Validation). Anything unusual — malformed, a mismatched
 * header, an unknown method or field, a session id — returns undefined and the SDK answers it,
 * refusals included (but for params of the wrong type: params-first.ts).
 */
export function fastEnvelope(body: unknown, headers: CoreHeaders): FastRequest | undefined {
  const accept = headers.accept ?? '';
  if (!accept.includes('application/json') || !accept.includes('text/event-stream')) return undefined;
  if (headers['mcp-session-id'] !== undefined || headers['last-event-id'] !== undefined) return undefined;
  const message = fastMessage(body, { overHttp: true });
  if (message === undefined) return undefined;
  const agree =
    message.era === 'modern'
      ? modernHeadersAgree(message.method, message.params, headers)
      : legacyHeadersAgree(headers);
  return agree ? message : undefined;
}

/**
 * Where a message arrived, for its views (views-negotiation.ts): over HTTP, or on a stdio
 * connection whose 2025-era `initialize` declared `declaredByInitialize`.
 */
export type Arrival =
  { readonly overHttp: true } | { readonly overHttp: false; readonly declaredByInitialize: unknown };

/**
 * The body alone, for every transport (HTTP through `fastEnvelope`, stdio through
 * stdio-core.ts): a JSON-RPC 2.0 request or notification of a method in the core's table, with
 * params and `_meta` of the shapes it knows; undefined for anything else.
 */
export function fastMessage(body: unknown, arrival: Arrival): FastRequest | undefined {
  if (!isPlainObject(body) || !keysWithin(body, MESSAGE_KEYS) || body.jsonrpc !== '2.0') return undefined;
  const { id, method } = body;
  // Absent params are `{}`; `null` is not (the SDK refuses it as an invalid message).
  const params = body.params === undefined ? {} : body.params;
  if (typeof method !== 'string' || !isPlainObject(params)) return undefined;
  if (id !== undefined && typeof id !== 'string' && !Number.isSafeInteger(id)) return undefined;
  const meta = params._meta;
  if (meta !== undefined && !isPlainObject(meta)) return undefined;
  const era: Era = meta?.[PROTOCOL_VERSION] === undefined ? 'legacy' : 'modern';
  const allowed = PARAMS[era][method];
  if (allowed === undefined || !keysWithin(params, allowed)) return undefined;
  const isNotification = id === undefined;
  if (isNotification !== method.startsWith('notifications/')) return undefined;
  if (era === 'modern' ? !modernMetaKnown(meta ?? {}) : !legacyMetaKnown(meta)) return undefined;
  const verdict = paramsVerdict(method, body.params === undefined ? undefined : params);
  if (verdict === HAND_ON) return undefined;
  const modern = era === 'modern';
  const declared = modern
    ? meta?.[CLIENT_CAPABILITIES]
    : arrival.overHttp
      ? undefined
      : arrival.declaredByInitialize;
  const views = viewsFor({ modern, overHttp: arrival.overHttp }, declared);
  const refusal = typeof verdict === 'object' ? verdict.refusal : undefined;
  return { era, id: id as string | number | undefined, method, params, views, refusal };
}

function modernMetaKnown(meta: Record<string, unknown>): boolean {
  if (!keysWithin(meta, MODERN_META_KEYS) || meta[PROTOCOL_VERSION] !== MODERN_VERSION) return false;
  if (!coreCapabilities(meta[CLIENT_CAPABILITIES])) return false;
  return meta[CLIENT_INFO] === undefined || isName(meta[CLIENT_INFO]);
}

function modernHeadersAgree(
  method: string,
  params: Readonly<Record<string, unknown>>,
  headers: CoreHeaders,
): boolean {
  if (headers['mcp-protocol-version'] !== MODERN_VERSION || headers['mcp-method'] !== method) return false;
  const name = headers['mcp-name'];
  const source = NAME_SOURCE[method];
  const value = source === undefined ? undefined : params[source];
  // Only exact plain names (and none for a param of the wrong type); an encoded (`=?base64?`),
  // absent or padded one is the SDK's to judge.
  if (typeof value === 'string') return name === value && !name.startsWith('=?');
  return name === undefined;
}

/** Only CORE_CAPABILITY_KEYS, each a record of objects (the shape the SDK's schema accepts). */
function coreCapabilities(capabilities: unknown): boolean {
  if (!isPlainObject(capabilities) || !keysWithin(capabilities, CORE_CAPABILITY_KEYS)) return false;
  return Object.values(capabilities).every(
    (declared) => isPlainObject(declared) && Object.values(declared).every(isPlainObject),
  );
}

function legacyMetaKnown(meta: Record<string, unknown> | undefined): boolean {
  if (meta === undefined) return true;
  if (!keysWithin(meta, LEGACY_META_KEYS)) return false;
  const token = meta.progressToken;
  return token === undefined || typeof token === 'string' || Number.isSafeInteger(token);
}

function legacyHeadersAgree(headers: CoreHeaders): boolean {
  const version = headers['mcp-protocol-version'];
  if (version !== undefined && !SUPPORTED_PROTOCOL_VERSIONS.includes(version)) return false;
  return headers['mcp-method'] === undefined && headers['mcp-name'] === undefined;
}
