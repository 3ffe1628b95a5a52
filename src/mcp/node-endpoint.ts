import { isUtf8 } from 'node:buffer';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ProtocolError } from '@modelcontextprotocol/server';
import { SpanKind } from '@opentelemetry/api';
import type { Tracing } from '../observability/tracing.js';
import type { Authenticate, ScopeChallenge } from './authenticate.js';
import { type CoreDispatch, errorObject } from './core-dispatch.js';
import { type CoreHeaders, coreHeaders } from './core-headers.js';
import { type FastRequest, fastEnvelope } from './fast-envelope.js';
import { acceptsGzip, gzipRest } from './gzip-splice.js';
import { type FramedAnswer, LIST_METHODS, type ListMethod } from './list-answers.js';
import { type PrebuiltHead, prebuiltHead, writePrebuiltHead } from './prebuilt-head.js';
import { principalOf } from './principal-of.js';
import { endThisTurn } from './turn-writes.js';

export interface CoreEndpointOptions {
  readonly dispatch: CoreDispatch;
  readonly authenticate: Authenticate;
  /** The Host/Origin guards as a yes/no (`guardsPass`). */
  readonly guardsPass: (host: string | undefined, origin: string | undefined) => boolean;
  readonly maxBodyBytes: number;
  readonly scopeChallenge?: ScopeChallenge | undefined;
  /** The public origin: an MCP path's resource URL is `<issuer><path>`. */
  readonly issuer: string;
  /**
   * Spans as the app's traced path makes them: `HTTP POST` (server, continuing a caller's
   * `traceparent`) → `mcp <method>` → `tool <name>` → store queries. A request handed on stays
   * in the same `HTTP POST` span (trace-requests.ts adds to it).
   */
  readonly tracing: Tracing;
  /** Metrics of an answered request (the MCP method/tool series and the HTTP route series). */
  readonly observe?:
    ((path: string, method: unknown, tool: unknown, status: number, seconds: number) => void) | undefined;
}

/**
 * The response headers of every page of this server (Hono's `secureHeaders` as app.ts configures
 * it), so an answer of the core carries exactly what the same answer from the app would.
 */
const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=15552000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-frame-options': 'DENY',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
};
/**
 * Response headers as the flat `[name, value, …]` list `writeHead` takes, built once. Node
 * writes a list as it comes; a headers object (a fresh one per request, spread from these) cost
 * ~20 µs of server CPU per answer in enumeration alone (bench/README.md, issue 8 third pass).
 */
const listOf = (headers: Readonly<Record<string, string>>): string[] => Object.entries(headers).flat();
const SECURITY = listOf(SECURITY_HEADERS);
const SSE = listOf({
  ...SECURITY_HEADERS,
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
});
const JSON_ANSWER = listOf({ ...SECURITY_HEADERS, 'content-type': 'application/json' });
/** A list's headers when the answer goes out gzip-compressed, and when not. */
const LIST = {
  legacy: {
    plain: prebuiltHead([...SSE, 'vary', 'accept-encoding']),
    gzip: prebuiltHead([...SSE, 'content-encoding', 'gzip', 'vary', 'accept-encoding']),
  },
  modern: {
    plain: prebuiltHead([...JSON_ANSWER, 'vary', 'accept-encoding']),
    gzip: prebuiltHead([...JSON_ANSWER, 'content-encoding', 'gzip', 'vary', 'accept-encoding']),
  },
} as const;
/** Every other answer's head: the notification's 202, and a result as SSE or JSON. */
const HEADS = { accepted: prebuiltHead(SECURITY), sse: prebuiltHead(SSE), json: prebuiltHead(JSON_ANSWER) };

const isJsonMediaType = (value: string | undefined) =>
  value === 'application/json' ||
  (value !== undefined && (value.split(';', 1)[0] ?? '').trim().toLowerCase() === 'application/json');

/**
 * The MCP endpoint's hot path on node:http: guards, token, body read once within the limit,
 * parsed once, dispatched from the core's method table, serialised once, written once — no
 * Request/Response conversion. 2025-era requests are answered as one SSE frame (what the SDK's
 * stateless legacy leg sends), 2026-07-28 requests as JSON, notifications with 202.
 * The core answers refusals of its own (params of the wrong type, an unknown prompt or resource)
 * as in-band JSON-RPC errors, as the SDK does. Every request the core does not answer exactly as
 * the SDK would — any other refusal, an unusual envelope, a method outside the table — is handed
 * on unchanged (with the body already read) to the web-standard path, so behaviour at the edges
 * is the SDK's own.
 */
