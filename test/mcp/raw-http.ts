import http from 'node:http';
import { expect } from 'vitest';

/** Raw HTTP helpers for the MCP endpoint tests: hand-built JSON-RPC bodies and headers, no SDK. */
export const JSON_HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
};
export const LEGACY = { ...JSON_HEADERS, 'mcp-protocol-version': '2025-11-25' };
export const MODERN_META = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientCapabilities': {},
  'io.modelcontextprotocol/clientInfo': { name: 'hostile', version: '1.0.0' },
};
export const modernHeaders = (method: string, name?: string) => ({
  ...JSON_HEADERS,
  'mcp-protocol-version': '2026-07-28',
  'mcp-method': method,
  ...(name !== undefined && { 'mcp-name': name }),
});
export const without = (headers: Record<string, string>, name: string) =>
  Object.fromEntries(Object.entries(headers).filter(([key]) => key !== name));
export const modern = (method: string, params: Record<string, unknown> = {}, id = 1) =>
  JSON.stringify({ jsonrpc: '2.0', id, method, params: { ...params, _meta: MODERN_META } });
export const legacy = (method: string, params?: unknown, id: unknown = 1) =>
  JSON.stringify({ jsonrpc: '2.0', id, method, ...(params !== undefined && { params }) });

export interface Answer {
  status: number;
  contentType: string | null;
  /** The JSON-RPC message, from a JSON body or the first SSE `data:` line. */
  body:
    | {
        id?: unknown;
        result?: Record<string, unknown>;
        error?: { code: number; message: string; data?: unknown };
      }
    | undefined;
  text: string;
}

function parse(status: number, contentType: string | null, text: string): Answer {
  let body: Answer['body'];
  const data = contentType?.includes('text/event-stream')
    ? text
        .split('\n')
        .find((line) => line.startsWith('data: '))
        ?.slice(6)
    : text;
  try {
    body = data ? (JSON.parse(data) as Answer['body']) : undefined;
  } catch {
    body = undefined;
  }
  return { status, contentType, body, text };
}

export async function post(
  url: string,
  body: string | Buffer | ReadableStream<Uint8Array>,
  headers: Record<string, string> = LEGACY,
  extra: RequestInit = {},
): Promise<Answer> {
  const response = await fetch(url, { method: 'POST', headers, body, ...extra });
  return parse(response.status, response.headers.get('content-type'), await response.text());
}

export interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The body exactly as the server wrote it (no decoding: a gzip answer stays gzip). */
  bytes: Buffer;
  text: string;
}

/**
 * One POST over node:http, which (unlike fetch) sends `Host` and every other header as given.
 * `agent: false` is a fresh connection; `chunked` writes the body in 4 KiB pieces without a
 * content-length; `refusable`: the server may refuse the body before reading it whole and close
 * (a 413), so a reset while writing is not an error.
 */
export function exchange(
  url: string,
  request: {
    headers: Record<string, string>;
    body: string | Uint8Array;
    agent?: http.Agent | false;
    chunked?: boolean;
    refusable?: boolean;
  },
): Promise<RawAnswer> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const outgoing = http.request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        headers: request.headers,
        agent: request.agent ?? false,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const bytes = Buffer.concat(chunks);
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            bytes,
            text: bytes.toString('utf8'),
          });
        });
      },
    );
    outgoing.on('error', (error: NodeJS.ErrnoException) => {
      if (request.refusable !== true || (error.code !== 'EPIPE' && error.code !== 'ECONNRESET'))
        reject(error);
    });
    const bytes = typeof request.body === 'string' ? Buffer.from(request.body) : request.body;
    if (request.chunked === true) {
      for (let at = 0; at < bytes.length; at += 4096) outgoing.write(bytes.subarray(at, at + 4096));
      outgoing.end();
    } else outgoing.end(bytes);
  });
}

/** node:http on a fresh connection: fetch cannot set `Host`, and this never reuses a socket. */
export async function rawPost(url: string, headers: Record<string, string>, body: string): Promise<Answer> {
  const { status, headers: received, text } = await exchange(url, { headers, body });
  return parse(status, received['content-type'] ?? null, text);
}

export function expectRpcError(answer: Answer, status: number, code: number): void {
  expect(answer.status, answer.text).toBe(status);
  expect(answer.body?.error?.code, answer.text).toBe(code);
  expect(answer.body?.result).toBeUndefined();
}

export async function expectStillServing(url: string): Promise<void> {
  const pinged = await rawPost(url, LEGACY, legacy('ping'));
  expect(pinged.status).toBe(200);
  expect(pinged.body?.result).toEqual({});
  const listed = await rawPost(
    url,
    LEGACY,
    legacy('tools/call', { name: 'bids.list', arguments: { status: 'negotiation', min_days_in_status: 14 } }),
  );
  expect(listed.status).toBe(200);
  expect(JSON.stringify(listed.body?.result)).toContain('#123');
}