export function coreEndpoint(options: CoreEndpointOptions) {
  const { dispatch, maxBodyBytes, tracing } = options;
  /** `<issuer><path>` per MCP path, made once each (the core serves a fixed few). */
  const resources = new Map<string, string>();
  const resourceOf = (path: string): string => {
    let resource = resources.get(path);
    if (resource === undefined) {
      resource = `${options.issuer}${path}`;
      if (resources.size < 16) resources.set(path, resource);
    }
    return resource;
  };

  /** `handOn` lets the web-standard path (the Hono app and the SDK handler) answer; `body` once read. */
  return (
    request: IncomingMessage,
    response: ServerResponse,
    path: string,
    handOn: (body?: Buffer) => void,
  ): void => {
    const headers = request.method === 'POST' ? coreHeaders(request.rawHeaders) : undefined;
    if (headers === undefined || !worthReading(headers, maxBodyBytes, options.guardsPass)) {
      handOn();
      return;
    }
    const started = performance.now();
    readBody(request, (body) => {
      const done = tracing.enabled
        ? withServerSpan(tracing, request, response, path, () =>
            answerOrHandOn(headers, response, path, body, started, handOn),
          )
        : answerOrHandOn(headers, response, path, body, started, handOn);
      // Neither rejects but for a fault past the hand-on; then the socket is unusable.
      done.catch(() => response.destroy());
    });
  };

  /** Answers the request, or hands it on when the core does not answer it or failed before writing. */
  async function answerOrHandOn(
    headers: CoreHeaders,
    response: ServerResponse,
    path: string,
    body: Buffer,
    started: number,
    handOn: (body?: Buffer) => void,
  ): Promise<void> {
    let answered: boolean;
    try {
      answered = await answer(headers, response, path, body, started);
    } catch {
      answered = response.headersSent;
    }
    if (!answered) handOn(body);
  }

  async function answer(
    headers: CoreHeaders,
    response: ServerResponse,
    path: string,
    body: Buffer,
    started: number,
  ): Promise<boolean> {
    const resource = resourceOf(path);
    const message = parsed(body);
    if (message === undefined) return false;
    const fast = fastEnvelope(message, headers);
    if (fast === undefined || (fast.id !== undefined && !dispatch.handles(fast.method))) return false;
    const auth = await options.authenticate(headers.authorization, resource);
    if (!auth.ok || options.scopeChallenge?.(message, auth.authInfo, resource) !== undefined) return false;
    if (fast.id === undefined) {
      if (tracing.enabled) await traced(fast, () => undefined);
      write(response, 202, HEADS.accepted, '');
      observe(path, fast, 202, started);
      return true;
    }
    const principal = principalOf({ http: { authInfo: auth.authInfo } }, undefined);
    // Lists go out as their pre-framed bytes; with tracing on they take the traced path below.
    if (!tracing.enabled && fast.refusal === undefined && LIST_METHODS.has(fast.method)) {
      const framed = dispatch.lists.framed(fast.method as ListMethod, fast.era, principal.scopes, fast.views);
      writeFramed(headers, response, LIST[fast.era], framed, fast.id);
      observe(path, fast, 200, started);
      return true;
    }
    const work = dispatch.plan(fast, principal);
    if (work === undefined) return false;
    const json = await answerJson(fast.id, tracing.enabled ? () => traced(fast, work) : work);
    if (fast.era === 'legacy') write(response, 200, HEADS.sse, `event: message\ndata: ${json}\n\n`);
    else write(response, 200, HEADS.json, json);
    observe(path, fast, 200, started);
    return true;
  }

  /** The `mcp <method>` span, as app.ts names and annotates it. */
  function traced<T>(fast: FastRequest, work: () => Promise<T> | T): Promise<T> {
    return tracing.span(
      `mcp ${fast.method}`,
      { 'rpc.system': 'jsonrpc', 'rpc.method': fast.method },
      async (notes) => {
        if (fast.method === 'tools/call') notes.set('mcp.tool.name', fast.params.name as string);
        return await work();
      },
    );
  }

  function observe(path: string, fast: FastRequest, status: number, started: number): void {
    options.observe?.(path, fast.method, fast.params.name, status, (performance.now() - started) / 1000);
  }
}

/**
 * The JSON-RPC answer to a request: its result, or the ProtocolError its work threw (an in-band
 * error, 200 like the SDK's); any other failure rejects, and the request is handed on.
 */
async function answerJson(id: string | number, work: () => Promise<string> | string): Promise<string> {
  try {
    return `{"result":${await work()},"jsonrpc":"2.0","id":${JSON.stringify(id)}}`;
  } catch (error) {
    if (!(error instanceof ProtocolError)) throw error;
    return JSON.stringify({ jsonrpc: '2.0', id, error: errorObject(error) });
  }
}

const header = (request: IncomingMessage, name: string): string | undefined => {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
};

/** The parsed body, or undefined for anything the web-standard path must judge (bad UTF-8, a BOM, bad JSON, prototype keys). */
function parsed(body: Buffer): unknown {
  if (body.length === 0 || body[0] === 0xef || !isUtf8(body)) return undefined;
  const text = body.toString('utf8');
  if (text.includes('__proto__') || text.includes('constructor') || text.includes('prototype'))
    return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Whether the core may read this request at all; anything else goes to the web-standard path
 * untouched. A body without a length (chunked) is the SDK path's: it refuses one past the limit
 * with 413 after the token check, which the core, authenticating only a body it has read, cannot
 * match.
 */
function worthReading(
  headers: CoreHeaders,
  maxBodyBytes: number,
  guardsPass: CoreEndpointOptions['guardsPass'],
): boolean {
  return (
    isJsonMediaType(headers['content-type']) &&
    Number(headers['content-length']) <= maxBodyBytes &&
    guardsPass(headers.host, headers.origin)
  );
}

/**
 * Reads the whole body; Node's parser ends it at its declared length, so it stays within the
 * limit. A body that arrived as one chunk (nearly every request: a few hundred bytes) is that
 * chunk, a buffer of its own (node:http copies each body chunk out of the socket's), not a copy.
 */
function readBody(request: IncomingMessage, done: (body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  request.on('data', (chunk: Buffer) => {
    size += chunk.length;
    chunks.push(chunk);
  });
  request.on('end', () => {
    done(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
  });
}

/** The `HTTP POST` server span around `respond`, continuing a caller's `traceparent`. */
function withServerSpan(
  tracing: Tracing,
  request: IncomingMessage,
  response: ServerResponse,
  path: string,
  respond: () => Promise<void>,
): Promise<void> {
  return tracing.span(
    'HTTP POST',
    { 'http.request.method': 'POST', 'url.path': path },
    async (notes) => {
      // Handed on inside the span's context, so the app's tracing joins this span.
      await respond();
      if (!response.writableFinished) await new Promise((resolve) => response.once('close', resolve));
      notes.set('http.route', path);
      notes.set('http.response.status_code', response.statusCode);
    },
    { kind: SpanKind.SERVER, parent: (name) => header(request, name) },
  );
}

/**
 * The body is encoded once, here: written as a string, a ~10 KB answer built by concatenation was
 * flattened to count its bytes, flattened again joined to the head, then encoded. It goes out with
 * the other answers of this turn (turn-writes.ts).
 */
function write(response: ServerResponse, status: number, head: PrebuiltHead, body: string): void {
  const bytes = Buffer.from(body);
  writePrebuiltHead(response, status, head, bytes.length);
  endThisTurn(response, bytes);
}

/**
 * A pre-framed answer: its bytes as built once and the id between them, in one corked write at
 * the end of the turn (turn-writes.ts); gzip-compressed (the compression done once, see
 * gzip-splice.ts) when the client accepts it.
 */
function writeFramed(
  requestHeaders: CoreHeaders,
  response: ServerResponse,
  heads: { readonly plain: PrebuiltHead; readonly gzip: PrebuiltHead },
  framed: FramedAnswer,
  id: string | number,
): void {
  // The only bytes that differ between two answers of the same list.
  const after = Buffer.from(`${JSON.stringify(id)}${framed.tail}`);
  response.cork();
  if (framed.gzip !== undefined && acceptsGzip(requestHeaders['accept-encoding'])) {
    const rest = gzipRest(framed.gzip, after);
    writePrebuiltHead(response, 200, heads.gzip, framed.gzip.prefix.length + rest.length);
    endThisTurn(response, rest, framed.gzip.prefix);
    return;
  }
  writePrebuiltHead(response, 200, heads.plain, framed.head.length + after.length);
  endThisTurn(response, after, framed.head);
}
